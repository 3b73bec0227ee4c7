"""Stances from the parse: who holds a position (candidates), and which one (scored labels).

Two steps, the first without a model:

* :func:`stance_candidates` — holders are the sources of the article's attributions (merged
  by name) plus the outlet itself (its unattributed sentences); targets are the entities and
  noun chunks inside a holder's attributed content, merged by name (entities) or head lemma
  (noun chunks), ranked by salience; a few per holder, a capped total.
* :func:`label_stances` — one short prompt per candidate (``prompts/stance_label``) showing the
  holder's own sentences that mention the target; the backend *scores* the five labels
  favor / against / neutral / mixed / none (:meth:`~summarizer.llm.backends.base.ChoiceScorer.score_choices`).
  The distribution is kept in :attr:`~summarizer.core.models.Stance.confidence`; "none" winning, or a
  top-two margin below ``margin``, is an abstention (no stance). The evidence is the sentences
  shown, taken from ``document.sentences``, so it verifies by construction.

Attributions are duck-typed: anything with ``.speaker`` (``str | None``), ``.speaker_type``
(``str``) and ``.content`` (spans with ``.start``/``.end`` global character offsets), such as
``summarizer.nlp.attribution.ParsedAttribution``.

Usage::

    cands = stance_candidates(attributions, nlp(doc.text), doc, outlet="Global Times")
    stances = label_stances(backend, doc, cands)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..core.document import Document, Sentence
from ..core.errors import ConfigurationError
from ..core.models import Evidence, SpeakerType, Stance
from ..llm.backends.base import ChoiceRequest, ChoiceScorer, ChoiceScores
from ..llm.prompts import load_prompt

__all__ = [
    "DEFAULT_MARGIN",
    "MAX_CANDIDATES",
    "STANCE_CHOICES",
    "StanceCandidate",
    "decide",
    "label_stances",
    "score_candidates",
    "stance_candidates",
]

STANCE_CHOICES: tuple[str, ...] = ("favor", "against", "neutral", "mixed", "none")
"""The labels scored; "none" is the abstention."""
DEFAULT_MARGIN = 0.1
"""Top-two probability margin below which no stance is returned. Calibrated with
``scripts/calibrate_stance_margin.py`` on 4 English dev fixtures (48 candidates, the seed left
out; embedded qwen2.5-coder-1.5b): 0.1 gives the best F1 of stances found *with the right
label* (0.27; detection F1 0.45, label accuracy 0.60 on matched); 0 maximises detection (0.50,
label accuracy 0.50), 0.2 label accuracy (0.80, detection 0.33). See
``evals/baselines/qwen2.5-coder-1.5b-parser/stance_margin.txt``."""
MAX_CANDIDATES = 12
"""Candidates per article at most (each costs one short model call)."""
TARGETS_PER_HOLDER = 2
MAX_SENTENCES = 3
"""Holder sentences shown per candidate (those mentioning the target, in article order)."""

_SPEAKER_TYPES: dict[str, SpeakerType] = {
    "outlet": "outlet", "person": "person", "organization": "organization", "organisation": "organization",
    "org": "organization", "group": "group", "anonymous": "anonymous",
}
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "EVENT", "LAW", "PRODUCT", "FAC", "LOC", "WORK_OF_ART"}
_GENERIC = {
    "time", "year", "day", "week", "month", "people", "thing", "way", "case", "part", "report", "media",
    "photo", "face", "basis", "participant", "message", "world", "field", "list", "side", "lot", "number",
    "statement", "comment", "interview", "news", "agency", "source", "official", "expert", "analyst",
    "spokesman", "spokeswoman", "spokesperson", "meeting", "talk", "question", "issue", "point", "fact",
}
_LEADING = re.compile(r"^(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


class _Span(Protocol):
    start: int
    end: int


@dataclass(frozen=True)
class StanceCandidate:
    """A holder × target pair to label, and the holder's sentences (1-based ids) to read."""

    holder: str
    holder_type: str
    target: str
    sentence_ids: tuple[int, ...]


# -- candidates -----------------------------------------------------------------------------


@dataclass
class _Holder:
    names: list[str]
    holder_type: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        # the most frequent name; ties go to the longer one ("Vladimir Putin" over "Putin")
        return max(dict.fromkeys(self.names), key=lambda n: (self.names.count(n), len(n)))

    def tokens(self) -> set[str]:
        return {t for n in self.names for t in _WORD.findall(n.lower())}


def _name_key(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_LEADING.sub("", text.strip()).lower().replace("'s", "")))


