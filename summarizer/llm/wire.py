"""The compact format the model writes (short keys, sentence ids, length caps).

On two CPU cores every generated token costs ~0.1 s, so the model writes as little as
possible: one-letter keys, sentence ids instead of copied quotes, capped strings and lists.
The summary task (:mod:`summarizer.analysis.summary`) checks every part against the article
and turns the cited ids into exact character spans. Field descriptions are instructions to the
model. Claims and stances are not written by the model (they come from the parse), so they
have no wire model.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

__all__ = ["WireSummary", "WireSummaryPoint", "summary_repair_model", "wire_schema"]

SentenceIds = list[int]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireSummaryPoint(_Wire):
    x: str = Field(min_length=1, max_length=110, description="Key point, one short sentence.")
    e: SentenceIds = Field(min_length=1, max_length=3, description="Ids of the sentences stating it.")


class WireSummary(_Wire):
    """What the model writes for the summary: a headline, an abstract and key points that
    cite sentence ids. Claims and stances come from the parse, not from here."""

    h: str = Field(min_length=1, max_length=90, description="One-line headline.")
    a: str = Field(min_length=1, max_length=220, description="Abstract, 1-2 short sentences.")
    k: list[WireSummaryPoint] = Field(min_length=1, max_length=4, description="3 key points.")


@functools.lru_cache(maxsize=64)
def summary_repair_model(headline: bool, abstract: bool, key_points: int) -> type[BaseModel]:
    """The re-ask answer for a summary: only the parts that were rejected (a new headline, a
    new abstract, and/or at least ``key_points`` replacement key points), all required, so
    grammar decoding emits nothing else."""
    fields: dict[str, Any] = {}
    if headline:
        fields["h"] = (str, Field(min_length=1, max_length=90, description="New headline."))
    if abstract:
        fields["a"] = (str, Field(min_length=1, max_length=220, description="New abstract."))
    if key_points:
        fields["k"] = (list[WireSummaryPoint],
                       Field(min_length=min(key_points, 4), max_length=4,
                             description="Replacement key points."))
    return create_model(f"WireSummaryRepair_{int(headline)}{int(abstract)}{key_points}",
                        __base__=_Wire, **fields)


def wire_schema() -> dict[str, Any]:
    """JSON Schema of :class:`WireSummary`, the one answer the model writes from scratch (what
    grammar-constrained decoding enforces; part of the response-cache key)."""
    return WireSummary.model_json_schema()
