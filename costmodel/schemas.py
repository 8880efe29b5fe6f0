"""JSON Schema for each file format, generated from the pydantic models (the committed schemas/ are this output)."""

from __future__ import annotations

import json

from costmodel.schema import SCHEMAS


def schema_json(name: str) -> str:
    """The JSON Schema document of one format, as committed under schemas/<name>.schema.json."""
    model = SCHEMAS[name]
    document = model.model_json_schema(mode="validation")
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://costmodel.invalid/schemas/{name}.schema.json",
        **document,
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
