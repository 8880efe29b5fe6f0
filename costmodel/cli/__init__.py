"""The costmodel command: a lazy click group that turns library errors into one-line messages and exit codes.

Exit status: 0 success; 1 a finding that should fail a pipeline (audit flags) or an unexpected failure;
2 bad input or usage. Commands live in sibling modules and are imported only when run, so `compare`
never pays for pandas or matplotlib.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from costmodel.cli.signals import Signalled, unwinding_signals
from costmodel.errors import CostmodelError
from costmodel.safe_text import error_line

COMMANDS: dict[str, str] = {
    "compare": "costmodel.cli.costs:compare",
    "breakdown": "costmodel.cli.costs:breakdown",
    "validate": "costmodel.cli.data:validate",
    "prices": "costmodel.cli.data:prices",
    "schema": "costmodel.cli.data:schema",
    "scenarios": "costmodel.cli.data:scenarios",
    "stacks": "costmodel.cli.data:stacks",
    "breakeven": "costmodel.cli.whatif:breakeven",
    "sweep": "costmodel.cli.whatif:sweep",
    "sensitivity": "costmodel.cli.whatif:sensitivity",
    "render": "costmodel.cli.writers:render",
    "audit": "costmodel.cli.writers:audit",
    "report": "costmodel.cli.report:report",
}
"""Command name → module:attribute; imported only when that command runs (or help lists it)."""



def _available() -> dict[str, str]:
    return COMMANDS


class CostmodelGroup(click.Group):
    """Loads commands on demand and reports every failure as one line on stderr."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_available())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = _available().get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; commands: {', '.join(self.list_commands(ctx))}"
            raise click.UsageError(f"no such command '{name}'{hint}", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            with unwinding_signals():
                code = run(self, args, prog_name or "costmodel", complete_var, **extra)
        except Signalled as exc:  # arrived after run returned, before our handlers were taken down
            click.echo(exc.message, err=True)
            code = exc.exit_code
        if standalone_mode:
            sys.exit(code)
        return code


def run(group: click.Group, args: Any, prog_name: str, complete_var: str | None, **extra: Any) -> int:
    """Run the command; every failure becomes one error line (error_line: no control characters, cut to a sane
    length, values from files and flags included) and an exit status."""
    try:
        result = click.Group.main(group, args, prog_name, complete_var, standalone_mode=False, **extra)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else prog_name
        click.echo(f"Error: {command}: {error_line(exc.format_message())}", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort as exc:
        # click raises Abort for Ctrl-C (when no handler of ours ran, e.g. outside the main thread) and for
        # end of input at a prompt; only the first is an interrupt.
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            return 130
        click.echo("Aborted.", err=True)
        return 1
    except Signalled as exc:
        # Raised by our signal handlers; temporary files were removed on the way up.
        click.echo(exc.message, err=True)
        return exc.exit_code
    except CostmodelError as exc:
        message = error_line(str(exc))
        click.echo(message if getattr(exc, "path", None) else f"Error: {message}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:
        click.echo("Error: " + error_line(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}"), err=True)
        return 1
    except Exception as exc:
        if os.environ.get("COSTMODEL_DEBUG"):
            traceback.print_exc()
        detail = error_line(f"{type(exc).__name__}: {exc}")
        click.echo(f"Error: internal error: {detail} (set COSTMODEL_DEBUG=1 for details)", err=True)
        return 1
    return result if isinstance(result, int) else 0


@click.group(
    name="costmodel",
    cls=CostmodelGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="costmodel", prog_name="costmodel")
def cli() -> None:
    """What a voice-AI stack really costs, per call and per month, from dated price sheets.

    Start with `costmodel compare` (the 5-minute support call on every bundled stack),
    then `costmodel breakdown SCENARIO STACK` to see every line of one bill.
    """


def main() -> None:
    cli.main(prog_name="costmodel")
