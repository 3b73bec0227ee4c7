"""Briefing notes: many articles on one topic → one evidence-backed note.

:func:`brief` analyses every article with :class:`~summarizer.pipeline.Summarizer` and builds a
:class:`Briefing` on top of the per-article analyses:

* **bottom line up front** — 2-4 sentences, written by the model from the key developments
  (prompt ``bluf``) and validated, or extracted from the developments when the model fails;
* **key developments** — key points deduplicated across articles (rapidfuzz on normalised text);
* **who said what** — every attributed claim grouped by speaker;
* **stance matrix** — holders × targets with labels;
* **agreements and contradictions** — claims about the same point grouped across articles by
  similarity; the model decides, per group, whether the sources agree, contradict each other
  or add detail, citing sentences from both sides (prompt ``compare``);
* **sourcing profile** per article and per outlet, with an ownership note from the curated
  outlet registry (``summarizer/data/outlets.toml``);
* **methods** — model, backend, prompt versions, date, counts and every failure.

Every citation is an article id, a character span of that article's analysed text and the
quoted sentence, so each line of a note can be checked against its source. Rendering lives in
:mod:`summarizer.render` and never calls a model.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz

from .analysis import rules as attribution
from . import briefing_conflicts as conflicts
from .llm.backends.base import Backend, CompletionRequest
from .briefing_text import clean_text, label_conflicts_reason, supported, whole_sentences
from .core.document import Document
from .core.errors import (
    BadInputError,
    OutputValidationError,
    ProviderError,
    SummarizerError,
    TruncatedOutputError,
)
from .analysis.grounding import content_words, normalize
from .core.inputs import decode_bytes, read_document
from .core.models import (
    ArticleAnalysis,
    AttributionType,
    Claim,
    Evidence,
    PromptRef,
    SpeakerType,
    StanceLabel,
    Usage,
)
from .pipeline import Summarizer, format_validation_error
from .store.cache import ResponseCache
from .llm.prompts import PromptTemplate, load_prompt
from .core.settings import Settings

__all__ = [
    "ArticleRef",
    "AskCache",
    "BottomLineSentence",
    "Briefer",
    "Briefing",
    "Citation",
    "Comparison",
    "ComparisonMember",
    "Development",
    "FailedArticle",
    "Methods",
    "OutletInfo",
    "OutletNote",
    "OutletRegistry",
    "Relation",
    "SourcingProfile",
    "Speaker",
    "SpeakerClaim",
    "StanceCell",
    "StanceEntry",
    "StanceMatrix",
    "article_statements",
    "brief",
    "briefing_schema",
    "load_articles",
    "split_front_matter",
]

BRIEFING_SCHEMA_VERSION: Literal["1"] = "1"
SPEAKER_TYPES: tuple[SpeakerType, ...] = ("outlet", "person", "organization", "group", "anonymous")
Relation = Literal["agree", "contradict", "add_detail"]
WireRelation = Literal["agree", "contradict", "add_detail", "unrelated"]
Ownership = Literal["state-owned", "state-affiliated", "public-broadcaster", "private", "cooperative"]

MIN_DEVELOPMENT_WORDS = 3
"""A key point of fewer words ("hospital officials") is a fragment, not a development."""
DEVELOPMENT_SIMILARITY = 70.0
"""rapidfuzz token-set ratio (0-100) at which two key points count as the same development."""
CLAIM_SIMILARITY = 62.0
"""rapidfuzz token-set ratio (0-100) on content words at which two claims concern the same point
(the fallback grouping when the parse is not available)."""
CLAIM_OVERLAP = 0.3
"""Weighted (idf) overlap of what two claims are about (parse lemmas: entities, subject, object,
predicate) at which they concern the same point."""


# ---------------------------------------------------------------------------------------------
# Public output types
# ---------------------------------------------------------------------------------------------


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
    model_calls: int = 0
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


# ---------------------------------------------------------------------------------------------
# Outlet registry
# ---------------------------------------------------------------------------------------------


class _RegistryFile(_Model):
    outlet: list[OutletInfo]


class OutletRegistry:
    """The curated registry of outlets and who owns them.

    Example:
        >>> OutletRegistry.load().lookup("Xinhua News Agency").ownership
        'state-owned'
    """

    def __init__(self, outlets: Sequence[OutletInfo]) -> None:
        self.outlets = list(outlets)
        self._exact: dict[str, OutletInfo] = {}
        for info in self.outlets:
            for name in [info.name, *info.aliases]:
                self._exact[normalize(name)] = info

    @classmethod
    def load(cls, path: Path | None = None) -> OutletRegistry:
        """Load the registry file (default: the one shipped in the package)."""
        if path is None:
            raw = (resources.files("summarizer") / "data" / "outlets.toml").read_text(encoding="utf-8")
            where = "summarizer/data/outlets.toml"
        else:
            raw, where = path.read_text(encoding="utf-8"), str(path)
        try:
            data = _RegistryFile.model_validate(tomllib.loads(raw))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            from .core.errors import ConfigurationError

            raise ConfigurationError(f"{where}: invalid outlet registry: {exc}") from exc
        return cls(data.outlet)

    def lookup(self, outlet: str | None) -> OutletInfo | None:
        """The entry for ``outlet``: an exact (normalised) name/alias match, or a name of at
        least five characters that occurs as whole words in it ("Xinhua (Beijing)")."""
        if not outlet:
            return None
        norm = normalize(outlet)
        if norm in self._exact:
            return self._exact[norm]
        for name, info in self._exact.items():
            if len(name) >= 5 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", norm):
                return info
        return None


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_META_KEYS = ("id", "title", "outlet", "date", "url")
_TEXT_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm"}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple ``key: value`` front matter off the top of ``text``.

    Returns the metadata and the remaining text (leading blank lines removed): the text that
    is analysed and that every offset refers to.

    Example:
        >>> split_front_matter("---\\noutlet: X\\ndate: 2024-01-02\\n---\\nBody.")
        ({'outlet': 'X', 'date': '2024-01-02'}, 'Body.')
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lm = _FM_LINE.match(line)
        if not lm:
            return {}, text  # not front matter after all: analyse the file as it is
        value = lm.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[lm.group(1).lower()] = value
    return meta, text[m.end() :].lstrip("\n")


def _document(text: str, meta: dict[str, Any], *, default_id: str, source: str,
              max_chars: int) -> Document:
    fields = {k: str(meta[k]) for k in _META_KEYS if meta.get(k) not in (None, "")}
    doc_id = fields.pop("id", default_id)
    doc = read_document(text, max_chars=max_chars, id=doc_id, source=source, **fields)
    doc.extra = {k: str(v) for k, v in meta.items() if k not in _META_KEYS and k != "text"}
    return doc


def load_articles(
    paths: Iterable[str | Path], *, max_chars: int = 2_000_000
) -> tuple[list[Document], list[FailedArticle]]:
    """Read articles from text/HTML files, folders (sorted, non-recursive) and JSONL files.

    JSONL lines are objects with ``text`` and optional ``id``, ``outlet``, ``date``, ``url``,
    ``title``. Text files may start with front matter (see :func:`split_front_matter`).
    Unreadable inputs are returned as :class:`FailedArticle` entries, never dropped.

    Example:
        >>> docs, failed = load_articles(["examples/briefing"])  # doctest: +SKIP
        >>> [d.outlet for d in docs]  # doctest: +SKIP
        ['The Alvora Ledger', 'Northern Broadcasting Service', 'Riverside Daily Post']
    """
    docs: list[Document] = []
    failed: list[FailedArticle] = []
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files += sorted(f for f in path.iterdir()
                            if f.is_file() and f.suffix.lower() in _TEXT_SUFFIXES | {".jsonl"})
        else:
            files.append(path)
    for path in files:
        try:
            if path.suffix.lower() == ".jsonl":
                d, f = _read_jsonl(path, max_chars=max_chars)
                docs += d
                failed += f
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                                    source=str(path)) from exc
            text = decode_bytes(raw, source=str(path)).replace("\r\n", "\n").replace("\r", "\n")
            meta, body = split_front_matter(text)
            docs.append(_document(body, meta, default_id=path.stem, source=str(path),
                                  max_chars=max_chars))
        except BadInputError as exc:
            failed.append(FailedArticle(id=path.stem, source=str(path), error=type(exc).__name__,
                                        message=str(exc)))
    return docs, failed


def _read_jsonl(path: Path, *, max_chars: int) -> tuple[list[Document], list[FailedArticle]]:
    docs: list[Document] = []
    failed: list[FailedArticle] = []
    try:
        lines = decode_bytes(path.read_bytes(), source=str(path)).splitlines()
    except OSError as exc:
        raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                            source=str(path)) from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        default_id = f"{path.stem}-{n}"
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise BadInputError("jsonl", "each line must be an object with a 'text' string",
                                    source=where)
            docs.append(_document(obj["text"], obj, default_id=str(obj.get("id") or default_id),
                                  source=where, max_chars=max_chars))
        except json.JSONDecodeError as exc:
            failed.append(FailedArticle(id=default_id, source=where, error="BadInputError",
                                        message=f"{where}: invalid JSON ({exc.msg})"))
        except BadInputError as exc:
            failed.append(FailedArticle(id=default_id, source=where, error=type(exc).__name__,
                                        message=str(exc)))
    return docs, failed


def _coerce(article: Document | str | Path, index: int, max_chars: int) -> Document:
    if isinstance(article, Document):
        return article
    if isinstance(article, Path):
        docs, failed = load_articles([article], max_chars=max_chars)
        if failed:
            raise BadInputError("unreadable", failed[0].message, source=str(article))
        if len(docs) != 1:
            raise BadInputError("many", "give folders and JSONL files to load_articles()",
                                source=str(article))
        return docs[0]
    meta, body = split_front_matter(article)
    return _document(body, meta, default_id=f"article-{index}", source=f"article-{index}",
                     max_chars=max_chars)


def _unique_ids(docs: list[Document]) -> None:
    seen: Counter[str] = Counter()
    for i, doc in enumerate(docs, 1):
        base = doc.id or f"article-{i}"
        seen[base] += 1
        doc.id = base if seen[base] == 1 else f"{base}-{seen[base]}"


# ---------------------------------------------------------------------------------------------
# Model calls: compare and bottom line (validated, grounded, bounded re-ask)
# ---------------------------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireSide(_Wire):
    a: str = Field(min_length=1, max_length=3, description="Source label, e.g. 'A'.")
    s: list[int] = Field(min_length=1, max_length=3, description="Sentence ids of that source.")


class WireComparison(_Wire):
    r: WireRelation = Field(description="agree | contradict | add_detail | unrelated")
    y: str = Field(min_length=1, max_length=200, description="One short sentence: what agrees or differs.")
    e: list[WireSide] = Field(min_length=2, max_length=4, description="Evidence from every side.")


class WireBottomLine(_Wire):
    x: str = Field(min_length=1, max_length=240, description="One sentence of the bottom line.")
    d: list[str] = Field(min_length=1, max_length=4, description="Ids of the points it rests on.")


class WireBluf(_Wire):
    b: list[WireBottomLine] = Field(min_length=2, max_length=4, description="2-4 sentences.")


W = TypeVar("W", bound=_Wire)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100",
}


def _numbers(text: str) -> set[str]:
    norm = normalize(text)
    found = {n.replace(",", "") for n in _NUMBER.findall(norm)}
    found |= {v for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", norm)}
    return found


@dataclass
class _CallStats:
    calls: int = 0
    usage: Usage = field(default_factory=Usage)


class AskCache:
    """Verified answers of the note's own model calls (compare, bottom line), in a JSON file
    next to the response cache, so a note on cached analyses makes no model call at all.

    Keyed by model, prompt and the exact messages; an entry is used only if it still passes
    the check, so a stale or edited file cannot put an unverified answer in a note.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._data = {}

    @classmethod
    def beside(cls, store: object) -> AskCache | None:
        """The ask cache of a :class:`~summarizer.store.db.Store` with a file, else ``None``."""
        path = getattr(store, "path", None)
        if not isinstance(path, Path) or str(path) == ":memory:" or not path.parent.is_dir():
            return None
        return cls(path.with_name(path.name + ".briefing-asks.json"))

    @staticmethod
    def key(model: str, messages: list[dict[str, str]], wire: str, max_tokens: int) -> str:
        raw = json.dumps([model, messages, wire, max_tokens], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._data.get(key)
        return value if isinstance(value, dict) else None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        self._data[key] = answer
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


class _Asker:
    """One model task with the pipeline's discipline: validate, check, re-ask (bounded)."""

    def __init__(self, backend: Backend, *, max_reasks: int, stats: _CallStats,
                 cache: AskCache | None = None) -> None:
        self.backend = backend
        self.max_reasks = max_reasks
        self.stats = stats
        self.cache = cache
        self.cached = 0
        self._asked: set[str] = set()

    def asked(self, template: PromptTemplate) -> bool:
        """Whether ``template`` was sent to the model at least once."""
        return template.name in self._asked

    def ask(
        self,
        template: PromptTemplate,
        variables: dict[str, Any],
        wire: type[W],
        check: Callable[[W], list[str]],
        *,
        max_tokens: int,
    ) -> W:
        self._asked.add(template.name)
        rendered = template.render(**variables)
        messages = list(rendered.messages)
        key = AskCache.key(self.backend.model, messages, wire.__name__, max_tokens)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            if "_failed" in hit:  # the same request failed before (temperature 0, seeded)
                self.cached += 1
                raise OutputValidationError(
                    f"{template.name}: cached failure (the same request failed before): "
                    f"{hit['_failed']}", attempts=0,
                    reasons=[str(hit["_failed"])], last_output="")
            try:
                cached = wire.model_validate(hit)
            except ValidationError:
                pass
            else:
                if not check(cached):
                    self.cached += 1
                    return cached
        reasons: list[str] = []
        last = ""
        for attempt in range(1, self.max_reasks + 2):
            try:
                completion = self.backend.complete(
                    CompletionRequest(messages=messages, response_model=wire, max_tokens=max_tokens)
                )
            except TruncatedOutputError as exc:
                self.stats.calls += 1
                if self.cache is not None:  # deterministic: the same request truncates again
                    self.cache.put(key, {"_failed": f"{type(exc).__name__}: {str(exc)[:200]}"})
                raise
            self.stats.calls += 1
            self.stats.usage = self.stats.usage + completion.usage
            last = completion.text
            if completion.data is None:
                reasons = [completion.parse_error or "the answer is not a JSON object"]
            else:
                try:
                    answer = wire.model_validate(completion.data)
                except ValidationError as exc:
                    reasons = ["it does not match the schema: " + format_validation_error(exc)]
                else:
                    reasons = check(answer)
                    if not reasons:
                        if self.cache is not None:
                            self.cache.put(key, answer.model_dump(mode="json"))
                        return answer
            # As in the main pipeline, the rejected answer is not echoed back (small models
            # copy it); the reasons say what was wrong, and the prompt prefix stays cacheable.
            messages = list(rendered.messages) + [
                {"role": "user", "content": "A previous answer to this request could not be verified:\n"
                 + "\n".join(f"- {r}" for r in reasons[:10])
                 + "\nAnswer again with a complete, corrected JSON object."},
            ]
        if self.cache is not None:
            self.cache.put(key, {"_failed": "; ".join(reasons)[:300]})
        raise OutputValidationError(
            f"{template.name}: the model's answer could not be verified after {attempt} attempts: "
            + "; ".join(reasons)[:300],
            attempts=attempt,
            reasons=reasons,
            last_output=last,
        )


# ---------------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------------


@dataclass
class _Analysed:
    doc: Document
    analysis: ArticleAnalysis

    @property
    def id(self) -> str:
        return self.doc.key

    def cite(self, evidence: Iterable[Evidence]) -> list[Citation]:
        return [Citation.from_evidence(self.id, e) for e in evidence]

    @cached_property
    def rules(self) -> dict[int, attribution.Attribution]:
        """The sources the attribution rules find, by sentence id."""
        try:
            return attribution.for_document(self.doc)
        except Exception:  # noqa: BLE001 - the rules are a hint here, never a failure
            return {}


_EDITORIAL = re.compile(r"\b(?:should|must|ought to|needs? to|has to|have to)\b", re.IGNORECASE)


def _speaker_type(value: str) -> SpeakerType:
    for t in SPEAKER_TYPES:
        if t == value:
            return t
    return "anonymous"


def _voice(a: _Analysed, c: Claim) -> tuple[str, SpeakerType]:
    """Who a claim is credited to in the note: the engine's speaker and speaker type, except
    that a model claim on an editorial sentence ("The inquiry promised by Governor Elena Marsh
    should examine ...") that no attribution cue credits to anyone is the outlet's own voice.
    Claims of the parser or the rules are never overridden."""
    outlet = a.doc.outlet or "the outlet"
    if c.speaker_type == "outlet":
        return (c.speaker if c.speaker and c.speaker.lower() != "outlet" else outlet), "outlet"
    if getattr(c, "origin", "model") == "model" and c.evidence and all(
            e.sentence is not None and e.sentence not in a.rules and _EDITORIAL.search(e.text)
            and not _QUOTE_MARK.search(e.text) for e in c.evidence):
        return outlet, "outlet"
    return c.speaker, _speaker_type(c.speaker_type)


_QUOTE_MARK = re.compile(r"[\"“”«»]")


def _canonical_names(rows: Sequence[tuple[str, SpeakerType]]) -> dict[str, str]:
    """Normalised speaker name -> the key it is listed under: a person's shorter name joins
    the longer one that ends with it ("Marsh" -> "elena marsh", "Regional governor Elena
    Marsh" -> "elena marsh" when that is the shortest full name)."""
    people = sorted({normalize(n) for n, t in rows if t == "person"}, key=len)
    out: dict[str, str] = {}
    for name, stype in rows:
        norm = normalize(name)
        if norm in out:
            continue
        key = norm
        if stype == "person":
            tokens = norm.split()
            # the shortest person name of two or more words that this name ends with / contains
            for other in people:
                ot = other.split()
                if other != norm and len(ot) >= 2 and (
                        tokens[-len(ot):] == ot or (len(tokens) == 1 and ot[-1] == tokens[0])):
                    key = other
                    break
        out[norm] = key
    return out


@dataclass
class _Item:
    article: _Analysed
    text: str
    speaker: str
    speaker_type: SpeakerType
    citations: list[Citation]


def _similarity(a: str, b: str) -> float:
    return float(fuzz.token_set_ratio(normalize(a), normalize(b)))


def _content_similarity(a: str, b: str) -> float:
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return float(fuzz.token_set_ratio(" ".join(sorted(wa)), " ".join(sorted(wb))))


def _cluster(items: Sequence[_Item], score: Callable[[_Item, _Item], float],
             threshold: float) -> list[list[_Item]]:
    """Greedy single-link clustering in input order (deterministic)."""
    clusters: list[list[_Item]] = []
    for item in items:
        best, best_score = None, threshold
        for cluster in clusters:
            s = max(score(item, other) for other in cluster)
            if s >= best_score:
                best, best_score = cluster, s
        if best is None:
            clusters.append([item])
        else:
            best.append(item)
    return clusters


SAME_STATEMENT = 85.0
"""rapidfuzz token-set ratio on content words at which two claims say the same thing (an
agreement decided without the model)."""


def _same_statement(cluster: list[_Item]) -> bool:
    """Every pair of the group states the same thing with the same numbers: the claims or
    their cited sentences are near-identical in content words."""
    for i, x in enumerate(cluster):
        for y in cluster[i + 1:]:
            sx = " ".join(c.text for c in x.citations)
            sy = " ".join(c.text for c in y.citations)
            if _numbers(x.text + " " + sx) != _numbers(y.text + " " + sy):
                return False
            if max(_content_similarity(x.text, y.text), _content_similarity(sx, sy)) < SAME_STATEMENT:
                return False
    return True


def _agreement(cluster: list[_Item]) -> Comparison:
    article_ids = list(dict.fromkeys(it.article.id for it in cluster))
    label_of = dict(zip(article_ids, _labels(len(article_ids)), strict=True))
    members = [ComparisonMember(article=it.article.id, label=label_of[it.article.id],
                                outlet=it.article.doc.outlet, speaker=it.speaker,
                                speaker_type=it.speaker_type, text=it.text, citations=it.citations)
               for it in cluster]
    who = list(dict.fromkeys(it.speaker for it in cluster))
    outlets = list(dict.fromkeys(it.article.doc.outlet or it.article.id for it in cluster))
    text = cluster[0].text.rstrip(".")
    reason = (f"{len(outlets)} sources report the same statement ({', '.join(who)}): {text}.")
    return Comparison(id="G?", subject=cluster[0].text, members=members, relation="agree",
                      reason=reason,
                      evidence=_dedupe_citations(c for it in cluster for c in it.citations),
                      found_by="match")


def _dedupe_citations(citations: Iterable[Citation]) -> list[Citation]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in citations:
        if c.key not in seen:
            seen.add(c.key)
            out.append(c)
    return out


def _labels(n: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(n)]


class Briefer:
    """Builds :class:`Briefing` notes. Reuse one instance for many notes.

    Args:
        summarizer: the per-article analyser (its backend also answers the compare and
            bottom-line prompts); default: one built from ``settings`` with ``strict=False``,
            so an unverifiable claim is dropped rather than failing the whole article.
        settings: used only when ``summarizer`` is ``None``.
        cache: a response cache for the per-article analyses (``summarizer.store.Store``);
            used only when ``summarizer`` is ``None`` (a given summarizer keeps its own).
        registry: the outlet registry; default: the shipped one.
        max_comparisons: at most this many claim groups are sent to the model.
        max_developments: at most this many key developments are kept.
        use_model_bottom_line: when ``False`` the bottom line is extracted from the
            developments without a model call.

    Example:
        >>> b = Briefer(summarizer=Summarizer(backend=FakeBackend(default=...)))  # doctest: +SKIP
        >>> b.brief(["examples/briefing/ledger.txt", ...]).bottom_line[0].citations[0].text  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        summarizer: Summarizer | None = None,
        settings: Settings | None = None,
        cache: ResponseCache | None = None,
        registry: OutletRegistry | None = None,
        max_comparisons: int = 3,
        max_developments: int = 8,
        use_model_bottom_line: bool = True,
    ) -> None:
        if summarizer is None:
            summarizer = Summarizer(settings=settings or Settings(), strict=False, cache=cache)
        self.summarizer = summarizer
        self.registry = registry or OutletRegistry.load()
        self.max_comparisons = max_comparisons
        self.max_developments = max_developments
        self.use_model_bottom_line = use_model_bottom_line
        self.compare_template = load_prompt("compare", "2")
        self.bluf_template = load_prompt("bluf", "2")

    def brief(
        self,
        articles: Iterable[Document | str | Path],
        *,
        topic: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        failed_inputs: Sequence[FailedArticle] = (),
    ) -> Briefing:
        """Analyse ``articles`` and assemble the note. See :func:`brief`."""
        started = time.perf_counter()
        created_at = datetime.now(UTC)
        max_chars = self.summarizer.settings.max_chars
        docs: list[Document] = []
        failed: list[FailedArticle] = list(failed_inputs)
        given = len(failed)
        for i, art in enumerate(articles, 1):
            given += 1
            try:
                docs.append(_coerce(art, i, max_chars))
            except BadInputError as exc:
                name = art.stem if isinstance(art, Path) else f"article-{i}"
                failed.append(FailedArticle(id=name, source=exc.source, error=type(exc).__name__,
                                            message=str(exc)))
        _unique_ids(docs)

        analysed: list[_Analysed] = []
        refs: list[ArticleRef] = []
        stats = _CallStats()
        cached = 0
        total = len(docs)
        for n, doc in enumerate(docs, 1):
            ref = ArticleRef(id=doc.key, title=doc.title, outlet=doc.outlet, date=doc.date,
                             url=doc.url, analysed=False)
            try:
                analysis = self.summarizer.summarize(doc)
            except SummarizerError as exc:
                failed.append(FailedArticle(id=doc.key, source=doc.id, error=type(exc).__name__,
                                            message=str(exc)[:500]))
            else:
                analysed.append(_Analysed(doc, analysis))
                ref = ref.model_copy(update={
                    "headline": analysis.summary.headline, "sentences": analysis.source.sentences,
                    "chars": analysis.source.chars, "sha256": analysis.source.sha256,
                    "analysed": True,
                })
                if analysis.meta.cached:
                    cached += 1
                else:
                    stats.calls += analysis.meta.attempts
                    stats.usage = stats.usage + analysis.meta.usage
            refs.append(ref)
            if progress is not None:
                progress(doc.key, n, total)

        notes: list[str] = []
        prompts: list[PromptRef] = [self.summarizer.template.ref]
        developments = self._developments(analysed, notes)
        speakers = self._speakers(analysed)
        stances = self._stances(analysed)
        asker = _Asker(self.summarizer.backend, max_reasks=self.summarizer.settings.max_reasks,
                       stats=stats, cache=AskCache.beside(self.summarizer.cache))
        comparisons = self._comparisons(analysed, asker, notes)
        if any(g.found_by == "model" for g in comparisons) or asker.asked(self.compare_template):
            prompts.append(self.compare_template.ref)
        bottom_line, by = self._bottom_line(topic, developments, comparisons, asker, notes)
        if by == "model":
            prompts.append(self.bluf_template.ref)
        by_article, by_outlet, outlet_notes = self._sourcing(analysed)
        if asker.cached:
            notes.append(f"{asker.cached} verified comparison/bottom-line answer(s) reused from "
                         "the cache")

        title = topic or (analysed[0].analysis.summary.headline if analysed else "Briefing")
        backend = self.summarizer.backend
        return Briefing(
            title=title,
            topic=topic,
            articles=refs + [ArticleRef(id=f.id, analysed=False) for f in failed
                             if f.id not in {r.id for r in refs}],
            bottom_line=bottom_line,
            developments=developments,
            speakers=speakers,
            stances=stances,
            comparisons=comparisons,
            sourcing_by_article=by_article,
            sourcing_by_outlet=by_outlet,
            outlet_notes=outlet_notes,
            methods=Methods(
                created_at=created_at,
                articles=given,
                analysed=len(analysed),
                failed=failed,
                backend=backend.name,
                model=(analysed[0].analysis.meta.model if analysed else "") or backend.model,
                prompts=prompts,
                model_calls=stats.calls,
                cached=cached,
                usage=stats.usage,
                latency_s=round(time.perf_counter() - started, 3),
                bottom_line_by=by,
                notes=notes,
            ),
        )

    # -- sections ---------------------------------------------------------------------------

    def _developments(self, analysed: list[_Analysed], notes: list[str]) -> list[Development]:
        items = []
        for a in analysed:
            for kp in a.analysis.summary.key_points:
                if not kp.evidence:
                    continue
                cites = a.cite(kp.evidence)
                text = whole_sentences(clean_text(kp.text))
                if len(text.split()) < MIN_DEVELOPMENT_WORDS:
                    notes.append(f"{a.id}: key point {text!r} left out of the developments "
                                 "(not a statement)")
                    continue
                if not supported(text, (c.text for c in cites)):
                    notes.append(f"{a.id}: key point left out of the developments (not supported "
                                 f"by its cited sentences): {text[:80]!r}")
                    continue
                items.append(_Item(a, text, "", "outlet", cites))
        clusters = _cluster(items, lambda x, y: _similarity(x.text, y.text), DEVELOPMENT_SIMILARITY)
        order = sorted(range(len(clusters)),
                       key=lambda i: (-len({it.article.id for it in clusters[i]}), i))
        out = []
        for rank, i in enumerate(order[: self.max_developments], 1):
            cluster = clusters[i]
            variants = list(dict.fromkeys(it.text for it in cluster[1:] if it.text != cluster[0].text))
            out.append(Development(
                id=f"D{rank}",
                text=cluster[0].text,
                articles=list(dict.fromkeys(it.article.id for it in cluster)),
                variants=variants,
                citations=_dedupe_citations(c for it in cluster for c in it.citations),
            ))
        return out

    def _speakers(self, analysed: list[_Analysed]) -> list[Speaker]:
        """Every claim under its speaker, with the engine's speaker type (the most frequent
        one when articles differ); "Marsh" joins "Elena Marsh" when both are people."""
        rows: list[tuple[str, SpeakerType, SpeakerClaim]] = []
        for a in analysed:
            for c in a.analysis.claims:
                name, stype = _voice(a, c)
                rows.append((name, stype, SpeakerClaim(
                    article=a.id, outlet=a.doc.outlet, text=whole_sentences(clean_text(c.text)),
                    attribution=c.attribution, cue=c.cue, citations=a.cite(c.evidence),
                )))
        names = _canonical_names([(n, t) for n, t, _ in rows])
        by_name: dict[str, tuple[str, Counter[SpeakerType], list[SpeakerClaim]]] = {}
        for name, stype, claim in rows:
            key = names[normalize(name)]
            entry = by_name.setdefault(key, (name, Counter(), []))
            entry[1][stype] += 1
            entry[2].append(claim)
        out = []
        for key, (first, types, claims) in by_name.items():
            display = next((n for n, _, _ in rows if normalize(n) == key), first)
            out.append(Speaker(name=display, speaker_type=types.most_common(1)[0][0], claims=claims))
        type_rank = {t: i for i, t in enumerate(SPEAKER_TYPES)}
        return sorted(out, key=lambda s: (type_rank[s.speaker_type], -len(s.claims)))

    def _stances(self, analysed: list[_Analysed]) -> StanceMatrix:
        targets: list[str] = []
        holders: list[str] = []
        holder_names: dict[str, str] = {}
        cells: dict[tuple[str, str], list[StanceEntry]] = {}
        for a in analysed:
            for st in a.analysis.stances:
                target = next((t for t in targets if _similarity(t, st.target) >= 90), None)
                if target is None:
                    target = st.target
                    targets.append(target)
                holder = holder_names.setdefault(normalize(st.holder), st.holder)
                if holder not in holders:
                    holders.append(holder)
                cells.setdefault((holder, target), []).append(StanceEntry(
                    article=a.id, outlet=a.doc.outlet, holder=st.holder,
                    holder_type=st.holder_type, target=st.target, label=st.label,
                    citations=a.cite(st.evidence),
                ))
        out = []
        for (holder, target), entries in cells.items():
            labels = {e.label for e in entries}
            label: StanceLabel = entries[0].label if len(labels) == 1 else "mixed"
            out.append(StanceCell(holder=holder, target=target, label=label, entries=entries))
        return StanceMatrix(holders=holders, targets=targets, cells=out)

    # -- agreements and contradictions -----------------------------------------------------

    def _statements(self, analysed: list[_Analysed]) -> list[tuple[conflicts.Statement, Citation]]:
        return [pair for a in analysed for pair in article_statements(a.doc, a.analysis)]

    def _parsed_comparisons(self, analysed: list[_Analysed], notes: list[str]
                            ) -> list[Comparison]:
        """Numbers, dates and outcomes compared by the parse: conflicts and agreements."""
        statements = self._statements(analysed)
        cite = {(st.article, st.sentence): c for st, c in statements}
        facts = conflicts.extract_facts([st for st, _ in statements])
        out = []
        by_id = {a.id: a for a in analysed}
        for d in conflicts.find_disputes(facts):
            if not d.conflict and d.kind not in ("count", "date", "money", "percent"):
                continue
            article_ids = d.articles
            label_of = dict(zip(article_ids, _labels(len(article_ids)), strict=True))
            members = []
            seen: set[tuple[str, int, str]] = set()
            for p in d.positions:
                for f in p.facts:
                    st = f.statement
                    key = (st.article, st.sentence, normalize(st.speaker))
                    if key in seen:
                        continue
                    seen.add(key)
                    members.append(ComparisonMember(
                        article=st.article, label=label_of[st.article],
                        outlet=by_id[st.article].doc.outlet, speaker=st.speaker,
                        speaker_type=_speaker_type(st.speaker_type), text=st.text,
                        value=f.value, citations=[cite[(st.article, st.sentence)]],
                    ))
            if len({m.article for m in members}) < 2 and not d.conflict:
                continue
            out.append(Comparison(
                id="", subject=conflicts.measure_name(d.measure), members=members,
                relation="contradict" if d.conflict else "agree", reason=d.describe(),
                evidence=_dedupe_citations(c for m in members for c in m.citations),
                found_by="parse", measure=d.measure,
            ))
        n_conflicts = sum(1 for g in out if g.relation == "contradict")
        if n_conflicts:
            notes.append(f"{n_conflicts} disputed number(s)/date(s) found by the parse")
        return out

    def _comparisons(self, analysed: list[_Analysed], asker: _Asker,
                     notes: list[str]) -> list[Comparison]:
        parsed: list[Comparison] = []
        use_parse = conflicts.nlp_available()
        if use_parse:
            try:
                parsed = self._parsed_comparisons(analysed, notes)
            except Exception as exc:  # noqa: BLE001 - a parse failure must not lose the note
                notes.append(f"numbers and dates were not compared by the parse "
                             f"({type(exc).__name__}: {str(exc)[:160]})")
                use_parse = False
        else:
            notes.append("numbers and dates were not compared by the parse: the spaCy English "
                         "model is not installed")
        # by sentence: the engine may cite a clause of the sentence the parse compared
        disputed = {(c.article, c.sentence) for g in parsed if g.relation == "contradict"
                    for c in g.evidence}
        items = [
            _Item(a, whole_sentences(clean_text(c.text)), *_voice(a, c), a.cite(c.evidence))
            for a in analysed for c in a.analysis.claims
        ]
        # a claim whose sentences are already in a conflict found by the parse is not asked again
        items = [it for it in items
                 if not any((c.article, c.sentence) in disputed for c in it.citations)]
        if use_parse:
            clusters = self._group_by_subject(items)
        else:
            def score(x: _Item, y: _Item) -> float:
                if x.article.id == y.article.id:
                    return 0.0
                return max(_content_similarity(x.text, y.text),
                           _content_similarity(" ".join(c.text for c in x.citations),
                                               " ".join(c.text for c in y.citations)) - 10)

            clusters = [c for c in _cluster(items, score, CLAIM_SIMILARITY)
                        if len({it.article.id for it in c}) >= 2]
        clusters.sort(key=lambda c: (-len({it.article.id for it in c}),
                                     -len({normalize(it.speaker) for it in c})))
        n_asked = sum(1 for c in clusters if not _same_statement(c))
        if n_asked > self.max_comparisons:
            notes.append(f"{n_asked} groups of related claims found; the "
                         f"{self.max_comparisons} spanning most articles were compared")
        judged = []
        same = [c for c in clusters if _same_statement(c)]
        asked = [c for c in clusters if not _same_statement(c)]
        for cluster in same:
            judged.append(_agreement(cluster))
        for cluster in asked[: self.max_comparisons]:
            g = self._compare("G?", cluster, asker, notes)
            if g is not None:
                judged.append(g)
        judged.sort(key=lambda g: (g.relation != "contradict", g.found_by == "match"))
        # an agreement found by the parse that a judged group already covers is not repeated
        covered = {c.key for g in judged for m in g.members for c in m.citations}
        parsed = [g for g in parsed if g.relation == "contradict"
                  or not all(c.key in covered for c in g.evidence)]
        out = ([g for g in parsed if g.relation == "contradict"] + judged
               + [g for g in parsed if g.relation != "contradict"])
        return [g.model_copy(update={"id": f"G{n}"}) for n, g in enumerate(out, 1)]

    def _group_by_subject(self, items: list[_Item]) -> list[list[_Item]]:
        """Claims of different articles about the same thing: idf-weighted overlap of the
        parse lemmas of the claim and its cited sentences (entities, subject, object,
        predicate), not surface similarity."""
        if not items:
            return []
        texts = [it.text + " " + " ".join(c.text for c in it.citations) for it in items]
        feats = conflicts.claim_features(texts, [it.speaker for it in items])
        cores = [core for _, core in conflicts.claim_features([it.text for it in items],
                                                              [it.speaker for it in items])]
        df: Counter[str] = Counter(w for f, _ in feats for w in f)
        n = len(items)
        weight = {w: math.log((n + 1) / (k + 0.5)) for w, k in df.items()}
        topical = max(2, n // 4)  # a word in more claims than this is the topic, not a subject
        index = {id(it): i for i, it in enumerate(items)}

        def score(x: _Item, y: _Item) -> float:
            if x.article.id == y.article.id:
                return 0.0
            i, j = index[id(x)], index[id(y)]
            fx, fy = feats[i][0], feats[j][0]
            union = sum(weight[w] for w in fx | fy)
            overlap = sum(weight[w] for w in fx & fy) / union if union else 0.0
            shared_subject = {w for w in cores[i] & cores[j] if df[w] <= topical}
            return max(overlap, CLAIM_OVERLAP) if shared_subject else overlap

        scaled = _cluster(items, lambda x, y: 100 * score(x, y), 100 * CLAIM_OVERLAP)
        return [c for c in scaled if len({it.article.id for it in c}) >= 2]

    def _compare(self, gid: str, cluster: list[_Item], asker: _Asker,
                 notes: list[str]) -> Comparison | None:
        article_ids = list(dict.fromkeys(it.article.id for it in cluster))
        label_of = dict(zip(article_ids, _labels(len(article_ids)), strict=True))
        members = [
            ComparisonMember(article=it.article.id, label=label_of[it.article.id],
                             outlet=it.article.doc.outlet, speaker=it.speaker,
                             speaker_type=it.speaker_type, text=it.text, citations=it.citations)
            for it in cluster
        ]
        shown: dict[str, dict[int, Citation]] = {label_of[a]: {} for a in article_ids}
        for m in members:
            for c in m.citations:
                if c.sentence is not None:
                    shown[m.label][c.sentence] = c
        lines = []
        for a in article_ids:
            label = label_of[a]
            outlet = next((m.outlet for m in members if m.article == a and m.outlet), None)
            lines.append(f"Source {label}" + (f" ({outlet})" if outlet else "") + ":")
            lines += [f"[{label}:{sid}] {c.text}" for sid, c in sorted(shown[label].items())]

        def check(w: WireComparison) -> list[str]:
            if w.r == "unrelated":
                return []  # nothing to cite: the group is dropped
            problems = []
            sides = set()
            for side in w.e:
                if side.a not in shown:
                    problems.append(f"source '{side.a}' does not exist; use {sorted(shown)}")
                    continue
                bad = [s for s in side.s if s not in shown[side.a]]
                if bad:
                    problems.append(f"sentences {bad} of source {side.a} are not shown; cite only "
                                    f"[{side.a}:id] pairs from {sorted(shown[side.a])}")
                else:
                    sides.add(side.a)
            if len(sides) < 2:
                problems.append("e must cite evidence from at least two different sources")
            mismatch = label_conflicts_reason(w.r, w.y)
            if mismatch:
                problems.append(f"{mismatch}; choose r to match what y says, or rewrite y")
            return problems

        subject = cluster[0].text
        comparison = Comparison(id=gid, subject=subject, members=members)
        try:
            answer = asker.ask(self.compare_template,
                               {"subject": subject, "sources": "\n".join(lines)},
                               WireComparison, check, max_tokens=200)
        except (OutputValidationError, ProviderError) as exc:
            comparison.problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            notes.append(f"a group on {subject[:60]!r}: relation not decided ({comparison.problem})")
            return comparison
        if answer.r == "unrelated":
            notes.append(f"claims grouped on {subject[:60]!r} are about different things "
                         "(model: unrelated); not shown as a group")
            return None
        comparison.relation = answer.r
        comparison.reason = whole_sentences(clean_text(answer.y))
        comparison.evidence = _dedupe_citations(
            shown[side.a][s] for side in answer.e for s in side.s
        )
        return comparison

    def _bottom_line(
        self,
        topic: str | None,
        developments: list[Development],
        comparisons: list[Comparison],
        asker: _Asker,
        notes: list[str],
    ) -> tuple[list[BottomLineSentence], Literal["model", "extractive", "none"]]:
        if not developments:
            return [], "none"
        disputes = [g for g in comparisons if g.found_by == "parse" and g.relation == "contradict"]
        points: dict[str, tuple[str, list[Citation]]] = {}
        for g in disputes:  # disputed facts first: what a reader must learn in ten seconds
            points[g.id] = (f"({g.relation}) {g.reason}", g.evidence)
        points |= {d.id: (d.text, d.citations) for d in developments}
        for g in comparisons:
            if g.id not in points and g.relation is not None and g.reason:
                points[g.id] = (f"({g.relation}) {g.reason}", g.evidence)
        if self.use_model_bottom_line:
            support: dict[str, list[str]] = {}
            numbers: dict[str, set[str]] = {}
            for pid, (text, cites) in points.items():
                support[pid] = [text] + [c.text for c in cites]
                numbers[pid] = _numbers(text + " " + " ".join(c.text for c in cites))

            def check(w: WireBluf) -> list[str]:
                problems = []
                for i, s in enumerate(w.b):
                    unknown = [d for d in s.d if d not in points]
                    if unknown:
                        problems.append(f"b[{i}]: ids {unknown} do not exist; cite ids from "
                                        f"{sorted(points)}")
                        continue
                    text = clean_text(s.x)
                    if not supported(text, [t for d in s.d for t in support[d]]):
                        problems.append(f"b[{i}]: points {s.d} do not support '{s.x[:80]}'; "
                                        "cite the points it rests on or rewrite it")
                    extra = _numbers(text) - set().union(*(numbers[d] for d in s.d))
                    if extra:
                        problems.append(f"b[{i}]: the numbers {sorted(extra)} are not in points "
                                        f"{s.d}; use numbers exactly as the points give them")
                cited = {d for s in w.b for d in s.d}
                missing = [g.id for g in disputes[:2] if g.id not in cited]
                if missing:
                    problems.append(f"the sources dispute {', '.join(missing)}: one sentence must "
                                    "say so, give each version with who says it, and cite it")
                return problems

            listing = "\n".join(f"[{pid}] {text}" for pid, (text, _) in points.items())
            try:
                answer = asker.ask(self.bluf_template,
                                   {"topic": topic or "(not given)", "points": listing},
                                   WireBluf, check, max_tokens=320)
            except (OutputValidationError, ProviderError) as exc:
                notes.append(f"bottom line extracted from the developments: the model's bottom "
                             f"line failed ({type(exc).__name__}: {str(exc)[:160]})")
            else:
                return [
                    BottomLineSentence(
                        text=whole_sentences(clean_text(s.x)), basis=list(dict.fromkeys(s.d)),
                        citations=_dedupe_citations(c for d in s.d for c in points[d][1]),
                    )
                    for s in answer.b
                ], "model"
        out = [BottomLineSentence(text=developments[0].text, basis=[developments[0].id],
                                  citations=developments[0].citations)]
        out += [BottomLineSentence(text=g.reason or "", basis=[g.id], citations=g.evidence)
                for g in disputes[:2] if g.reason]
        out += [BottomLineSentence(text=d.text, basis=[d.id], citations=d.citations)
                for d in developments[1:3]]
        if not disputes:
            contradiction = next((g for g in comparisons if g.relation == "contradict" and g.reason
                                  and g.evidence), None)
            if contradiction is not None:
                out.insert(1, BottomLineSentence(
                    text=f"Sources contradict each other: {contradiction.reason}",
                    basis=[contradiction.id], citations=contradiction.evidence))
        return out[:4], "extractive"

    def _sourcing(
        self, analysed: list[_Analysed]
    ) -> tuple[list[SourcingProfile], list[SourcingProfile], list[OutletNote]]:
        def profile(key: str, outlet: str | None, types: list[SpeakerType],
                    articles: int) -> SourcingProfile:
            counts: dict[SpeakerType, int] = {t: 0 for t in SPEAKER_TYPES}
            for t in types:
                counts[t] += 1
            total = len(types)
            info = self.registry.lookup(outlet)
            return SourcingProfile(
                key=key, outlet=outlet, articles=articles, claims=total, counts=counts,
                shares={t: (round(counts[t] / total, 4) if total else 0.0) for t in SPEAKER_TYPES},
                ownership=info.ownership if info else None,
            )

        by_article = []
        per_outlet: dict[str, tuple[str | None, list[SpeakerType], int]] = {}
        for a in analysed:
            types = [c.speaker_type for c in a.analysis.claims]
            by_article.append(profile(a.id, a.doc.outlet, types, 1))
            key = a.doc.outlet or "(outlet not given)"
            prev = per_outlet.get(key, (a.doc.outlet, [], 0))
            per_outlet[key] = (a.doc.outlet, prev[1] + types, prev[2] + 1)
        by_outlet = [profile(k, o, t, n) for k, (o, t, n) in per_outlet.items()]
        notes = []
        for outlet in dict.fromkeys(a.doc.outlet for a in analysed if a.doc.outlet):
            info = self.registry.lookup(outlet)
            if info is not None and outlet is not None:
                notes.append(OutletNote(outlet=outlet, info=info))
        return by_article, by_outlet, notes


def article_statements(doc: Document, analysis: ArticleAnalysis | None = None
                       ) -> list[tuple[conflicts.Statement, Citation]]:
    """Every sentence of ``doc``, credited as the engine credits it: the speaker of a claim of
    ``analysis`` citing it (outlet voice for editorial sentences, see :func:`_voice`), else the
    source the attribution rules find in it, else the outlet. With each, its citation."""
    a = _Analysed(doc, analysis) if analysis is not None else None
    by_sentence: dict[int, tuple[str, SpeakerType]] = {}
    if a is not None:
        for c in a.analysis.claims:
            for e in c.evidence:
                if e.sentence is not None:
                    by_sentence.setdefault(e.sentence, _voice(a, c))
    try:
        rules = attribution.for_document(doc)
    except Exception:  # noqa: BLE001 - the rules are a hint here, never a failure
        rules = {}
    outlet = doc.outlet or "the outlet"
    out = []
    for sent in doc.visible:
        if sent.id in by_sentence:
            speaker, stype = by_sentence[sent.id]
        elif sent.id in rules:
            speaker = rules[sent.id].source
            stype = _speaker_type(attribution.speaker_type(speaker, sent.text, doc.language or "en"))
        else:
            speaker, stype = outlet, "outlet"
        st = conflicts.Statement(article=doc.key, sentence=sent.id, text=sent.text,
                                 speaker=speaker, speaker_type=stype, outlet=doc.outlet)
        out.append((st, Citation(article=doc.key, sentence=sent.id, start=sent.start,
                                 end=sent.end, text=sent.text)))
    return out


def brief(
    articles: Iterable[Document | str | Path],
    *,
    topic: str | None = None,
    summarizer: Summarizer | None = None,
    settings: Settings | None = None,
    cache: ResponseCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    failed_inputs: Sequence[FailedArticle] = (),
    **options: Any,
) -> Briefing:
    """Build a briefing note from several articles on one topic.

    Args:
        articles: :class:`~summarizer.core.document.Document` objects, article texts (optionally
            with front matter) or paths to single files (use :func:`load_articles` for
            folders and JSONL).
        topic: what the note is about (its title, and context for the bottom line).
        summarizer: the analyser to use (its backend also answers the compare and
            bottom-line prompts); default: one built from ``settings``.
        settings: used when ``summarizer`` is ``None``.
        cache: response cache for per-article analyses.
        progress: called as ``progress(article_id, done, total)`` after each article.
        failed_inputs: inputs that could not be read (from :func:`load_articles`); they are
            listed in the note's methods.
        **options: other :class:`Briefer` options (``max_comparisons``, ...).

    Example:
        >>> from summarizer.briefing import brief, load_articles
        >>> docs, failed = load_articles(["examples/briefing"])  # doctest: +SKIP
        >>> note = brief(docs, topic="Tessel bridge collapse")  # doctest: +SKIP
        >>> note.comparisons[0].relation  # doctest: +SKIP
        'contradict'
    """
    briefer = Briefer(summarizer=summarizer, settings=settings, cache=cache, **options)
    return briefer.brief(articles, topic=topic, progress=progress, failed_inputs=failed_inputs)
