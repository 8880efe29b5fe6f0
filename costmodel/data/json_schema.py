"""JSON Schema for each file format, generated from the pydantic models (the committed schemas/ are this output)."""

from __future__ import annotations

import json

from costmodel.data.models import SCHEMAS, Model

FORMATS: tuple[str, ...] = tuple(sorted([*SCHEMAS, "claims"]))
"""Every YAML format costmodel reads: the data formats, and the audit's claims files."""


def format_model(name: str) -> type[Model]:
    """The pydantic model of a format (the claims format is imported only when asked for)."""
    if name == "claims":
        from costmodel.data.claims import ClaimsFile

        return ClaimsFile
    return SCHEMAS[name]


def schema_json(name: str) -> str:
    """The JSON Schema document of one format, as committed under schemas/<name>.schema.json."""
    document = format_model(name).model_json_schema(mode="validation")
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://costmodel.invalid/schemas/{name}.schema.json",
        **document,
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
