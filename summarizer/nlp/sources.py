"""Sources: the mention as written, its speaker name, its speaker type, and who a pronoun is.

A source mention is cut to its core (no relative clause, apposition or prepositional tail);
the speaker is the person or organisation entity inside it, without titles; its type comes
from the entity label and the parse (person, organization, group, anonymous). The
:class:`_Resolver` remembers the named mentions seen so far, so that "he", "the senator" or
"the ministry" resolves to the nearest compatible one. Internal to :mod:`summarizer.nlp`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cues import _Lang
from .spans import _QUOTE_CHARS, _ents, _is_punct, _lower_lemma, _text, _tok_end, quotations

__all__: list[str] = []

Token = Any  # spacy.tokens.Token
Doc = Any

_LOOKBACK_SENTENCES = 4
_PERSON_LABELS = frozenset({"PERSON", "PER"})
_ORG_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC", "MISC"})


@dataclass
class _Mention:
    start: int
    end: int
    name: str
    kind: str  # person | organization | group


_QUANTIFIERS = frozenset({"most", "some", "many", "several", "others", "half", "few", "both", "all"})
"""Words that count a group: as a subject on their own ('Most said') they speak for the group."""
_COUNTING = (_QUANTIFIERS - {"others", "half"}) | {"each", "no"}
"""Determiners that count a plural noun ('All 23 economists'): not part of the group's name."""


def _core(head: Token) -> list[Token]:
    """The head noun with its name parts and modifiers before it, without relative clauses,
    appositions and prepositional tails."""
    keep = [head]
    plural = _plural(head) and head.pos_ == "NOUN"
    for child in head.children:
        if plural and child.i < head.i and (child.dep_ == "nummod" or (
                child.dep_ in ("det", "predet") and child.lower_ in _COUNTING)):
            continue  # 'All 23 economists polled by Meridian', 'two diplomats': economists, diplomats
        if child.i < head.i and child.dep_ not in ("punct", "cc", "relcl", "acl", "appos", "case"):
            keep.extend(child.subtree)
        elif child.i > head.i and child.dep_ in ("flat", "flat:name", "compound", "fixed") \
                or (child.i > head.i and child.dep_ in ("appos", "nmod") and child.pos_ == "PROPN"
                    and child.i == head.i + 1):
            keep.extend(child.subtree)
    return sorted(set(keep), key=lambda t: t.i)


def _clean_name(toks: Sequence[Token], lang: _Lang) -> str:
    words = [t for t in toks if not (_is_punct(t) and t.text in _QUOTE_CHARS)]
    while words and words[0].is_punct:
        words = words[1:]
    while words and words[0].pos_ == "DET" and len(words) > 1 and \
            words[0].lower_ in ("the", "a", "an", "le", "la", "les", "l'", "el", "los", "las"):
        words = words[1:]
    while words and words[-1].is_punct:
        words = words[:-1]
    if not words:
        return ""
    # the article's own characters between the first and last word ('Beijing-based' stays whole)
    text = _text(words[0].doc)[words[0].idx:_tok_end(words[-1])]
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _mention(head: Token, toks: Sequence[Token]) -> list[Token]:
    """The source mention without relative clauses and participles ('Fuentes de la empresa,
    que pidieron ...' → 'Fuentes de la empresa'; 'Su portavoz, Lucía Ferrer' kept whole)."""
    drop: set[int] = set()
    for t in toks:
        if t.dep_ in ("relcl", "acl", "acl:relcl", "advcl", "parataxis") and t.i != head.i:
            drop.update(k.i for k in t.subtree)
    return [t for t in toks if t.i not in drop]


def _entity_in(doc: Doc, toks: Sequence[Token], head: Token | None = None, *,
               within: Sequence[Token] | None = None) -> Any | None:
    """The PERSON/ORG-like entity inside ``toks`` (and wholly inside ``within``, when given,
    so that an entity running past the mention, 'Según Quiroga', is not taken): the one
    holding ``head``, else the first person, else the first other."""
    ids = {t.i for t in toks}
    inside = {t.i for t in within} if within is not None else None
    hits = [e for e in _ents(doc) if e.label_ in _PERSON_LABELS | _ORG_LABELS
            and any(t.i in ids for t in e) and (inside is None or all(t.i in inside for t in e))]
    if head is not None:
        for ent in hits:
            if ent.start <= head.i < ent.end:
                return ent
    people = [e for e in hits if e.label_ in _PERSON_LABELS]
    return (people or hits or [None])[0]