def _holders(attributions: Iterable[Any]) -> list[_Holder]:
    """Attributions grouped by source: a name whose words are all in another's is the same."""
    holders: list[_Holder] = []
    for att in attributions:
        speaker = (getattr(att, "speaker", None) or "").strip()
        key = set(_name_key(speaker))
        if not key:
            continue
        spans = [(s.start, s.end) for s in getattr(att, "content", ()) or () if s.end > s.start]
        if not spans:
            continue
        kind = _SPEAKER_TYPES.get(str(getattr(att, "speaker_type", "") or "").lower(), "person")
        if kind == "outlet":
            continue  # the outlet's own voice: its sentences stay the outlet's
        for h in holders:
            known = h.tokens()
            if key <= known or known <= key:
                h.names.append(speaker)
                h.spans += spans
                break
        else:
            holders.append(_Holder([speaker], kind, spans))
    return holders


def _sentences_in(doc: Document, spans: Sequence[tuple[int, int]]) -> list[Sentence]:
    return [s for s in doc.sentences if any(a < s.end and s.start < b for a, b in spans)]


@dataclass
class _Target:
    name: str
    entity: bool
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    kind: str = "chunk"

    def salience(self, inside: int) -> float:
        """Mentions in the holder's content, a little for mentions elsewhere (at most one), a
        bonus for a specific wording, a malus for named entities, larger for places and
        nationalities (actors more often than what a stance is about: policies, events and
        proposals are noun chunks)."""
        outside = min(len(self.mentions) - inside, 2) * 0.25
        specific = 0.5 if not self.entity and len(self.name.split()) >= 2 else 0.0
        actor = -1.5 if self.kind in ("GPE", "NORP", "LOC") else -1.0 if self.entity else 0.0
        return inside + outside + specific + actor


def _targets(spacy_doc: Any) -> list[_Target]:
    """Entities merged by name (same label, one name's words within the other's: "Putin" and
    "Vladimir Putin") and noun chunks merged by head lemma, with every mention in the article."""
    by_key: dict[tuple[str, ...], _Target] = {}
    entity_keys: list[tuple[str, tuple[str, ...]]] = []
    names: dict[tuple[str, ...], list[str]] = {}
    covered: set[int] = set()
    for ent in getattr(spacy_doc, "ents", ()):
        if ent.label_ not in _ENTITY_LABELS:
            continue
        name = " ".join(_LEADING.sub("", ent.text.strip()).split())
        key = _name_key(name)
        if not key:
            continue
        home = next((k for lab, k in entity_keys if lab == ent.label_ and (set(key) <= set(k) or set(k) <= set(key))),
                    None)
        if home is None:
            entity_keys.append((ent.label_, key))
            by_key[key] = _Target(name, True, kind=ent.label_)
            home = key
        names.setdefault(home, []).append(name)
        by_key[home].mentions.append((ent.start_char, ent.end_char, name))
        covered.update(range(ent.start, ent.end))
    for key, seen in names.items():  # the most frequent spelling, ties to the longer
        by_key[key].name = max(dict.fromkeys(seen), key=lambda n: (seen.count(n), len(n)))
    for chunk in getattr(spacy_doc, "noun_chunks", ()):
        root = chunk.root
        if root.pos_ == "PRON" or root.i in covered or root.like_num:
            continue
        lemma = root.lemma_.lower()
        if lemma in _GENERIC or len(lemma) < 3 or not root.is_alpha:
            continue
        key = ("#", lemma)
        text = " ".join(_LEADING.sub("", chunk.text.strip()).split())
        target = by_key.setdefault(key, _Target(text, False, kind="chunk"))
        # show the most specific wording (most words, up to eight)
        if len(text.split()) <= 8 and len(text.split()) > len(target.name.split()):
            target.name = text
        target.mentions.append((chunk.start_char, chunk.end_char, text))
    return list(by_key.values())


