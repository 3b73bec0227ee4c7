"""The briefing note's output types: the JSON contract (``schemas/briefing.schema.json``)
that :mod:`summarizer.render` draws. Every citation is an article id, a character span of that
article's analysed text and the quoted sentence."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.models import AttributionType, Evidence, PromptRef, SpeakerType, StanceLabel, Usage

__all__ = [
    "BRIEFING_SCHEMA_VERSION", "SPEAKER_TYPES", "ArticleRef", "BottomLineSentence", "Briefing",
    "Citation", "Comparison", "ComparisonMember", "Development", "FailedArticle", "Methods",
    "OutletInfo", "OutletNote", "Ownership", "Relation", "SourcingProfile", "Speaker",
    "SpeakerClaim", "StanceCell", "StanceEntry", "StanceMatrix", "briefing_schema",
]


BRIEFING_SCHEMA_VERSION: Literal["1"] = "1"
SPEAKER_TYPES: tuple[SpeakerType, ...] = ("outlet", "person", "organization", "group", "anonymous")
Relation = Literal["agree", "contradict", "add_detail"]
Ownership = Literal["state-owned", "state-affiliated", "public-broadcaster", "private", "cooperative"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Model):
    """A resolvable pointer into one article: ``article_text[start:end] == text``."""

    article: str = Field(description="Id of the cited article (see Briefing.articles).")
    sentence: int | None = Field(default=None, ge=1, description="1-based sentence id.")
    start: int = Field(ge=0, description="Start offset (characters) in the analysed text.")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str = Field(min_length=1, description="The quoted sentence, exactly text[start:end].")

    @classmethod
    def from_evidence(cls, article: str, evidence: Evidence) -> Citation:
        return cls(article=article, sentence=evidence.sentence, start=evidence.start,
                   end=evidence.end, text=evidence.text)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article, self.start, self.end)


class BottomLineSentence(_Model):
    """One sentence of the bottom line, with what it rests on."""

    text: str = Field(min_length=1)
    basis: list[str] = Field(default_factory=list, description="Development/comparison ids cited.")
    citations: list[Citation] = Field(min_length=1)


class Development(_Model):
    """A key development, merged from similar key points of one or more articles."""

    id: str = Field(description="D1, D2, ... in order of importance (articles covering it).")
    text: str
    articles: list[str] = Field(description="Ids of the articles that report it.")
    variants: list[str] = Field(default_factory=list, description="Other wordings merged into it.")
    citations: list[Citation] = Field(min_length=1)


class SpeakerClaim(_Model):
    """One claim of a speaker, in one article."""

    article: str
    outlet: str | None = None
    text: str
    attribution: AttributionType
    cue: str | None = None
    citations: list[Citation] = Field(min_length=1)


class Speaker(_Model):
    """A speaker (a named person or organisation, an unnamed group, an anonymous source or an
    outlet's own voice) and every claim credited to it."""

    name: str
    speaker_type: SpeakerType
    claims: list[SpeakerClaim]


class StanceEntry(_Model):
    """One stance as found in one article."""

    article: str
    outlet: str | None = None
    holder: str
    holder_type: SpeakerType
    target: str
    label: StanceLabel
    citations: list[Citation] = Field(min_length=1)


class StanceCell(_Model):
    """A holder's position toward a target, over all articles (``mixed`` when they differ)."""

    holder: str
    target: str
    label: StanceLabel
    entries: list[StanceEntry] = Field(min_length=1)


class StanceMatrix(_Model):
    """Holders (rows) × targets (columns)."""

    holders: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    cells: list[StanceCell] = Field(default_factory=list)

    def cell(self, holder: str, target: str) -> StanceCell | None:
        """The cell at ``holder`` × ``target``, or ``None`` when that holder said nothing on it."""
        for c in self.cells:
            if c.holder == holder and c.target == target:
                return c
        return None


class ComparisonMember(_Model):
    """One article's statement within a comparison group."""

    article: str
    label: str = Field(description="The source label the model saw (A, B, ...).")
    outlet: str | None = None
    speaker: str
    speaker_type: SpeakerType
    text: str
    value: str | None = Field(default=None, description="The compared value as worded "
                              "('at least 19'), for groups found by the parse.")
    citations: list[Citation] = Field(min_length=1)


class Comparison(_Model):
    """Statements of different articles about the same point, and how they relate."""

    id: str = Field(description="G1, G2, ...")
    subject: str = Field(description="The point, in the words of its first statement.")
    members: list[ComparisonMember] = Field(min_length=2)
    relation: Relation | None = Field(
        default=None, description="Decided by the model; None when it could not be decided."
    )
    reason: str | None = None
    evidence: list[Citation] = Field(
        default_factory=list, description="Sentences the model cited, from at least two articles."
    )
    problem: str | None = Field(default=None, description="Why the relation is missing, if it is.")
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="The model's probability of the relation when it "
        "was scored (prompt compare@3); None when the parse, a match or a generated answer decided.")
    found_by: Literal["parse", "match", "model"] = Field(
        default="model", description="'parse': numbers/dates/outcomes compared deterministically; "
        "'match': near-identical statements (an agreement without a model call); "
        "'model': the relation was judged by the model.")
    measure: str | None = Field(default=None, description="What the parse compared ('deaths').")


