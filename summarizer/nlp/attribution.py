"""Who said what, read from a spaCy dependency parse: content, cue and source with exact spans.

The regex rules of :mod:`summarizer.analysis.rules` find one source per sentence; a parse finds
every attribution in a sentence and where its content starts and ends. For each token whose
lemma is a cue (a reporting verb, a verb of belief, finding or intention, or "according to"),
the extractor reads

* the **source** from the cue's subject (``nsubj``; the ``agent`` of a passive; the subject
  of the verb it is conjoined to or subordinated to, "..., adding that"; in Spanish a
  dropped subject is the source named before it; a French inverted "a-t-elle");
* the **content**, in this order: a quotation adjacent to the cue ('"Q1. Q2," she added.',
  'he said: "Q"'; it may run over several sentences and paragraphs, and '"Q1," he said,
  "Q2."' gives two pieces); the clausal complement (``ccomp``, "said that ..."; ``xcomp``
  for "wants to", "plans to"); the object of a few verbs ("denied the report", "called for
  talks"); for an inverted cue with no complement ("..., sources said."), the clause it
  hangs on, up to the cue. "According to X, ..." credits the rest of its clause to X (two
  pieces when the phrase sits in the middle).
* transcript labels ("WALLACE: ...") and a cue followed by a colon ('He said:' + the rest
  of the paragraph) are colon cues.

A pronoun, a relative pronoun or a short definite reference ("he", "who", "the senator",
"the ministry") is resolved to the named mention it refers to: the nearest earlier named
source or entity of a compatible kind within a few sentences. Speaker type comes from the
entity label and the parse; hedges are the uncertainty words of the content and cue.

The word lists live in one :class:`_Lang` table per language (English, French, Spanish);
other languages give no attributions.

Usage (any spaCy pipeline with a tagger, a parser and NER; offsets are into ``doc.text``)::

    doc = nlp('Senator Ana Ruiz arrived. "We will not back down," she said.')
    [(a.content[0].text, a.source.text, a.speaker) for a in extract_attributions(doc)]
    # [('"We will not back down,"', 'she', 'Ana Ruiz')]

The extractor is split by concern: :mod:`.cues` (the per-language tables), :mod:`.spans`
(quotations and token runs as character spans), :mod:`.finders` (the content and source token
of each cue verb; :mod:`.shapes` the contents that are not a plain clause: a request's object
and infinitive, a passive's subject, fronted words), :mod:`.phrase_cues` (cue nouns,
"according to", "In a statement", transcript labels, signing dashes), :mod:`.sources` (mentions, speaker names and types, pronoun resolution) and this
module (the loop over the parse, the finished attributions, hedges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cues import ENGLISH, FRENCH, LANGUAGES, SPANISH, _Lang
from .finders import _dedupe, _Found, _verb_cue
from .phrase_cues import (
    _according,
    _adjective_cue,
    _estimate_cue,
    _dash_cues,
    _in_phrase,
    _light_noun_cue,
    _noun_cue,
    _transcript_cues,
)
from .sources import (
    _QUANTIFIERS,
    _clean_name,
    _core,
    _document_owner,
    _head_kind,
    _Mention,
    _mention,
    _plural,
    _Resolver,
    _strip_titles,
)
from .spans import TextSpan, _is_punct, _lower_lemma, _pieces, _span, _text, quotations

__all__ = ["ENGLISH", "FRENCH", "LANGUAGES", "SPANISH", "ParsedAttribution", "TextSpan",
           "extract_attributions", "quotations"]

Token = Any  # spacy.tokens.Token (spaCy is an optional dependency: no import at module level)
Doc = Any


@dataclass(frozen=True)
class ParsedAttribution:
    """One attribution: ``source`` said (``cue``) ``content``."""

    content: tuple[TextSpan, ...]
    cue: TextSpan | None
    source: TextSpan | None
    speaker: str | None
    speaker_type: str  # person | organization | group | anonymous | outlet
    kind: str  # direct | indirect | according_to | assertion (the outlet's own report, no source)
    hedges: tuple[str, ...]
    confidence: float


def extract_attributions(doc: Doc, *, language: str = "en") -> list[ParsedAttribution]:
    """Every attribution in ``doc`` (a parsed spaCy ``Doc`` of the whole article), sorted by
    where its content starts; empty for a language with no cue table."""
    lang = LANGUAGES.get(language)
    if lang is None:
        return []
    quotes = quotations(_text(doc))
    found: list[_Found] = []
    taken_cues: set[int] = set()
    for sent in doc.sents:
        for tok in sent:
            if tok.i in taken_cues:
                continue
            acc = _according(tok, sent, lang) or _in_phrase(tok, sent, lang)
            if acc is not None:
                found.append(acc)
                taken_cues.update(range(tok.i, tok.i + 3))
                continue
            f = _verb_cue(doc, tok, sent, lang, quotes) or _noun_cue(doc, tok, sent, lang, quotes) \
                or _adjective_cue(doc, tok, sent, lang, quotes) or _light_noun_cue(doc, tok, sent, lang, quotes) \
                or _estimate_cue(doc, tok, sent, lang, quotes)
            if f is not None and lang.anonymous.search(" ".join(c.text for c in f.content)) \
                    and len(f.content[-1].text.split()) <= 8:
                continue  # '(who) asked not to be named' describes a source, says nothing
            if f is not None:
                found.append(f)
                taken_cues.add(tok.i)
    found.extend(_transcript_cues(doc, found))
    found.extend(_dash_cues(doc, quotes, found))
    found = _dedupe(found)
    found.sort(key=lambda f: (f.content[0].start, f.content[0].end))
    return _finish(doc, found, lang)



def _finish(doc: Doc, found: list[_Found], lang: _Lang) -> list[ParsedAttribution]:
    resolver = _Resolver(doc, lang)
    out: list[ParsedAttribution] = []
    # resolve in text order of the source mention, so that earlier named sources are known
    order = sorted(range(len(found)), key=lambda k: _source_pos(found[k]))
    results: dict[int, ParsedAttribution] = {}
    for k in order:
        f = found[k]
        results[k] = _resolve(doc, f, lang, resolver)
    for k in range(len(found)):
        out.append(results[k])
    return out


def _source_pos(f: _Found) -> int:
    if f.source_head is not None:
        return int(f.source_head.idx)
    if f.cue is not None:
        return f.cue.start
    return f.content[0].start


def _hedges(doc: Doc, f: _Found, lang: _Lang) -> tuple[str, ...]:
    spans = [(s.start, s.end) for s in f.content]
    if f.cue is not None:
        spans.append((f.cue.start, f.cue.end))
    words: list[str] = []
    toks = []
    for a, b in sorted(spans):
        span = doc.char_span(a, b, alignment_mode="expand")
        toks.extend(span if span is not None else [])
    for tok in toks:
        lemma, low = _lower_lemma(tok), tok.lower_
        hit = None
        if tok.pos_ in ("PROPN", "NOUN"):
            continue  # 'in May', 'a claim'
        if low in lang.hedges or (lemma in lang.hedges and tok.pos_ in ("VERB", "AUX", "ADV")):
            hit = low
        elif low in lang.hedge_marks and tok.dep_ in ("mark", "advmod"):
            hit = low
        elif lang.code == "en" and low == "expected" and doc[tok.i + 1: tok.i + 2].text.lower() == "to":
            hit = "expected to"
        if hit and hit not in words:
            words.append(hit)
    return tuple(words)


def _partitive(head: Token) -> bool:
    """A bare number or quantifier as the subject ('Fourteen of them', 'Three', 'Most'): no
    noun of its own, at most an 'of them' after it."""
    number = head.pos_ == "NUM" or head.tag_ == "CD"
    if not number and not (head.lower_ in _QUANTIFIERS and head.pos_ in ("PRON", "DET", "ADJ", "ADV", "NOUN")):
        return False
    if any(c.dep_ in ("compound", "amod", "nummod", "poss") for c in head.children):
        return False
    ofs = [c for c in head.children if c.dep_ == "prep"]
    return all(c.lower_ == "of" and any(k.lower_ in ("them", "those", "these") for k in c.children) for c in ofs)


def _plural_antecedent(doc: Doc, head: Token) -> Token | None:
    """The nearest plural noun subject of a main clause before ``head``, in its sentence or the
    one before ('Two engineers ... told the Review that operators had been instructed': the
    engineers, not the operators)."""
    sent = head.sent
    lo = sent.start
    if sent.start > 0:
        lo = doc[sent.start - 1].sent.start
    for t in reversed(doc[lo:head.i]):
        if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in ("NNS", "NNPS") and t.pos_ in ("NOUN", "PROPN") \
                and t.head.dep_ == "ROOT":
            return t
    return None


_SHARES = frozenset({"percent", "%", "majority", "minority", "share", "proportion", "third", "quarter",
                     "fifth", "half", "plurality"})


def _share_of(head: Token, toks: list[Token]) -> tuple[Token, list[Token]]:
    """'58 percent of residents said', 'a majority of voters think': the people, not the share;
    '..., and 29 percent supported it': the people of the share named before it in the
    sentence. Anything else is returned unchanged."""
    if _lower_lemma(head) not in _SHARES:
        return head, toks
    def people(share: Token) -> Token | None:
        for c in share.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [k for k in c.children if k.dep_ == "pobj" and k.pos_ in ("NOUN", "PROPN")
                        and k.ent_type_ not in ("PERCENT", "CARDINAL", "MONEY", "QUANTITY")]
                if objs:
                    return objs[0]  # type: ignore[no-any-return]
        return None
    group = people(head)
    if group is None:
        earlier = [t for t in head.sent if t.i < head.i and _lower_lemma(t) in _SHARES]
        group = next((g for g in (people(t) for t in reversed(earlier)) if g is not None), None)
    if group is None:
        return head, toks
    return group, [t for t in _mention(group, list(group.subtree)) if not _is_punct(t)]


def _resolve(doc: Doc, f: _Found, lang: _Lang, resolver: _Resolver) -> ParsedAttribution:
    hedges = _hedges(doc, f, lang)
    if f.strategy == "outlet":
        return ParsedAttribution(f.content, None, None, None, "outlet", "assertion", hedges, 0.6)
    confidence = {"quote": 0.9, "complement": 0.85, "according": 0.85, "object": 0.6,
                  "inverted": 0.7, "colon": 0.65, "transcript": 0.75, "dash": 0.75, "topic": 0.6, "noun": 0.55,
                  "adjective": 0.55}[f.strategy]
    label_span = f.label_span
    if f.source_text is not None and label_span is not None:
        name = f.source_text
        kind = "person" if name.isupper() or len(name.split()) >= 2 else "person"
        resolver.add(_Mention(label_span.start, label_span.end, name.title() if name.isupper() else name, kind))
        return ParsedAttribution(f.content, f.cue, label_span, name, kind, f.kind, hedges, confidence)
    head = f.source_head
    if head is None:
        # Spanish dropped subject: the source named before it
        pos = f.cue.start if f.cue is not None else f.content[0].start
        m = resolver.compatible(pos, "any")
        if m is not None and f.cue_tok is not None and "Person=3" in str(f.cue_tok.morph):
            return ParsedAttribution(f.content, f.cue, None, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.25, 2))
        return ParsedAttribution(f.content, f.cue, None, None, "anonymous", f.kind, hedges,
                                 round(confidence - 0.4, 2))
    toks = [t for t in f.source_toks if not _is_punct(t)] or [head]
    source = _pieces(doc, toks, keep_quotes=False)
    source_span = _span(doc, source[0].start, source[-1].end) if source else None
    owner = _document_owner(head, lang)
    if owner is not None:
        # 'A report by the national audit office found', 'Her work shows': the author speaks
        # (the mention as written stays the source span)
        head = owner
        toks = [t for t in owner.subtree if not _is_punct(t)]
    elif lang.code == "en":
        head, toks = _share_of(head, toks)
    low = head.lower_
    # a relative pronoun: the noun the clause hangs on
    if low in lang.relatives and head.pos_ == "PRON" and f.cue_tok is not None:
        ante = f.cue_tok.head if f.cue_tok.dep_ in ("relcl", "acl", "acl:relcl") else None
        if ante is not None and ante.pos_ in ("NOUN", "PROPN"):
            kind, ent = _head_kind(doc, ante, _core(ante), lang)
            name = ent or _clean_name(_core(ante), lang)
            return ParsedAttribution(f.content, f.cue, source_span, name, kind, f.kind, hedges,
                                     round(confidence - 0.05, 2))
        return ParsedAttribution(f.content, f.cue, source_span, None, "anonymous", f.kind, hedges,
                                 round(confidence - 0.35, 2))
    if low in ("we", "us", "nous") and lang.code in ("en", "fr") and not resolver.in_quote(head.idx):
        # 'we counted only permits ...', 'we describe the gap as approximate': outside any
        # quotation the first person plural is the writer, the outlet
        return ParsedAttribution(f.content, f.cue, source_span, None, "outlet", f.kind, hedges,
                                 round(confidence - 0.1, 2))
    if low in lang.pronouns and head.pos_ in ("PRON", "X", "DET"):
        want = lang.pronouns[low]
        if want == "any" and low in ("we", "nous", "nosotros", "nosotras"):
            want = "plural"
        m = resolver.compatible(head.idx, want)
        if m is None and want == "plural":
            m = resolver.compatible(head.idx, "person") if low in ("we",) else None
        if m is not None:
            return ParsedAttribution(f.content, f.cue, source_span, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
        kind = {"person": "person", "thing": "organization"}.get(want, "group")
        return ParsedAttribution(f.content, f.cue, source_span, None, kind, f.kind, hedges,
                                 round(confidence - 0.35, 2))
    if lang.code == "en" and _partitive(head):
        # 'Fourteen of them expect ...', 'Several said ...', '"...," one of them said': part
        # of the group that is the subject just before, else of the nearest plural source
        group = _plural_antecedent(doc, head)
        if group is not None:
            kind, ent = _head_kind(doc, group, list(group.subtree), lang)
            kind = kind if kind in ("anonymous", "organization") else "group"
            name = ent or _clean_name(_core(group), lang)
            return ParsedAttribution(f.content, f.cue, source_span, name, kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
        m = resolver.compatible(head.idx, "plural")
        if m is not None:
            return ParsedAttribution(f.content, f.cue, source_span, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
    kind, ent = _head_kind(doc, head, toks, lang)
    core = _core(head)
    name = ent or _clean_name(_mention(head, [t for t in toks if t.dep_ != "appos" or t.i < head.i])
                              if lang.code != "en" else core, lang)
    if ent is None and head.pos_ == "PROPN":
        name = _strip_titles(name, lang)
    named_apposition = [c for c in head.children if c.i > head.i and c.pos_ == "PROPN"
                        and c.dep_ in ("appos", "nmod", "flat", "compound")]
    if ent is None and head.pos_ == "NOUN" and named_apposition and kind != "organization":
        # 'La concejala Marta Iglesias', 'the spokeswoman, Lena Fischer': the name
        name = _clean_name(_mention(named_apposition[0], list(named_apposition[0].subtree)), lang)
        kind = "person"
    # a short definite reference: 'the senator', 'the ministry', 'the campaign'
    dets = [c for c in head.children if c.dep_ == "det"]
    if ent is None and head.pos_ == "NOUN" and len(core) <= 3 and dets and \
            dets[0].lower_ in ("the", "this", "le", "la", "l'", "el", "la") and not _plural(head):
        m = resolver.compatible(head.idx, "any", title=_lower_lemma(head))
        if m is not None:
            return ParsedAttribution(f.content, f.cue, source_span, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
        confidence -= 0.15
    if kind in ("person", "organization") and (ent is not None or any(t.pos_ == "PROPN" for t in core)):
        if source_span is not None:
            resolver.add(_Mention(source_span.start, source_span.end, name, kind))
    elif kind == "group":
        if source_span is not None:
            resolver.add(_Mention(source_span.start, source_span.end, name, "group"))
    else:
        if kind == "anonymous" and source_span is not None and not _plural(head) \
                and not resolver.in_quote(source_span.start):
            # 'A senior nurse, who asked not to be named, said ... "Q," she said': the
            # unnamed speaker is who a later pronoun refers to
            resolver.add(_Mention(source_span.start, source_span.end, name, "anonymous"))
        confidence -= 0.1
    return ParsedAttribution(f.content, f.cue, source_span, name, kind, f.kind, hedges,
                             round(max(0.05, confidence), 2))