def _strip_titles(name: str, lang: _Lang) -> str:
    """'Mayor Ana Ruiz' → 'Ana Ruiz' (a title before a name of two words or more)."""
    words = name.split()
    while len(words) > 2 and words[0].lower().rstrip(".") in {t.rstrip(".") for t in lang.titles}:
        words = words[1:]
    return " ".join(words)



def _entity_kind(label: str) -> str:
    return "person" if label in _PERSON_LABELS else "organization"


def _is_subject(tok: Token) -> bool:
    """The token heads (or is a name part of) the subject of a verb."""
    for _ in range(3):
        if tok.dep_ in ("nsubj", "nsubjpass", "nsubj:pass"):
            return True
        if tok.dep_ not in ("compound", "flat", "flat:name", "appos") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


class _Resolver:
    """Named mentions seen so far (entities and named sources), newest last."""

    def __init__(self, doc: Doc, lang: _Lang) -> None:
        self.doc, self.lang = doc, lang
        self.sources: list[_Mention] = []
        ents = [e for e in _ents(doc) if e.label_ in _PERSON_LABELS | {"ORG", "NORP"}]
        self.entities = [_Mention(e.start_char, e.end_char, e.text.strip(), _entity_kind(e.label_))
                         for e in ents]
        # entities that are the subject of their clause ('Judge Martin Obi dissented.'): a
        # later 'he' refers to them as readily as to a speaker named earlier
        # (not inside a quotation: "... whenever Altamira was discussed," he said)
        self.quoted = quotations(_text(doc))
        self.subjects = [m for m, e in zip(self.entities, ents, strict=True) if _is_subject(e.root)
                         and not self.in_quote(m.start)]
        self.sent_starts = sorted(s.start_char for s in doc.sents)

    def in_quote(self, pos: int) -> bool:
        return any(qs <= pos < qe for qs, qe in self.quoted)

    def _window_start(self, pos: int) -> int:
        import bisect

        k = bisect.bisect_right(self.sent_starts, pos) - 1
        return self.sent_starts[max(0, k - _LOOKBACK_SENTENCES)] if self.sent_starts else 0

    def add(self, m: _Mention) -> None:
        self.sources.append(m)

    def compatible(self, pos: int, want: str, *, title: str | None = None) -> _Mention | None:
        """Nearest named source or subject entity, else any entity, before ``pos`` of kind
        ``want`` (person | plural | thing | any), within the look-back window."""
        lo = self._window_start(pos)

        def ok(m: _Mention) -> bool:
            if not lo <= m.start < pos:
                return False
            if title is not None:
                return self._titled(m, title)
            if want == "person":
                return m.kind in ("person", "anonymous")
            if want == "thing":
                return m.kind == "organization"
            if want == "plural":
                return m.kind in ("organization", "group")
            return True

        for pool in (self.sources + self.subjects, self.entities):
            best = [m for m in pool if ok(m)]
            if best:
                return max(best, key=lambda m: m.start)
        return None

    def _titled(self, m: _Mention, title: str) -> bool:
        """'Senator John Smith' for 'the senator'; 'the Foreign Ministry' for 'the ministry'."""
        before = _text(self.doc)[max(0, m.start - 40):m.start].lower()
        return title in m.name.lower().split() or bool(
            re.search(rf"\b{re.escape(title)}\W+(?:\w+\W+){{0,2}}$", before))



