"""The command line starts lean: --help lists every command without importing any command's module."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from costmodel.cli import COMMANDS, cli
from tests.import_probe import modules_imported_by


def test_help_imports_no_command_module_nor_pydantic() -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from costmodel.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
    )
    loaded = {m for m in modules_imported_by(code) if m.startswith(("costmodel.", "pydantic", "yaml", "numpy"))}
    # The CLI's own package (group, lazy loader, signals) and the foundation (exceptions, safe text), nothing more.
    allowed = {"costmodel.cli", "costmodel.cli.lazy", "costmodel.cli.signals", "costmodel.errors", "costmodel.safe_text"}
    assert loaded <= allowed


def test_every_listed_command_resolves_and_has_a_help_line_that_fits() -> None:
    context = click.Context(cli)
    for name, (_target, line) in COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None, name
        # One sentence that fits beside the name in an 80-column listing without wrapping.
        assert command.help, name
        assert line.endswith(".") and len(line) <= 62, (name, line)


def test_unknown_command_is_not_listed() -> None:
    assert cli.get_command(click.Context(cli), "no-such-command") is None


def _complete(words: str, env_extra: dict[str, str] | None = None) -> list[str]:
    """What the shell completion of `costmodel WORDS` offers (bash protocol: type,value lines)."""
    env = {**os.environ, "_COSTMODEL_COMPLETE": "bash_complete", "COMP_WORDS": f"costmodel {words}",
           "COMP_CWORD": str(len(words.split(" "))), **(env_extra or {})}
    done = subprocess.run([sys.executable, "-m", "costmodel"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


def test_shell_completion_offers_scenario_and_stack_ids() -> None:
    # The bundled scenarios starting "support" are the 5-minute and the 10-turn calls.
    assert _complete("compare support") == ["support-call-10-turns", "support-call-5min"]
    stacks = _complete("breakdown support-call-5min gpt-realtime")
    assert "gpt-realtime" in stacks and "gpt-realtime-mini" in stacks
    assert all(name.startswith("gpt-realtime") for name in stacks)
    # A library that does not load completes nothing, quietly.
    assert _complete("compare --pricing /no/such/folder supp") == []
