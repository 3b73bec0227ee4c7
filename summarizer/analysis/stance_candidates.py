"""Stance candidates from the parse: who may hold a position, about what, and which to ask.

No model here. Holders are the sources of the article's attributions (merged by name) plus
the outlet itself (its unattributed sentences). A holder's first target is what its evaluative
word judges, read from the dependency parse (:func:`_judged_target`: the object of "rejected",
the subject of "will fail", the complement of "support for"); then the article's main issue
(:func:`main_issue`, its most recurring noun phrase); then the entities and noun chunks inside
its content, ranked by salience. :func:`select_candidates` picks the ones worth a model call:
holders whose sentences judge something (:func:`evaluative_score`) first. The labels are
scored in :mod:`summarizer.analysis.stances`. (Just over 400 lines: holders, targets and the
selection are one algorithm over one parse; split further, each half would need the other's
private helpers.)

Attributions are duck-typed: anything with ``.speaker`` (``str | None``), ``.speaker_type``
(``str``) and ``.content`` (spans with ``.start``/``.end`` global character offsets), such as
``summarizer.nlp.attribution.ParsedAttribution``.

Usage::

    cands = select_candidates(stance_candidates(attributions, nlp(doc.text), doc, outlet="Global Times"))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..core.document import Document, Sentence
from ..core.models import SpeakerType

__all__ = [
    "MAX_CANDIDATES",
    "StanceCandidate",
    "evaluative_score",
    "main_issue",
    "select_candidates",
    "stance_candidates",
]

MAX_CANDIDATES = 8
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
_PEOPLE = {
    "delegate", "resident", "minister", "leader", "member", "worker", "citizen", "voter", "lawmaker",
    "negotiator", "group", "government", "president", "chief", "director", "spokesman", "spokeswoman", "union",
    "critic", "opponent", "supporter", "campaigner", "activist", "official", "authority", "police", "judge",
    "lawyer", "investor", "economist", "scientist", "doctor", "nurse", "patient", "parent", "student", "teacher",
    "company", "firm", "party", "country", "nation", "state", "city", "council", "ministry", "agency",
}
"""Nouns for actors, not issues (never an article's main issue)."""
_NOT_A_HOLDER = {"it", "he", "she", "they", "who", "one", "person", "someone", "we", "i", "you", "this", "that",
                 "il", "elle", "ils", "elles", "eux", "lui", "on", "él", "ella", "ellos", "ellas", "quien"}
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
    salience: float = 0.0
    """How much the target is what the holder's content is about (see :func:`stance_candidates`)."""
    evaluative: float = 0.0
    """How much the sentences shown judge something (:func:`evaluative_score`): stance-bearing
    words such as "support", "welcomed", "will fail", "condemned"; used to pick candidates."""


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
        if not key or key <= _NOT_A_HOLDER:
            continue  # an unresolved pronoun is nobody's stance
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


def _is_self(phrase: str, own_words: set[str]) -> bool:
    """Is this phrase mostly the holder's own name (at least half its words)? "Putin's visit"
    is Putin's; "closing Maple Street Elementary" is not the Maple Valley school board's."""
    words = set(_name_key(phrase))
    return bool(words) and len(words & own_words) * 2 >= len(words)


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


JUDGED_SALIENCE = 3.0
"""Salience given to the target a holder's evaluative word is about (see :func:`_judged_target`)."""
ISSUE_SALIENCE = 2.5
"""Salience given to the article's main issue (:func:`main_issue`) for every holder."""
_STOP_TARGET = {"it", "this", "that", "they", "them", "he", "she", "we", "us", "you", "i", "which", "who"}


def _phrase(tok: Any, limit: int = 10) -> tuple[str, int] | None:
    """The noun phrase headed by ``tok`` (its subtree, cut before a clause or a comma), at
    most ``limit`` words; ``None`` for a pronoun or a bare number."""
    if tok.pos_ == "PRON" or tok.lower_ in _STOP_TARGET or tok.like_num:
        return None
    words = []
    for t in tok.subtree:
        if t.i > tok.i and (t.is_punct and t.text in ",;:()" or t.dep_ in ("relcl", "acl:relcl", "advcl")
                             or t.lower_ in ("which", "who", "that", "because")):
            break
        if t.is_punct and t.text in "\"“”«»":
            continue
        words.append(t)
    if not words or len(words) > limit:
        words = [t for t in tok.subtree if t.i <= tok.i][-limit:]
    if not words:
        return None
    doc_text = tok.doc.text
    text = " ".join(_LEADING.sub("", doc_text[words[0].idx:words[-1].idx + len(words[-1].text)]).split())
    return (text, words[0].idx) if len(text) >= 3 else None


_LIGHT_VERBS = {"express", "voice", "offer", "give", "extend", "pledge", "show", "declare", "reaffirm",
                "reiterate", "lend", "convey", "exprimer", "manifester", "apporter", "aportar", "expresar", "manifestar",
                "mostrar", "reiterar"}
"""Verbs that carry an evaluative noun ("expresses support ... with X"): the preposition that
names what is judged may hang on the verb."""


def _supported_act(tok: Any, verb: Any = None) -> Any:
    """What is backed or opposed when the object is people doing something: "solidarity with
    the government in carrying out the operation" judges the operation (the object of the
    gerund after "in", on ``tok`` or on the light ``verb`` that carries the judgement);
    otherwise ``tok`` itself."""
    for prep in [*tok.children, *(verb.children if verb is not None else ())]:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            for verb in prep.children:
                if verb.dep_ == "pcomp" and verb.tag_ == "VBG":
                    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
                    if obj is not None:
                        return obj
    return tok


def _judged_target(spacy_doc: Any, spans: Sequence[tuple[int, int]], language: str | None,
                   own_words: set[str]) -> tuple[str, int] | None:
    """What the holder's first evaluative word judges, from the parse: the object of a verb
    ("appreciates X's support", "rejected the plan"), the subject of a predicate of success or
    failure ("X will fail"), the complement of a noun ("support for X", "solidarity with X", also
    on a light verb: "expresses support with the army in carrying out X" judges X).
    Returns the phrase and its start offset, or ``None``."""
    pattern = _EVALUATIVE_RE.get((language or "en")[:2], _EVALUATIVE_RE["en"])
    # only the holder's own tokens, in article order (not every token of the article per holder)
    inside = {t.i: t for a, b in spans if (span := spacy_doc.char_span(a, b, alignment_mode="expand")) is not None
              for t in span if a <= t.idx < b}
    text = spacy_doc.text
    for tok in (inside[i] for i in sorted(inside)):
        if not pattern.match(text, tok.idx, tok.idx + 24):  # from the token on: "called for", "will not"
            continue
        options, light = [], None
        if tok.pos_ in ("VERB", "AUX", "ADJ"):
            options += [c for c in tok.children if c.dep_ in ("dobj", "obj", "attr")]
            options += [g for c in tok.children if c.dep_ in ("prep", "case") for g in c.children
                        if g.dep_ in ("pobj", "obj")]
            options += [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "nsubj:pass")]
        elif tok.pos_ in ("NOUN", "PROPN"):
            # "support for X"; also "expresses support ... with X", the preposition on the light verb
            light = tok.head if tok.dep_ in ("dobj", "obj") and tok.head.lemma_ in _LIGHT_VERBS else None
            heads = [tok] if light is None else [tok, light]
            options += [g for h in heads for c in h.children
                        if c.dep_ == "prep" and c.lower_ in ("for", "of", "with", "to", "against")
                        for g in c.children if g.dep_ == "pobj"]
            options += [c for c in tok.children if c.dep_ in ("nmod", "obl")]
        for opt in options:
            found = _phrase(_supported_act(opt, light))
            if found and not _is_self(found[0], own_words):
                return found
    return None


