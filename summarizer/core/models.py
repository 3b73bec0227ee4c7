"""Public output types: what ``summarize()`` returns.

Every claim and stance carries :class:`Evidence` whose ``start``/``end`` are character offsets
into the analysed text, computed by the library (never by the model), so that
``text[e.start:e.end] == e.text`` always holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ArticleAnalysis",
    "AttributionType",
    "Claim",
    "Evidence",
    "KeyPoint",
    "PromptRef",
    "RejectedItem",
    "RunMeta",
    "SourceInfo",
    "SpeakerType",
    "Stance",
    "StanceLabel",
    "Summary",
    "Usage",
]

SpeakerType = Literal["outlet", "person", "organization", "group", "anonymous"]
"""Who is speaking: the outlet/author's own voice, a named person, a named organisation or
media outlet, an unnamed group ("Chinese experts"), or an anonymous source ("an official
who asked not to be named")."""

AttributionType = Literal["direct", "indirect", "assertion"]
"""How the claim is attributed: a direct quote, an indirect paraphrase with a cue verb,
or the author's own assertion with no attribution."""

StanceLabel = Literal["favor", "against", "neutral", "mixed"]

SCHEMA_VERSION: Literal["2"] = "2"
"""2: claims carry the source mention and cue as spans, hedges and origin 'parser'; stances
carry a label distribution (``confidence``); the summary says whether it is extractive."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Evidence(_Model):
    """A verified span of the source text."""

    start: int = Field(ge=0, description="Start offset (characters) in the analysed text.")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str = Field(min_length=1, description="Exactly text[start:end].")
    sentence: int | None = Field(
        default=None, ge=1, description="1-based id of the sentence the span lies in."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end <= self.start:
            raise ValueError("evidence end must be greater than start")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length must equal end - start")
        return self


class KeyPoint(_Model):
    """One key point of the summary with the sentences it rests on."""

    text: str = Field(min_length=1, max_length=400)
    evidence: list[Evidence] = Field(default_factory=list)


class Summary(_Model):
    """A one-line headline, a short abstract and the key points."""

    headline: str = Field(min_length=1, max_length=200)
    abstract: str = Field(min_length=1, max_length=1200)
    key_points: list[KeyPoint] = Field(
        min_length=1,
        max_length=7,
        description="3-7 key points (fewer only when the article has fewer than 3 sentences).",
    )
    extractive: bool = Field(
        default=False,
        description="True when headline, abstract and key points are sentences of the article "
        "(the parser-only mode, or no model summary could be verified), not model-written.",
    )


class Claim(_Model):
    """A self-contained statement and who makes it."""

    text: str = Field(min_length=1, max_length=500, description="The claim, self-contained.")
    speaker: str = Field(
        min_length=1,
        max_length=200,
        description="As named in the text, or the outlet's name / 'outlet' for its own voice.",
    )
    speaker_type: SpeakerType
    attribution: AttributionType
    cue: str | None = Field(default=None, max_length=60, description="Cue verb, e.g. 'said'.")
    evidence: list[Evidence] = Field(min_length=1)
    mention: Evidence | None = Field(
        default=None,
        description="The source as the text names it where the claim is made ('he', 'the "
        "ministry'); ``speaker`` is the name it resolves to.",
    )
    cue_span: Evidence | None = Field(default=None, description="The cue ('said', 'according to').")
    hedges: list[str] = Field(
        default_factory=list,
        description="Hedging or uncertainty cues of the claim ('may', 'reportedly', 'if').",
    )
    origin: Literal["parser", "model", "rules"] = Field(
        default="model",
        description="'parser': found in the dependency parse (spaCy); 'model': written by the "
        "model and verified; 'rules': found by the regex attribution rules (languages with no "
        "parser model).",
    )


class Stance(_Model):
    """A holder's position toward a target, with evidence."""

    holder: str = Field(min_length=1, max_length=200)
    holder_type: SpeakerType
    target: str = Field(min_length=1, max_length=200)
    label: StanceLabel
    evidence: list[Evidence] = Field(min_length=1)
    confidence: dict[str, float] | None = Field(
        default=None,
        description="The label distribution the model gave (favor/against/neutral/mixed/none), "
        "when it was scored rather than generated.",
    )


class RejectedItem(_Model):
    """An item the model proposed whose evidence could not be verified.

    Either still open when the re-ask budget ran out (``strict=False`` only; strict runs raise
    instead), or replaced or withdrawn by the model when a re-ask asked it to fix the item (its
    last reason says so). Nothing unverifiable is dropped without a record."""

    kind: Literal["claim", "stance", "key_point", "headline", "abstract"]
    item: dict[str, Any]
    reasons: list[str]


class Usage(_Model):
    """Tokens spent, summed over every model call for this result (re-asks included)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class PromptRef(_Model):
    """Which prompt produced a result: name, version and a hash of its exact content."""

    name: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.name}@{self.version}+{self.sha256[:12]}"


class RunMeta(_Model):
    """How a result was produced."""

    model: str
    backend: str
    mode: str | None = Field(default=None, description="Structured-output mode actually used.")
    prompt: PromptRef
    usage: Usage = Field(default_factory=Usage)
    attempts: int = Field(ge=0, description="Model calls made (first call + re-asks + retries).")
    reasks: int = Field(default=0, ge=0)
    latency_s: float = Field(ge=0)
    cost_usd: float | None = None
    cached: bool = False
    chunks: int = Field(default=1, ge=1, description="Pieces a long article was split into.")
    warnings: list[str] = Field(
        default_factory=list,
        description="Parts left out and why (e.g. stance labels when the backend cannot score "
        "labels or a labelling call failed); the rest of the result is complete.",
    )
    created_at: datetime


class SourceInfo(_Model):
    """What was analysed."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    chars: int
    sentences: int
    sha256: str = Field(description="sha256 of the analysed text (UTF-8).")
    language: str | None = Field(default=None, description="Detected ISO 639-1 code.")
    extracted_from: str | None = Field(
        default=None, description="Set when the text was extracted from another format (html)."
    )


class ArticleAnalysis(_Model):
    """The validated, evidence-backed analysis of one article (the JSON contract)."""

    schema_version: Literal["2"] = SCHEMA_VERSION
    source: SourceInfo
    summary: Summary
    claims: list[Claim]
    stances: list[Stance]
    rejected: list[RejectedItem] = Field(
        default_factory=list,
        description="Every item the model proposed that could not be verified: items a re-ask "
        "replaced or withdrew (audit trail), and with strict=False the items still unverifiable "
        "after the last re-ask.",
    )
    meta: RunMeta

    def check_offsets(self, text: str) -> list[str]:
        """Return a problem string for every evidence span that does not slice ``text``."""
        problems = []
        spans: list[tuple[str, Evidence]] = []
        for i, kp in enumerate(self.summary.key_points):
            spans += [(f"key_points[{i}]", e) for e in kp.evidence]
        for i, c in enumerate(self.claims):
            spans += [(f"claims[{i}]", e) for e in c.evidence]
        for i, s in enumerate(self.stances):
            spans += [(f"stances[{i}]", e) for e in s.evidence]
        for where, e in spans:
            if text[e.start : e.end] != e.text:
                problems.append(f"{where}: text[{e.start}:{e.end}] != {e.text[:40]!r}")
        return problems
