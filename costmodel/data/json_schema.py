"""JSON Schema for each file format, generated from the pydantic models (the committed schemas/ are this output)."""

from __future__ import annotations

import json

from costmodel.data.field_docs import field_docs
from costmodel.data.models import SCHEMAS, Model

FORMATS: tuple[str, ...] = tuple(sorted([*SCHEMAS, "claims", "calls"]))
"""Every format costmodel reads: the YAML data formats, the audit's claims files, and call records (one row each)."""


def format_model(name: str) -> type[Model]:
    """The pydantic model of a format (the claims format is imported only when asked for)."""
    if name == "claims":
        from costmodel.data.claims import ClaimsFile

        return ClaimsFile
    if name == "calls":
        from costmodel.data.call_records import CallRecord

        return CallRecord
    return SCHEMAS[name]


def _documented(model: type[Model]) -> type[Model]:
    """The model with every field's docstring as its description, nested models first, validators rebuilt."""
    seen: list[type[Model]] = []

    def collect(cls: type[Model]) -> None:
        if cls in seen:
            return
        # A field naming a model defined further down the module (Scenario.with_) is a forward reference
        # until the model is built: build it, so its fields name the nested model and get its docstrings.
        cls.model_rebuild()
        for field in cls.model_fields.values():
            for inner in _model_types(field.annotation):
                collect(inner)
        seen.append(cls)

    collect(model)
    for cls in seen:
        docs = field_docs(cls)
        for name, field in cls.model_fields.items():
            if field.description is None and name in docs:
                field.description = docs[name]
        cls.model_rebuild(force=True)
    return model


def _model_types(annotation: object) -> list[type[Model]]:
    """The Model classes an annotation names (inside unions, lists, Annotated...)."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return [annotation]
    return [inner for arg in getattr(annotation, "__args__", ()) for inner in _model_types(arg)]


def schema_json(name: str) -> str:
    """The JSON Schema document of one format, as committed under schemas/<name>.schema.json."""
    return model_schema_json(format_model(name), f"{name}.schema.json")


def model_schema_json(model: type[Model], path: str) -> str:
    """A model's JSON Schema (field docstrings as descriptions) as committed under schemas/<path>."""
    document = _documented(model).model_json_schema(mode="validation")
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://costmodel.invalid/schemas/{path}",
        **document,
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