def main_issue(spacy_doc: Any, document: Document) -> str | None:
    """The article's issue: the noun chunk whose head recurs most (at least twice), counting a
    mention in the first two sentences twice; places, people and generic nouns are not issues.
    Worded as its most specific mention (at most eight words)."""
    first = document.sentences[1].end if len(document.sentences) > 1 else len(document.text)
    counts: dict[str, float] = {}
    names: dict[str, list[str]] = {}
    for chunk in getattr(spacy_doc, "noun_chunks", ()):
        root = chunk.root
        if root.pos_ in ("PRON", "PROPN") or root.ent_type_ in ("PERSON", "GPE", "NORP", "LOC", "DATE", "TIME",
                                                                 "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
            continue
        lemma = root.lemma_.lower()
        if lemma in _GENERIC or lemma in _PEOPLE or len(lemma) < 3 or not root.is_alpha:
            continue
        counts[lemma] = counts.get(lemma, 0.0) + (2.0 if chunk.start_char < first else 1.0)
        text = " ".join(_LEADING.sub("", chunk.text.strip()).split())
        names.setdefault(lemma, []).append(text)
    if not counts:
        return None
    lemma = max(counts, key=lambda k: (counts[k], k))
    if counts[lemma] < 2:
        return None
    wording = max(names[lemma], key=lambda n: (len(n.split()) <= 8, len(n.split()), n))
    return _change_of(spacy_doc, document, first, lemma, wording) or wording


# Changes a news issue is usually about: a proposal to cut, raise, close, ban ... something.
# Nouns with the preposition that names what changes; verbs with their gerund.
_CHANGE_NOUNS: dict[str, dict[str, str]] = {
    "en": {"cut": "in", "increase": "in", "hike": "in", "rise": "in", "reduction": "in", "closure": "of",
           "ban": "on", "phase-out": "of", "repeal": "of", "reform": "of", "expansion": "of", "merger": "of"},
    "fr": {"hausse": "de", "baisse": "de", "fermeture": "de", "suppression": "de", "interdiction": "de",
           "réforme": "de", "augmentation": "de"},
    "es": {"subida": "de", "bajada": "de", "cierre": "de", "prohibición": "de", "reforma": "de", "aumento": "de"},
}
_CHANGE_VERBS: dict[str, dict[str, str]] = {
    "en": {"cut": "cutting", "raise": "raising", "increase": "increasing", "close": "closing", "ban": "banning",
           "reduce": "reducing", "lower": "lowering", "scrap": "scrapping", "abolish": "abolishing",
           "repeal": "repealing", "extend": "extending", "expand": "expanding"},
}
CHANGE_MIN = 2.0
"""Weighted mentions (twice in the first two sentences) a change needs to frame the issue."""


def _change_of(spacy_doc: Any, document: Document, first: int, lemma: str, wording: str) -> str | None:
    """The issue as the change the article is about, when one recurs: "closing Maple Street
    Elementary" rather than "small schools", "a cut in the benchmark interest rate" rather
    than "benchmark interest rate". A stance is about the change (who wants the cut), and the
    bare thing invites the opposite label (wanting a cut reads as being against the rate).

    A change is a change noun ("cut", "closure", "ban") or verb ("close", "raise") in the
    article; the most frequent one (weighted like :func:`main_issue`, at least
    :data:`CHANGE_MIN`) frames the issue, worded with its most frequent object (the verb's
    object, the noun's "of/in/on" complement or compound) or, when it never has one, with the
    issue's own wording. ``None`` when no change recurs."""
    language = (document.language or "en")[:2]
    nouns, verbs = _CHANGE_NOUNS.get(language, {}), _CHANGE_VERBS.get(language, {})
    if not nouns and not verbs:
        return None
    counts: dict[str, float] = {}
    objects: dict[str, dict[str, float]] = {}
    for tok in spacy_doc:
        lemma_ = tok.lemma_.lower()
        if tok.pos_ == "NOUN" and lemma_ in nouns:
            key = f"n:{lemma_}"
            deps = [g for c in tok.children if c.dep_ in ("prep", "nmod") and c.lower_ in ("in", "of", "on", "to", "de")
                    for g in c.children if g.dep_ in ("pobj", "obj")]
        elif tok.pos_ == "VERB" and lemma_ in verbs:
            key = f"v:{lemma_}"
            deps = [c for c in tok.children if c.dep_ in ("dobj", "obj", "nsubjpass", "nsubj:pass")]
        else:
            continue
        weight = 2.0 if tok.idx < first else 1.0
        counts[key] = counts.get(key, 0.0) + weight
        for dep in deps:
            found = _phrase(dep, limit=6)
            if found and dep.pos_ != "PRON":
                objects.setdefault(key, {})
                objects[key][found[0]] = objects[key].get(found[0], 0.0) + weight
    if not counts:
        return None
    change = max(counts, key=lambda k: (counts[k], k))
    if counts[change] < CHANGE_MIN:
        return None
    kind, word = change.split(":", 1)
    if kind == "n" and word == lemma:
        return None  # the issue already names the change ("Harlow's short-term rental ban")
    seen = objects.get(change)
    thing = max(seen, key=lambda o: (seen[o], len(o))) if seen else wording
    return f"{verbs[word]} {thing}" if kind == "v" else f"{word} {nouns[word]} {thing}"


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
        (h.name, h.holder_type, sentences, h.spans, h.tokens())
        for h, sentences in sorted(((h, _sentences_in(document, h.spans)) for h in holders), key=lambda hs: -len(hs[1]))
    ]
    if outlet_sentences:
        groups.append((outlet or document.outlet or "the outlet", "outlet", outlet_sentences,
                       [(s.start, s.end) for s in outlet_sentences], set()))
    targets = _targets(spacy_doc)
    issue = main_issue(spacy_doc, document)
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
        ranked = ranked[:per_holder]
        # what the holder judges (the object of its evaluative word) and the article's issue
        # come first: a stance is about what is judged, rarely about the words around it
        judged = _judged_target(spacy_doc, spans, document.language, own_words)
        if judged is not None:
            name, start = judged
            ids = tuple(s.id for s in sentences if s.start <= start < s.end)
            ranked.insert(0, (JUDGED_SALIENCE, name, ids))
        if issue is not None and not _is_self(issue, own_words):
            best = sorted(sentences, key=lambda s: -evaluative_score([s.text], document.language))
            ids = tuple(sorted(s.id for s in best[:2]))
            ranked.insert(1 if judged is not None else 0, (ISSUE_SALIENCE, issue, ids))
        seen: set[str] = set()
        unique = []
        for sal, name, ids in ranked:
            if name.lower() not in seen and ids:
                seen.add(name.lower())
                unique.append((sal, name, ids))
        by_id = {s.id: s for s in sentences}
        per_group.append([
            StanceCandidate(holder, kind, name, ids, round(sal, 3),
                            evaluative_score([by_id[i].text for i in ids if i in by_id], document.language))
            for sal, name, ids in unique[:per_holder + 2]])
    out: list[StanceCandidate] = []
    for depth in range(per_holder + 2):
        for cands in per_group:
            if depth < len(cands) and len(out) < max_candidates:
                out.append(cands[depth])
    return out


