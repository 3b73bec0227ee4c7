"""JSON Schema export of the top-level models into ``schemas/`` (drift-tested).

Regenerate after changing a model::

    python -m summarizer.schemas schemas/
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from .briefing import Briefing
from .core.models import ArticleAnalysis
from .llm.wire import WireSummary

__all__ = ["SCHEMAS", "export_schemas", "render_schemas"]

SCHEMAS: dict[str, type[BaseModel]] = {
    "article_analysis.schema.json": ArticleAnalysis,
    "wire_summary.schema.json": WireSummary,
    "briefing.schema.json": Briefing,
}
"""File name → the model whose JSON Schema it holds."""


def render_schemas() -> dict[str, str]:
    """File name → schema JSON text (stable formatting) for every exported model."""
    out = {}
    for filename, model in SCHEMAS.items():
        schema = model.model_json_schema()
        out[filename] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def export_schemas(directory: Path) -> list[Path]:
    """Write every schema file into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in render_schemas().items():
        path = directory / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")
    for p in export_schemas(target):
        print(p)
