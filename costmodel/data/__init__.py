"""File formats and the catalog: safe YAML reading, the pydantic models, JSON Schema, the loaded library."""