class OutletInfo(_Model):
    """An entry of the curated outlet registry (``summarizer/data/outlets.toml``)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    ownership: Ownership
    basis: str = Field(min_length=10, description="One sentence on why, checkable by a reader.")


class OutletNote(_Model):
    """The registry entry matching an outlet named in the input."""

    outlet: str = Field(description="The outlet as named in the input.")
    info: OutletInfo

    @property
    def state_linked(self) -> bool:
        return self.info.ownership in ("state-owned", "state-affiliated")


class SourcingProfile(_Model):
    """Who the claims of an article (or of all articles of an outlet) are credited to."""

    key: str = Field(description="Article id, or the outlet name for per-outlet profiles.")
    outlet: str | None = None
    articles: int = Field(default=1, ge=1)
    claims: int = Field(ge=0)
    counts: dict[SpeakerType, int]
    shares: dict[SpeakerType, float] = Field(description="counts / claims (0 when no claims).")
    ownership: Ownership | None = Field(default=None, description="From the outlet registry.")


class ArticleRef(_Model):
    """An input article as listed in the note."""

    id: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    headline: str | None = Field(default=None, description="The model's headline, when analysed.")
    sentences: int = 0
    chars: int = 0
    sha256: str | None = None
    analysed: bool = True


class FailedArticle(_Model):
    """An article that could not be read or analysed (never dropped silently)."""

    id: str
    source: str | None = None
    error: str = Field(description="Error class, e.g. OutputValidationError.")
    message: str


class Methods(_Model):
    """How the note was made."""

    created_at: datetime
    articles: int = Field(description="Articles given.")
    analysed: int = Field(description="Articles analysed successfully.")
    failed: list[FailedArticle] = Field(default_factory=list)
    backend: str
    model: str
    prompts: list[PromptRef] = Field(default_factory=list)
    model_calls: int = Field(default=0, description="Model calls of the note: the analyses' generated "
                             "answers (summaries, re-asks) and the note's own compare/bottom-line calls "
                             "(scored or generated); the analyses' stance scorings are in the call log "
                             "(`summarizer logs`) but not counted here.")
    cached: int = Field(default=0, description="Analyses reused from the cache.")
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    bottom_line_by: Literal["model", "extractive", "none"] = "none"
    notes: list[str] = Field(default_factory=list, description="Anything else that went wrong.")


class Briefing(_Model):
    """A briefing note: the JSON contract rendered by :mod:`summarizer.render`."""

    schema_version: Literal["1"] = BRIEFING_SCHEMA_VERSION
    title: str
    topic: str | None = None
    articles: list[ArticleRef]
    bottom_line: list[BottomLineSentence] = Field(default_factory=list)
    developments: list[Development] = Field(default_factory=list)
    speakers: list[Speaker] = Field(default_factory=list)
    stances: StanceMatrix = Field(default_factory=StanceMatrix)
    comparisons: list[Comparison] = Field(default_factory=list)
    sourcing_by_article: list[SourcingProfile] = Field(default_factory=list)
    sourcing_by_outlet: list[SourcingProfile] = Field(default_factory=list)
    outlet_notes: list[OutletNote] = Field(default_factory=list)
    methods: Methods

    def article(self, article_id: str) -> ArticleRef | None:
        """The article with id ``article_id``."""
        return next((a for a in self.articles if a.id == article_id), None)

    def all_citations(self) -> list[Citation]:
        """Every citation in the note, in reading order (repeats included)."""
        out: list[Citation] = []
        for s in self.bottom_line:
            out += s.citations
        for d in self.developments:
            out += d.citations
        for sp in self.speakers:
            for c in sp.claims:
                out += c.citations
        for cell in self.stances.cells:
            for e in cell.entries:
                out += e.citations
        for g in self.comparisons:
            for m in g.members:
                out += m.citations
            out += g.evidence
        return out


def briefing_schema() -> dict[str, Any]:
    """JSON Schema of :class:`Briefing` (written to ``schemas/briefing.schema.json``).

    Example:
        >>> briefing_schema()["title"]
        'Briefing'
    """
    return Briefing.model_json_schema()