def stance_candidates(
    attributions: Iterable[Any],
    spacy_doc: Any,
    document: Document,
    outlet: str | None = None,
    *,
    per_holder: int = TARGETS_PER_HOLDER,
    max_candidates: int = MAX_CANDIDATES,
) -> list[StanceCandidate]:
    """Holder × target candidates of one article, the most salient first per holder.

    Args:
        attributions: the article's attributions (duck-typed, see the module docstring).
        spacy_doc: the spaCy parse of ``document.text`` (entities and noun chunks are read).
        document: the article; sentence ids refer to ``document.sentences``.
        outlet: the outlet's name for its own voice (default ``document.outlet`` or "the outlet").
        per_holder: targets per holder at most.
        max_candidates: candidates in all at most; holders with the most attributed sentences
            are served first, the outlet last, one target each per round.

    A target's salience for a holder is its mentions inside the holder's content, plus a
    quarter per mention elsewhere (at most two), plus one half for a noun chunk of two or more
    words, minus one for a named entity (one and a half for places and nationalities); a holder is never its own target,
    and generic nouns ("the report", "officials") are not targets.
    """
    attributions = list(attributions)
    holders = _holders(attributions)
    attributed = [span for h in holders for span in h.spans]
    outlet_sentences = [s for s in document.sentences if not any(a < s.end and s.start < b for a, b in attributed)]
    groups: list[tuple[str, str, list[Sentence], list[tuple[int, int]], set[str]]] = [
        (h.name, h.holder_type, _sentences_in(document, h.spans), h.spans, h.tokens())
        for h in sorted(holders, key=lambda h: -len(_sentences_in(document, h.spans)))
    ]
    if outlet_sentences:
        groups.append((outlet or document.outlet or "the outlet", "outlet", outlet_sentences,
                       [(s.start, s.end) for s in outlet_sentences], set()))
    targets = _targets(spacy_doc)
    per_group: list[list[StanceCandidate]] = []
    for holder, kind, sentences, spans, own_words in groups:
        ranked: list[tuple[float, str, tuple[int, ...]]] = []
        for t in targets:
            if own_words and set(_name_key(t.name)) & own_words:
                continue  # the holder itself
            inside = [m for m in t.mentions if any(a <= m[0] and m[1] <= b for a, b in spans)]
            if not inside:
                continue
            ids = tuple(dict.fromkeys(s.id for s in sentences for m in inside if s.start <= m[0] < s.end))
            # a noun chunk is named as the holder says it; an entity by its usual name
            name = t.name if t.entity else max((m[2] for m in inside), key=lambda w: (len(w.split()) <= 8, len(w)))
            local = _Target(name, t.entity, t.mentions, t.kind)
            ranked.append((local.salience(len(inside)), name, ids[:MAX_SENTENCES]))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        per_group.append([StanceCandidate(holder, kind, name, ids) for _, name, ids in ranked[:per_holder]])
    out: list[StanceCandidate] = []
    for depth in range(per_holder):
        for cands in per_group:
            if depth < len(cands) and len(out) < max_candidates:
                out.append(cands[depth])
    return out


# -- labels ---------------------------------------------------------------------------------


def score_candidates(
    backend: ChoiceScorer, document: Document, candidates: Sequence[StanceCandidate],
    *, prefix: Sequence[dict[str, str]] | None = None,
) -> list[tuple[StanceCandidate, list[Sentence], ChoiceScores]]:
    """The label distribution of every candidate (one short prompt each), with the sentences
    shown; candidates whose sentence ids are not in ``document`` are skipped.

    Raises:
        ConfigurationError: the backend cannot score labels.
    """
    if not isinstance(backend, ChoiceScorer):
        raise ConfigurationError(f"the {getattr(backend, 'name', '?')} backend cannot score labels",
                                 hint="use the local or an OpenAI-compatible backend")
    # With the article prefix (the summary prompt's system message) the question refers to
    # the holder's sentences by id: the article is already in the model's KV cache.
    template = load_prompt("stance_label", "2" if prefix else "1")
    by_id = {s.id: s for s in document.sentences}
    out = []
    for cand in candidates:
        sentences = [by_id[i] for i in cand.sentence_ids if i in by_id]
        if not sentences:
            continue
        holder = "the outlet (the article's own voice)" if cand.holder_type == "outlet" else cand.holder
        if prefix:
            rendered = template.render(holder=holder, target=cand.target,
                                       ids=", ".join(f"[{s.id}]" for s in sentences))
            messages = [*prefix, rendered.messages[-1]]
        else:
            rendered = template.render(holder=holder, target=cand.target,
                                       sentences="\n".join(f"- {s.text}" for s in sentences))
            messages = list(rendered.messages)
        scores = backend.score_choices(ChoiceRequest(messages=messages, choices=STANCE_CHOICES))
        out.append((cand, sentences, scores))
    return out


def decide(scores: ChoiceScores, margin: float) -> str | None:
    """The label, or ``None`` (abstain) when "none" wins or the top-two margin is below ``margin``."""
    best = scores.best
    return None if best == "none" or scores.margin() < margin else best


def label_stances(
    backend: ChoiceScorer,
    document: Document,
    candidates: Sequence[StanceCandidate],
    *,
    margin: float = DEFAULT_MARGIN,
    prefix: Sequence[dict[str, str]] | None = None,
) -> list[Stance]:
    """Score each candidate's label and keep the confident ones as :class:`Stance` objects.

    Raises:
        ConfigurationError: the backend cannot score labels.
        ProviderError: a model call failed (as the backend raises it).
    """
    out: list[Stance] = []
    for cand, sentences, scores in score_candidates(backend, document, candidates, prefix=prefix):
        label = decide(scores, margin)
        if label is None:
            continue
        out.append(Stance(
            holder=cand.holder[:200], holder_type=_SPEAKER_TYPES.get(cand.holder_type, "person"),
            target=cand.target[:200], label=label,  # type: ignore[arg-type]
            evidence=[Evidence(start=s.start, end=s.end, text=s.text, sentence=s.id) for s in sentences],
            confidence={k: round(v, 4) for k, v in scores.probs.items()},
        ))
    return out
