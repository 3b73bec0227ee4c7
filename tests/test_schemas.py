"""The committed JSON Schema files match the code (regenerate: python -m summarizer.schemas schemas/)."""

from pathlib import Path

import pytest

from summarizer.schemas import SCHEMAS, render_schemas

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("filename", sorted(SCHEMAS))
def test_schema_file_matches_code(filename: str) -> None:
    committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    assert committed == render_schemas()[filename], (
        f"schemas/{filename} is stale: run `python -m summarizer.schemas schemas/`"
    )


def test_models_forbid_extra_fields() -> None:
    import json

    for filename in SCHEMAS:
        schema = json.loads((SCHEMA_DIR / filename).read_text())
        objects = [schema, *schema.get("$defs", {}).values()]
        for obj in objects:
            if obj.get("type") == "object":
                assert obj.get("additionalProperties") is False, (filename, obj.get("title"))