# -- which candidates to ask about -----------------------------------------------------------

# Stance-bearing words: judging, backing, opposing, predicting success or failure. Stems
# (matched at a word start, case-insensitive); a few per language with a parser.
_EVALUATIVE: dict[str, tuple[str, ...]] = {
    "en": ("support", "back", "welcom", "prais", "applau", "endors", "appreciat", "solidarity", "defend",
           "favo", "agree", "hail", "commend", "celebrat", "oppos", "reject", "criticis", "criticiz", "condemn",
           "deni", "deny", "fail", "warn", "threat", "danger", "unacceptabl", "wrong", "mistake", "disaster", "against",
           "refus", "object", "protest", "accus", "blam", "slam", "attack", "must", "should", "urg", "demand",
           "call for", "called for", "insist", "need", "benefi", "harm", "success", "achiev", "good", "bad",
           "best", "worst", "right", "fair", "unfair", "safe", "unsafe", "positive", "negative", "hope",
           "concern", "worr", "fear", "risk", "will not", "won't", "cannot", "never"),
    "fr": ("soutien", "soutenir", "salu", "approuv", "favorable", "défend", "félicit", "oppos", "rejet",
           "critiqu", "condamn", "dénonc", "contest", "refus", "échec", "échou", "menac", "danger",
           "inacceptabl", "erreur", "accus", "doit", "doivent", "faut", "exig", "réclam", "demand",
           "bénéfi", "succès", "bon", "mauvais", "juste", "injuste", "sûr", "colère", "inquiet", "craint",
           "risque", "jamais", "ne pas"),
    "es": ("apoy", "respald", "celebr", "elogi", "defend", "favorable", "aplaud", "oponer", "opone",
           "rechaz", "critic", "conden", "denunci", "negó", "niega", "negar", "fracas", "amenaz", "peligr", "inaceptabl",
           "error", "acus", "golpe", "mentir", "debe", "deben", "hay que", "exig", "reclam", "pid",
           "benefici", "éxito", "bueno", "malo", "justo", "injusto", "seguro", "preocup", "temor",
           "riesgo", "nunca", "inevitable"),
}
# Words a stem would match that judge nothing: "the agreement" names a document, "rights" and
# "goods" are things, "objective" and "background" describe.
_NOT_EVALUATIVE: dict[str, dict[str, str]] = {
    "en": {"agree": "ment", "right": "s", "good": "s", "object": "ive", "back": "ground", "concern": "ing"},
}
_EVALUATIVE_RE: dict[str, re.Pattern[str]] = {
    lang: re.compile(r"\b(?:" + "|".join(
        re.escape(w) + (f"(?!{_NOT_EVALUATIVE[lang][w]})" if w in _NOT_EVALUATIVE.get(lang, {}) else "")
        for w in words) + r")", re.IGNORECASE)
    for lang, words in _EVALUATIVE.items()
}


