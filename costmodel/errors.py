"""The library's exceptions: every failure a user can cause is an InputError with a one-line message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from costmodel.safe_text import error_line

if TYPE_CHECKING:  # annotations only: `costmodel --help` need not import pathlib
    from collections.abc import Iterable
    from pathlib import Path


class CostmodelError(Exception):
    """Base of every error costmodel raises on purpose."""

    exit_code = 1


class InputError(CostmodelError):
    """Bad input (a file, an id, a flag value): exit status 2, message `path:line: field: what is wrong`."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.format())

    def format(self) -> str:
        """`path:line: field: message` on one line a terminal can show safely, however hostile the input.

        Paths, fields and echoed values come from files and file names: control characters are removed,
        a line break is shown as \\n, and a huge echoed value is cut (costmodel.safe_text.error_line).
        """
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        field = f"{self.field}: " if self.field else ""
        return error_line(f"{where}{field}{self.message}")


class UnknownIdError(InputError):
    """An id (SKU, stack, scenario, field) that does not exist; the message suggests close matches."""

    def __init__(self, kind: str, name: str, known: Iterable[str], *, list_known: bool = False, **where: object) -> None:
        known = sorted(known)
        import difflib  # only when an id is unknown: a run that finds everything never needs it

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        listed = list_known or not (close or len(known) > 25)
        listing = f" (known: {', '.join(known)})" if listed else ""
        super().__init__(f"unknown {kind} '{name}'{hint}{listing}", **where)  # type: ignore[arg-type]
        self.suggestions = close


class NoPriceError(InputError):
    """No price period is in force for a SKU on the requested date; never treated as $0.

    `reason` says what is missing; `stack`, when known, names the stack that needed it, and the message
    then reads `stack ID: reason`.
    """

    def __init__(self, reason: str, *, stack: str | None = None, cause: str | None = None, **where: object) -> None:
        self.reason = reason
        self.stack = stack
        self.cause = cause
        """Why there is no price, when known: "not-launched" (before the first sourced start), "unknown-before"
        (before a start known only as a lower bound: a price may have existed), "withdrawn"."""
        super().__init__(f"stack {stack}: {reason}" if stack else reason, **where)  # type: ignore[arg-type]

    def for_stack(self, stack: str) -> NoPriceError:
        """The same error, naming the stack that needed the price."""
        return NoPriceError(
            self.reason, stack=stack, cause=self.cause, path=self.path, line=self.line, field=self.field
        )


class MissingExtraError(CostmodelError):
    """An optional dependency is not installed: the message names the extra that installs it (exit status 1)."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        self.module, self.extra = module, extra
        super().__init__(f"{purpose} need {module}, which is not installed: pip install 'costmodel[{extra}]'")


def require(module: str, extra: str, purpose: str) -> None:
    """Import `module`, or raise MissingExtraError naming the extra that installs it.

    The base install leaves charts and notebooks out. Callers use the module right after, so importing it here
    costs nothing extra and also catches a broken install, not only a missing one.
    """
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module, extra, purpose) from exc


def suggest(name: str, known: Iterable[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
