"""The one JSON envelope every command's `--format json` document starts with (README "JSON output").

Every document has the same top-level keys, in this order, before its own payload: `command`, `costmodel_version`,
`as_of`, `currency`, `inputs` (what was asked: ids, paths and flags, filled in by the command line), `whatif` (the
what-ifs given; empty settings and prices without any), `warnings` (the warnings its text output shows, as
lines) and `overrides` (bundled items the user's folders replaced, filled in by the command line; empty when
none). The envelope is built here and only here; its JSON Schema is `costmodel.views.output_schema.Envelope`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from costmodel import __version__
from costmodel.views.formatting import whatif_json

if TYPE_CHECKING:
    from costmodel.core.overrides import WhatIf

ENVELOPE_KEYS = ("command", "costmodel_version", "as_of", "currency", "inputs", "whatif", "warnings", "overrides")
"""The keys every document starts with, in order."""


def document(command: str, payload: Mapping[str, Any], *, as_of: date | None, currency: str | None,
             whatif: WhatIf | None = None, warnings: Iterable[str] = (),
             inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A command's JSON document: the envelope, then the command's own fields (never one of the envelope's)."""
    clash = set(payload) & set(ENVELOPE_KEYS)
    assert not clash, f"payload fields {sorted(clash)} belong to the envelope"
    return {
        "command": command,
        "costmodel_version": __version__,
        "as_of": as_of,
        "currency": currency,
        "inputs": dict(inputs or {}),
        "whatif": whatif_json(whatif),
        "warnings": list(dict.fromkeys(warnings)),
        "overrides": [],
        **payload,
    }


def with_inputs(doc: dict[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The document with `inputs` set (the command line knows what was asked; the views do not)."""
    return {key: (dict(inputs) if key == "inputs" else value) for key, value in doc.items()}
