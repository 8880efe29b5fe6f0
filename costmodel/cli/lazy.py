"""A click group whose commands are imported only when one runs; listing them in --help imports none."""

from __future__ import annotations

import importlib
from typing import ClassVar

import click


class LazyGroup(click.Group):
    """Commands named in COMMANDS as module:attribute with their one-line help, imported on first use."""

    COMMANDS: ClassVar[dict[str, tuple[str, str]]] = {}
    """Command name → (module:attribute, one-line help shown in the group's --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.COMMANDS:
            return None
        module, attribute = self.COMMANDS[name][0].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