# Two-sided statements: a concession then a reservation ("supports X but ...", "achievable for
# power, unrealistic for steel", "soutenir ... tout en demandant"). Whole words, case-insensitive.
_CONTRAST: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:but|however|although|though|yet|whereas|in principle|on the other hand)\b"
                     r"|,\s+(?:not|unrealistic|while)\b", re.IGNORECASE),
    "fr": re.compile(r"\b(?:mais|tout en|cependant|toutefois|néanmoins|bien que|sur le principe|en revanche)\b",
                     re.IGNORECASE),
    "es": re.compile(r"\b(?:pero|aunque|sin embargo|no obstante|en principio)\b", re.IGNORECASE),
}


def has_contrast(texts: Sequence[str], language: str | None = "en") -> bool:
    """Do these sentences weigh one side against another ("supports it in principle but ...")?

    Example:
        >>> has_contrast(["She supports fixing the roads but cannot vote for the tax."])
        True
        >>> has_contrast(["She supports fixing the roads."])
        False
    """
    pattern = _CONTRAST.get((language or "en")[:2], _CONTRAST["en"])
    return any(pattern.search(t) for t in texts)


# Declining to take a side: no comment, open to either, undecided. Case-insensitive.
_NONCOMMITTAL: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:declin(?:ed|es|ing) to (?:comment|say|take (?:a|any) (?:side|position))"
                     r"|(?:would|will|did|does|could) not (?:comment|say whether|take (?:a|any) (?:side|position))"
                     r"|refus(?:ed|es|ing) to (?:comment|say whether)|no comment|open to (?:both|either)"
                     r"|has not (?:yet )?(?:decided|taken a (?:side|position))|remain(?:s|ed)? (?:neutral|undecided)"
                     r"|undecided|too early to (?:say|tell|judge))\b", re.IGNORECASE),
    "fr": re.compile(r"\b(?:n'a pas (?:souhaité|voulu) (?:commenter|se prononcer)|(?:s'est )?refusé à tout commentaire"
                     r"|ouverts? aux deux|pas encore (?:décidé|tranché)|indécis|trop tôt pour (?:le )?dire)\b",
                     re.IGNORECASE),
    "es": re.compile(r"\b(?:(?:declinó|rehusó|no quiso) (?:comentar|pronunciarse)|sin comentarios"
                     r"|abiertos? a (?:ambas|las dos)|indecis[oa]s?|es pronto para (?:decir|saber))\b", re.IGNORECASE),
}


