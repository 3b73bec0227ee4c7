"""Grouping across articles, without a model: who a claim is credited to in the note
(:func:`_voice`), speaker names joined ("Marsh" → "Elena Marsh"), greedy single-link
clustering of key points and claims, agreements decided by near-identical statements, and
every sentence of an article as a statement for the parse's comparisons
(:func:`article_statements`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from ..analysis import rules as attribution
from ..core.document import Document
from ..analysis.grounding import content_words, normalize
from ..core.models import ArticleAnalysis, Claim, Evidence, SpeakerType
from . import conflicts
from .models import SPEAKER_TYPES, Citation, Comparison, ComparisonMember
from .tasks import _numbers

__all__ = [
    "CLAIM_OVERLAP", "CLAIM_SIMILARITY", "DEVELOPMENT_SIMILARITY", "MIN_DEVELOPMENT_WORDS",
    "SAME_STATEMENT", "article_statements",
]


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
