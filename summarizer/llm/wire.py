"""The compact format the model writes (short keys, sentence ids, length caps).

On two CPU cores every generated token costs ~0.1 s, so the model writes as little as
possible: one-letter keys, sentence ids instead of copied quotes, capped strings and lists.
:mod:`summarizer.analysis.grounding` turns this into the public :class:`~summarizer.core.models.ArticleAnalysis`
with verified character offsets. Field descriptions are instructions to the model.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

__all__ = ["WireArticle", "WireClaim", "WireKeyPoint", "WireRepair", "WireStance", "WireSummary",
           "WireSummaryPoint", "repair_model", "summary_repair_model",
           "wire_schema"]

WireSpeakerType = Literal["outlet", "person", "org", "group", "anon"]
WIRE_TO_SPEAKER_TYPE = {
    "outlet": "outlet",
    "person": "person",
    "org": "organization",
    "group": "group",
    "anon": "anonymous",
}

SentenceIds = list[int]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireKeyPoint(_Wire):
    x: str = Field(min_length=1, max_length=120, description="Key point, one short sentence.")
    e: SentenceIds = Field(min_length=1, max_length=3, description="Ids of supporting sentences.")


class WireClaim(_Wire):
    # The sentence id comes first: the model picks the sentence, then names the speaker that
    # sentence credits (fewer misattributions than naming a speaker and searching for a line).
    # One sentence: small models otherwise fill the list with runs of consecutive ids.
    e: SentenceIds = Field(min_length=1, max_length=1, description="Id of the sentence stating it.")
    s: str = Field(
        min_length=1,
        max_length=60,
        description="Speaker as named in the article; 'outlet' for the article's own voice.",
    )
    t: WireSpeakerType = Field(
        description="outlet=the article's own voice, person=named person, org=named organisation "
        "or media, group=unnamed group (e.g. 'experts'), anon=anonymous source."
    )
    a: Literal["direct", "indirect", "assertion"] = Field(
        description="direct=words in quotation marks, indirect=paraphrase with a cue verb, "
        "assertion=stated by the outlet itself."
    )
    v: str | None = Field(max_length=24, description="Cue verb, e.g. 'said'; null if none.")
    x: str | None = Field(
        default=None,
        max_length=160,
        description="Optional short paraphrase; omitted, the cited sentence is the claim's text.",
    )


class WireStance(_Wire):
    e: SentenceIds = Field(min_length=1, max_length=3)
    h: str = Field(min_length=1, max_length=60, description="Stance holder as named in the article.")
    t: WireSpeakerType
    g: str = Field(min_length=1, max_length=60,
                   description="What the stance is about, named as the article names it.")
    l: Literal["favor", "against", "neutral", "mixed"]  # noqa: E741


class WireArticle(_Wire):
    h: str = Field(min_length=1, max_length=100, description="One-line headline.")
    a: str = Field(min_length=1, max_length=240, description="Abstract, 1-2 sentences.")
    k: list[WireKeyPoint] = Field(min_length=1, max_length=5, description="3-5 key points.")
    c: list[WireClaim] = Field(max_length=12, description="Claims, in article order.")
    s: list[WireStance] = Field(max_length=5, description="Stances of the outlet and sources.")


class WireRepair(_Wire):
    """A re-ask answer: corrected replacements for the rejected items only.

    Verified items of the earlier answer are kept, so a re-ask costs the few tokens of the
    items being fixed instead of a whole new answer. Every list is required (grammar-constrained
    decoding only emits required properties) and may be empty.
    """

    k: list[WireKeyPoint] = Field(max_length=5, description="Replacement key points.")
    c: list[WireClaim] = Field(max_length=12, description="Replacement claims.")
    s: list[WireStance] = Field(max_length=5, description="Replacement stances.")


@functools.lru_cache(maxsize=128)
def repair_model(key_points: int, claims: int, stances: int, *, need_key_point: bool = False) -> type[WireRepair]:
    """A :class:`WireRepair` whose lists hold at most as many items as were rejected of each
    kind, so a re-ask cannot grow into a whole new answer (grammar decoding enforces the caps).
    With ``need_key_point`` (no key point verified so far) the answer must hold at least one:
    a small model otherwise "withdraws" every key point and the summary cannot be built.
    Cached, so backends that key grammars by model class build each one once."""
    need = 1 if need_key_point else 0
    return create_model(
        f"WireRepair_{key_points}_{claims}_{stances}_{need}",
        __base__=WireRepair,
        k=(list[WireKeyPoint], Field(min_length=need, max_length=max(min(key_points, 5), need),
                                     description="Replacement key points.")),
        c=(list[WireClaim], Field(max_length=min(claims, 12), description="Replacement claims.")),
        s=(list[WireStance], Field(max_length=min(stances, 5), description="Replacement stances.")),
    )


def wire_schema() -> dict[str, Any]:
    """JSON Schema of :class:`WireArticle` (what grammar-constrained decoding enforces)."""
    return WireArticle.model_json_schema()


# -- the summary task (parser-first engine) ---------------------------------------------------


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