def is_noncommittal(texts: Sequence[str], language: str | None = "en") -> bool:
    """Do these sentences decline to take a side ("declined to comment", "open to both")?

    Example:
        >>> is_noncommittal(["The minister declined to comment on the decision."])
        True
        >>> is_noncommittal(["The minister commented on the decision."])
        False
    """
    pattern = _NONCOMMITTAL.get((language or "en")[:2], _NONCOMMITTAL["en"])
    return any(pattern.search(t) for t in texts)


def evaluative_score(texts: Sequence[str], language: str | None = "en") -> float:
    """Stance-bearing words per shown sentence (0 when none): how much these sentences judge
    something rather than report it. A quotation counts one more (people quoted are usually
    quoted for their view)."""
    if not texts:
        return 0.0
    pattern = _EVALUATIVE_RE.get((language or "en")[:2], _EVALUATIVE_RE["en"])
    hits = sum(len(pattern.findall(t)) for t in texts)
    quoted = sum(1 for t in texts if re.search(r"[\"“”«»]", t))
    return round((hits + quoted) / len(texts), 3)


def select_candidates(candidates: Sequence[StanceCandidate], *, max_candidates: int = MAX_CANDIDATES,
                      per_holder: int = 1) -> list[StanceCandidate]:
    """The candidates worth a model call: each holder's best target first (salience plus the
    judging words of its sentences), holders whose sentences judge the most first, then second
    targets the same way, up to ``max_candidates``. A holder that only reports (a news agency
    relaying facts) comes last, so a capped list keeps the holders that take positions."""
    by_holder: dict[str, list[StanceCandidate]] = {}
    for c in candidates:
        by_holder.setdefault(c.holder, []).append(c)
    ranked = {h: sorted(cs, key=lambda c: (-(c.salience + c.evaluative), c.target)) for h, cs in by_holder.items()}
    order = sorted(ranked, key=lambda h: (-ranked[h][0].evaluative, -ranked[h][0].salience, h))
    out: list[StanceCandidate] = []
    for depth in range(per_holder):
        for h in order:
            if depth < len(ranked[h]) and len(out) < max_candidates:
                out.append(ranked[h][depth])
    return out


