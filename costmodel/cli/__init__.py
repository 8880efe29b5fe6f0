"""The costmodel command: a lazy click group that turns library errors into one-line messages and exit codes.

Exit status: 0 success; 1 a finding that should fail a pipeline (audit flags) or an unexpected failure;
2 bad input or usage. Commands live in sibling modules and are imported only when run, so `compare`
never pays for pandas or matplotlib.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from costmodel.cli.lazy import LazyGroup
from costmodel.cli.signals import Signalled, unwinding_signals
from costmodel.errors import CostmodelError
from costmodel.safe_text import error_line

COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("costmodel.cli.writers:audit", "Recompute an article's figures: ok, stale or wrong."),
    "breakdown": ("costmodel.cli.costs:breakdown", "Itemised bill of one scenario on one stack, with sources."),
    "breakeven": ("costmodel.cli.whatif:breakeven", "Where two stacks cost the same per call as one input varies."),
    "calibrate": ("costmodel.cli.traffic:calibrate", "A scenario fitted from real call records."),
    "capacity": ("costmodel.cli.costs:capacity", "Self-hosted GPUs by hour: load, GPUs, cost, what binds."),
    "compare": ("costmodel.cli.costs:compare", "Cost of one call profile on every stack, cheapest first."),
    "prices": ("costmodel.cli.data:prices", "Prices in force on a date, with sources; and `prices diff`."),
    "reconcile": ("costmodel.cli.traffic:reconcile", "Recorded cost of real calls against costmodel's price."),
    "render": ("costmodel.cli.writers:render", "Fill a Markdown template's placeholders with computed figures."),
    "replay": ("costmodel.cli.traffic:replay", "Price real call records on every stack: totals, percentiles."),
    "report": ("costmodel.cli.report:report", "A procurement report for one decision, in HTML or Markdown."),
    "scenarios": ("costmodel.cli.data:scenarios", "List the call profiles (scenarios): volumes and call lengths."),
    "schema": ("costmodel.cli.data:schema", "Print the JSON Schema of a file format."),
    "sensitivity": ("costmodel.cli.whatif:sensitivity", "Which inputs and prices move one stack's per-call cost most."),
    "stacks": ("costmodel.cli.data:stacks", "List the stacks with their architecture and components."),
    "sweep": ("costmodel.cli.whatif:sweep", "Cost per call of each stack as one input varies."),
    "validate": ("costmodel.cli.data:validate", "Check price sheets, stacks and scenarios."),
}
"""Command name → (module:attribute, one-line help). A command's module is imported only when it runs, so
`costmodel --help` lists commands from these lines without importing any of them."""



_PATH_ERRNOS = frozenset({
    errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.EISDIR, errno.EACCES, errno.EPERM,
    errno.ENXIO, errno.EROFS,
})
"""Errors that say a path given on the command line cannot be used as it is: the input's fault (exit 2)."""


class CostmodelGroup(LazyGroup):
    """Loads commands on demand and reports every failure as one line on stderr."""

    COMMANDS = COMMANDS

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
        if exc.filename is not None and exc.errno in _PATH_ERRNOS:
            # The path the user gave cannot be used (too long, a loop of links, a file where a folder should be,
            # no permission): bad input, reported like any other, exit 2. Disk full or an I/O error stays 1.
            click.echo(error_line(f"{exc.filename}: {(exc.strerror or str(exc)).lower()}"), err=True)
            return 2
        click.echo("Error: " + error_line(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}"), err=True)
        return 1
    except Exception as exc:
        if os.environ.get("COSTMODEL_DEBUG"):
            import traceback  # only for this rare path: every start-up would pay for it otherwise

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