def _head_kind(doc: Doc, head: Token, toks: Sequence[Token], lang: _Lang) -> tuple[str, str | None]:
    """(speaker type, entity name) of a source mention that is not a pronoun."""
    text = "".join(t.text_with_ws for t in toks)
    core = _core(head)
    ent = _entity_in(doc, _mention(head, toks), head, within=toks)
    if ent is not None and ent.label_ not in _PERSON_LABELS and head.pos_ != "PROPN" \
            and not any(t.i in {c.i for c in core} for t in ent):
        ent = None  # 'the list of Russian delegates' is a list, not 'Russian'
    if ent is not None and ent.label_ in ("NORP", "GPE") and head.pos_ == "NOUN" and ent.root.i != head.i \
            and _lower_lemma(head) in lang.titles | lang.anonymous_heads and not _plural(head):
        ent = None  # 'the Indiana governor', 'the Democratic senator' are people, not 'Indiana'
    common_head = head.pos_ == "NOUN" or (head.pos_ == "PROPN" and head.text.islower())  # 'ministry' mis-tagged
    if ent is not None and ent.label_ in ("NORP", "GPE") and ent.root.i != head.i and not _plural(head) \
            and common_head and (_lower_lemma(head) in lang.org_heads or head.lower_ in lang.org_heads):
        return "organization", None  # 'the European negotiating group', 'the Russian foreign ministry'
    has_propn = any(t.pos_ == "PROPN" for t in core)
    lemma = _lower_lemma(head)
    if lang.anonymous.search(text) and not (ent is not None and ent.label_ in _PERSON_LABELS):
        return "anonymous", None
    if ent is not None:
        kind = _entity_kind(ent.label_)
        if kind == "organization" and head.pos_ != "PROPN" and lemma not in lang.org_heads and \
                _plural(head):
            return "group", None  # 'Chinese analysts' (NORP-led group)
        if kind == "person" and lemma in lang.org_heads and ent.root.i != head.i:
            kind = "organization"  # "Trump's campaign"
        return kind, _strip_titles(ent.text.strip(), lang)
    if lemma in lang.org_heads or head.lower_ in lang.org_heads:
        return "organization", None
    if has_propn:
        return "person", None
    if lemma == "source" or lemma == "fuente":
        return "anonymous", None
    if _plural(head):
        return "group", None
    dets = [c.lower_ for c in head.children if c.dep_ in ("det", "nummod")]
    if lemma in lang.anonymous_heads and any(d in ("a", "an", "another", "one", "un", "une", "una")
                                             for d in dets):
        return "anonymous", None
    if any(d in ("a", "an", "another", "un", "une", "una") for d in dets):
        return "anonymous", None
    return "person", None


# what a document's author is read from: 'the authority's figures', 'a report by the audit
# office', 'data from the exchange', 'records published by the ministry', 'Her work shows'
_AUTHORED = frozenset({"email", "reading", "note", "register", "paper", "work", "book", "website"})
_NOT_OWNERS = frozenset({"DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})


def _document_owner(head: Token, lang: _Lang) -> Token | None:
    """The author of a document named as a source, when the mention names one (English):
    its possessor ('the authority's register', 'Her work'), the object of 'by' or 'from'
    ('a report by the national audit office', 'figures from the hospital'), a proper name
    after 'of' ('a study of the Institute'), or the agent of a participle ('records
    published by the ministry', 'emails seen by the Review'). ``None`` for anything that is
    no document, and for a document with no author in its mention ('some studies')."""
    if lang.code != "en" or head.pos_ not in ("NOUN", "PROPN"):
        return None
    lemma = _lower_lemma(head)
    if lemma not in lang.documents and lemma not in _AUTHORED and head.lower_ not in lang.documents:
        return None

    def owner(k: Token, *, named: bool) -> bool:
        if k.ent_type_ in _NOT_OWNERS or k.pos_ not in ("NOUN", "PROPN"):
            return False
        return not named or k.pos_ == "PROPN" or k.ent_type_ in _PERSON_LABELS | _ORG_LABELS

    for c in head.children:
        if c.dep_ == "poss" and c.tag_ != "POS":
            return c  # type: ignore[no-any-return]
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from", "of") and c.i > head.i:
            objs = [k for k in c.children if k.dep_ == "pobj" and owner(k, named=c.lower_ == "of")]
            if objs:
                return objs[0]  # type: ignore[no-any-return]
        if c.dep_ == "acl" and c.i > head.i:
            for a in c.children:
                objs = [k for k in a.children if a.dep_ == "agent" and k.dep_ == "pobj" and owner(k, named=False)]
                if objs:
                    return objs[0]  # type: ignore[no-any-return]
    return None


def _plural(tok: Token) -> bool:
    return tok.tag_ in ("NNS", "NNPS") or "Number=Plur" in str(tok.morph)

