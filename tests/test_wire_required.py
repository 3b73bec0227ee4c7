"""Grammar-constrained decoding (the local backend) only emits required properties, so every
field a task relies on must be required in its wire model — an optional field is never written.
"""

from typing import Any

import pytest
from pydantic import BaseModel

from summarizer.llm.backends.local import grammar_schema
from summarizer.briefing import WireBluf, WireComparison
from summarizer.analysis.chunking import WireMerge
from summarizer.evals.faithfulness import WireVerdicts
from summarizer.llm.wire import WireSummary, summary_repair_model


def _props(schema: dict[str, Any]) -> set[str]:
    return set(schema.get("properties", {}))


@pytest.mark.parametrize("model", [WireSummary, summary_repair_model(True, True, 3), WireMerge,
                                   WireBluf, WireComparison, WireVerdicts])
def test_grammar_keeps_every_top_level_field(model: type[BaseModel]) -> None:
    full = model.model_json_schema()
    assert _props(grammar_schema(full)) == _props(full)
