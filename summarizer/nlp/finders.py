"""Cue finders: for one cue verb the content it introduces and the token of its source, before
any resolution (cues that are not verbs: :mod:`summarizer.nlp.phrase_cues`).

The strategies, tried in order for a verb: an adjacent quotation, the clausal complement, the
object, the prepositional object, the clause an inverted cue hangs on, a parenthetical cue, a
cue ending in a colon. Each returns a :class:`_Found`; :mod:`summarizer.nlp.attribution`
turns them into attributions with named speakers. Internal to :mod:`summarizer.nlp`.

Just over 500 lines: the strategies are tried in order for one verb and share their span
helpers (the shapes of a content other than a clause are in :mod:`summarizer.nlp.shapes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .cues import ENGLISH, FRENCH, SPANISH, _Lang
from .shapes import _fronted, _object_infinitive, _passive_content, _run_on, _wh_clause
from .spans import (
    _QUOTE_CHARS,
    TextSpan,
    _extend_to_quote,
    _inside_ccomp,
    _is_punct,
    _kind,
    _lower_lemma,
    _pieces,
    _span,
    _subtree,
    _text,
    _tok_end,
)

__all__: list[str] = []

Token = Any  # spacy.tokens.Token
Doc = Any

_ADJACENT_BEFORE = re.compile(r"^[\s,.;:!?—–\-]*$")  # quote → cue: '"Q," he said'
_ADJACENT_AFTER = re.compile(r"^[\s,:;—–\-]*$")  # cue → quote: 'he said: "Q"'
_CONTINUED = re.compile(r"^[\s,.:;—–\-]*$")
_FIRST_SECOND = frozenset({"i", "we", "you", "je", "nous", "vous", "yo", "nosotros", "nosotras",
                           "usted", "ustedes"})


@dataclass
class _Found:
    content: tuple[TextSpan, ...]
    cue: TextSpan | None
    source_head: Token | None
    source_toks: list[Token]
    kind: str
    strategy: str
    cue_tok: Token | None
    inherited_from: Token | None = None
    source_text: str | None = None  # transcript labels (no token)
    label_span: TextSpan | None = None


def _is_cue_verb(tok: Token, lang: _Lang) -> str | None:
    """'speech' | 'belief' | 'intent' | None."""
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
        return None
    if tok.dep_ in ("amod", "compound", "det"):
        return None
    lemma = _cue_lemma(tok, lang)
    if lemma in lang.speech:
        return "speech"
    if lemma in lang.belief:
        return "belief"
    if lemma in lang.intent or lemma in lang.object_cues:
        return "intent"
    if lemma in lang.topic_cues or lemma in lang.reply_cues:
        return "topic"
    if lemma in lang.quote_cues:
        return "quote"
    return None


_LEMMA_SLIPS = {"hop": "hope"}  # the small English lemmatizer reads 'hoped', 'hopes' as 'hop'


def _cue_lemma(tok: Token, lang: _Lang) -> str:
    """The token's lemma, mended where the lemmatizer slips on a cue ('hopes' → 'hop')."""
    lemma = _lower_lemma(tok)
    if lang.code == "en" and lemma in _LEMMA_SLIPS and tok.lower_.startswith(_LEMMA_SLIPS[lemma]):
        return _LEMMA_SLIPS[lemma]
    return lemma


def _subject(verb: Token, lang: _Lang) -> Token | None:
    """The verb's subject; of two (a dateline read as one: 'HARLOW — A court upheld'), the
    one nearest to the verb."""
    subs = [c for c in verb.children
            if c.dep_ in lang.subjects and c.text not in _QUOTE_CHARS and not c.is_punct]
    if len(subs) > 1:
        return min(subs, key=lambda c: (abs(c.i - verb.i), c.i))
    return subs[0] if subs else None


_AGREE_WITH = frozenset({"agree", "disagree", "side"})
_NAMING = frozenset({"call", "brand", "label", "dub", "term"})
_GERUND_PREPS = frozenset({"by", "for", "after", "before", "while", "in", "without", "when"})
_MESSAGES = frozenset({"tweet", "message", "email", "e-mail", "post", "note", "text", "ad", "advert", "video"})


def _issued(noun: Token, lang: _Lang) -> bool:
    """Is ``noun`` something issued (a document, an utterance, a message: 'tweets criticizing
    ...'), not someone who speaks (a named entity, an official, a title: 'a lawyer warning')?"""
    lemma = _lower_lemma(noun)
    if lemma in lang.documents or lemma in lang.in_utterances or lemma in _MESSAGES:
        return True
    return noun.ent_type_ not in ("PERSON", "ORG", "NORP") and noun.pos_ != "PROPN" \
        and lemma not in lang.anonymous_heads and lemma not in lang.titles


def _source_of(tok: Token, lang: _Lang, sent: Any) -> tuple[Token | None, Token | None]:
    """(subject head, the verb it was inherited from)."""
    own = _subject(tok, lang)
    if own is not None:
        return own, None
    for child in tok.children:  # passive: 'was told by X'
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0], None
    if lang.code == "fr":  # 'a-t-elle ajouté'
        for aux in tok.children:
            for c in aux.children:
                if c.text.lower() in lang.pronouns and c.text.startswith("-"):
                    return c, None
    # '..., adding that', 'said and added', 'agreed to': the subject of the verb it hangs on
    cur = tok
    for _ in range(3):
        head = cur.head
        if cur.dep_ not in ("conj", "advcl", "xcomp") or head.i == cur.i:
            break
        if cur is tok and any(c.dep_ == "auxpass" for c in tok.children):
            break  # '... and was criticized for saying': the subject is criticized, not the critic
        if head.pos_ not in ("VERB", "AUX"):
            break
        inherited = _subject(head, lang)
        if inherited is not None:
            return inherited, head
        cur = head
    if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.dep_ == "prep" \
            and tok.head.lower_ in _GERUND_PREPS and lang.code == "en" \
            and _is_cue_verb(tok, lang) in ("speech", "belief"):
        # 'was criticized for saying that ...', 'pitched himself by telling them that ...':
        # the subject of the verb the phrase modifies; 'praised her for saying': its object
        gov = tok.head.head
        if gov.pos_ in ("VERB", "AUX"):
            if tok.head.lower_ == "for":
                objs = [c for c in gov.children if c.dep_ == "dobj" and c.pos_ in ("PROPN", "PRON", "NOUN")]
                if objs and objs[0].lower_ not in ("himself", "herself", "themselves", "itself"):
                    return objs[0], gov
            for _ in range(3):
                found = _subject(gov, lang) or next((c for c in gov.children if c.dep_ == "nsubjpass"), None)
                if found is not None:
                    return found, gov
                if gov.dep_ not in ("conj", "xcomp", "advcl") or gov.head.i == gov.i:
                    break
                gov = gov.head
    if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ == "VBG":
        # 'Trump unleashed tweets criticizing ...': whoever issued the noun; else the noun
        # itself ('a statement saying ...')
        owner = tok.head.head
        if tok.head.dep_ in ("dobj", "obj") and owner.pos_ in ("VERB", "AUX") and _issued(tok.head, lang):
            # (not 'emails show a senior lawyer warning that ...': the lawyer warns)
            for child in owner.children:
                if child.dep_ in lang.subjects and not child.is_punct:
                    return child, owner
        return tok.head, tok.head
    # French/Spanish parses often read an inverted subject as an object or modifier:
    # '», a déclaré la maire Hélène Marchetti.'
    if lang.code != "en":
        prev = tok.doc[tok.left_edge.i - 1] if tok.left_edge.i > sent.start else None
        if prev is not None and (prev.text in ",»”\"" or prev.is_punct):
            for child in tok.children:
                if child.i > tok.i and child.dep_ in ("obj", "nmod", "obl", "appos", "nsubj") \
                        and child.pos_ in ("NOUN", "PROPN", "PRON"):
                    return child, None
    return None, None


def _has_own_cue(doc: Doc, end: int) -> bool:
    """A quotation followed in its sentence by a reporting verb ('"Q3," a resident said'):
    it has a speaker of its own, so it does not continue the previous speaker's quote.
    The sentence ends at its end mark or line break, read from the tokens ('Mr. Burman
    said' is one sentence)."""
    text = _text(doc)
    stop = text.find("\n", end)
    stop = len(text) if stop == -1 else stop
    span = doc.char_span(end, stop, alignment_mode="expand") if stop > end else None
    if span is None:
        return False
    speech = ENGLISH.speech | FRENCH.speech | SPANISH.speech
    for t in span:
        if t.text in (".", "!", "?", "...", "…"):
            return False
        if t.pos_ == "VERB" and t.lemma_.lower() in speech:
            return True
    return False


def _adjacent_quotes(doc: Doc, lo: int, hi: int, quotes: list[tuple[int, int]],
                     aside: int | None = None) -> list[tuple[int, int]]:
    """Quotations right before ``lo`` or right after ``hi`` (only punctuation between).

    ``aside`` is where a phrase of the cue ends ('"Q1," Tester said, referring to the excuse,
    "Q2."'; '"Q1," she said in a statement. "Q2."'): after a quotation before the cue, the
    next one may follow it instead of the cue itself."""
    out = []
    text = _text(doc)
    before = False
    for qs, qe in quotes:
        if qe <= lo and _ADJACENT_BEFORE.match(text[qe:lo]) and "\n" not in text[qe:lo]:
            out.append((qs, qe))
            before = True
        elif before and aside is not None and qs >= aside > hi and _CONTINUED.match(text[aside:qs]) \
                and "\n" not in text[hi:qs] and not _has_own_cue(doc, qe):
            out.append((qs, qe))  # '"Q1," X said in a statement. "Q2."': X goes on
        elif qs >= hi and (_ADJACENT_AFTER.match(text[hi:qs]) or (before and _CONTINUED.match(text[hi:qs]))) \
                and text[hi:qs].count("\n") <= (2 if before or text[hi:qs].strip() == ":" else 1) \
                and (text[hi:qs].strip() or text[qs - 1: qs] == " ") \
                and not (before and _has_own_cue(doc, qe)):
            out.append((qs, qe))  # '"Q1," she said. "Q2."': the same speaker goes on
    return out


_RAISING = frozenset({"expect", "believe", "think", "say", "report", "rumour", "rumor", "suppose",
                      "estimate", "consider", "know", "understand", "project", "set", "see"})
_NOT_SAID = frozenset({"decline", "refuse"})
# 'called for X' states X; 'writing for the majority', 'spoke for the union' name on whose behalf
_FOR_TOPIC = frozenset({"call", "press", "push", "argue", "plead", "lobby", "campaign", "appeal", "ask",
                        "vote", "advocate", "clamor", "clamour"})
_NO_COMMENT = frozenset({"comment", "elaborate", "speculate"})


def _raised(tok: Token, lemma: str, sent: Any) -> bool:
    """'Andrade is expected to hold a press conference', 'He is said to be ill', and the
    headline 'Bank of Estmark expected to hold rates': the subject is what the expectation is
    about, not who holds it (the outlet's own hedged voice, as the fixtures label it)."""
    if lemma not in _RAISING or lemma in _PASSIVE_CUES or not any(c.dep_ == "xcomp" for c in tok.children):
        return False
    if any(c.dep_ == "agent" for c in tok.children):
        return False  # 'is expected by analysts to ...': the analysts expect it
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
        return True
    headline = sent.text.rstrip()[-1:] not in ".!?\"”'’»)"
    return headline and tok.tag_ in ("VBD", "VBN") and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)


def _declined(tok: Token, lang: _Lang) -> bool:
    """'declined to comment on the decision', 'refused to speculate': no one said anything (the
    fixtures label it a mere reaction). 'declined to discuss the appointees', 'refused to
    disclose the records' stay attributions, as PolNeAR labels them."""
    if lang.code != "en":
        return False
    if tok.dep_ == "xcomp" and _lower_lemma(tok.head) in _NOT_SAID and _lower_lemma(tok) in _NO_COMMENT:
        return True
    return _lower_lemma(tok) in _NOT_SAID and any(
        c.dep_ == "xcomp" and _lower_lemma(c) in _NO_COMMENT for c in tok.children)


_NOBODY = frozenset({"nobody", "everybody", "everyone", "anyone", "anybody", "nothing", "everything", "none",
                     "personne", "nadie", "todos"})


def _nobody(subj: Token) -> bool:
    """A subject that is no source: a negative or universal pronoun ("Nobody knows", "no one",
    "no government wants"), or a date or time read as the subject ("Next March")."""
    if subj.lower_ in _NOBODY or (subj.lower_ == "one" and subj.i > 0 and subj.nbor(-1).lower_ == "no"):
        return True
    if any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
        return True
    return subj.ent_type_ in ("DATE", "TIME") and subj.pos_ != "PRON"


def _outlet_voice(doc: Doc, sent: Any, tok: Token) -> _Found:
    """The sentence as the outlet's own report (no source, no cue): what a cue verb with no
    speaker or no statement leaves ('Nobody knows whether ...', 'agreed to be named')."""
    return _Found((_span(doc, sent.start_char, sent.end_char),), None, None, [], "assertion", "outlet", tok)


def _agreed_to_be(tok: Token) -> bool:
    """'agreed to be identified', 'agreed to be interviewed': consent, not a statement."""
    if _lower_lemma(tok) != "agree":
        return False
    for c in tok.children:
        if c.dep_ == "xcomp" and any(k.dep_ == "auxpass" for k in c.children):
            return True
    return False


_CONDITIONAL = frozenset({"if", "unless", "whether", "si"})
# marks of an adverbial clause: a clause they open is no complement ("after he admitted ...")
_ADVERBIAL_MARKS = frozenset({"after", "before", "when", "while", "because", "since", "until", "as",
                              "although", "though"})
DATA_NOUNS = frozenset({"data", "datum", "figure", "number", "statistic", "record", "reading", "estimate",
                        "count", "tally"})
"""Nouns of raw data: whoever published them speaks ('according to data from the exchange');
with no author in the sentence they are the outlet's own reporting ('Gauge data show')."""


def _unowned_data(subj: Token) -> bool:
    """Data with no author in the sentence ("Gauge data show", "Permit records obtained by the
    Review show"): the outlet reporting what it read. Data someone owns ("the authority's
    figures", "figures compiled by the hospital", "data from the exchange") keep their source."""
    if subj.lemma_.lower() not in DATA_NOUNS and subj.lower_ not in DATA_NOUNS:
        return False
    for t in subj.subtree:
        if t is subj:
            continue
        if t.dep_ in ("poss", "agent") or t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):
            return False
        if t.dep_ == "prep" and t.lower_ in ("from", "by", "of") and t.head is subj:
            return False
    return True


def _verb_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    cls = _is_cue_verb(tok, lang)
    if cls is None:
        return None
    lemma = _cue_lemma(tok, lang)
    if _raised(tok, lemma, sent) or _declined(tok, lang):
        return None
    subj, inherited = _source_of(tok, lang, sent)
    if subj is not None and "\n" in _text(doc)[min(subj.idx, tok.idx):max(subj.idx, tok.idx)]:
        subj, inherited = None, None  # a heading or a dateline glued to the sentence
    if subj is not None and (subj.i > tok.i or inherited is not None) and any(
            qs <= subj.idx < qe and not qs <= tok.idx < qe for qs, qe in quotes):
        # 'said on Fox News's "Fox and Friends."': a title; '"We will achieve justice," X
        # said' with 'said' read as a conjunct of 'achieve': the quoted 'We' is not who speaks
        subj, inherited = None, None
    named: list[Token] = []  # the source's words, when the parse hung them elsewhere
    if subj is None and cls == "speech":
        misparsed = _inverted_acl(doc, tok, sent, quotes)
        if misparsed is not None:
            return misparsed
        if lang.code == "en" and (after := _after_quote(doc, tok, sent, quotes)) is not None:
            subj, named = after
    if subj is None and lang.code == "en":
        unsourced = _agentless_passive(tok, sent, lang, quotes)
        if unsourced:
            content = _pieces(doc, unsourced)
            if content:
                return _Found(content, _span(doc, tok.idx, _tok_end(tok)), None, [], "indirect",
                              "object", tok)
    if subj is None and not lang.dropped_subject:
        return None  # 'trying to', 'It was reported that': no one to credit
    if any(qs < tok.idx < qe for qs, qe in quotes):
        # a cue inside a quotation: the quoted speaker's own 'I think', 'who want to'
        if cls != "speech" or (subj is not None and subj.lower_ in _FIRST_SECOND):
            return None
    if subj is not None and (subj.lower_ == "there" or subj.tag_ == "POS" or subj.is_punct):
        return None  # 'there said', a stray "'s": no speaker
    if subj is not None and _nobody(subj):
        return _outlet_voice(doc, sent, tok)  # 'Nobody knows', 'no government wants': the outlet's voice
    if _agreed_to_be(tok):
        return _outlet_voice(doc, sent, tok)  # 'All people quoted agreed to be identified': no statement
    if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL for c in tok.children):
        return None  # 'if the inquiry finds that ...': a hypothesis, nobody's statement
    if subj is not None and _unowned_data(subj):
        return None  # 'Gauge data show ...': the outlet's own reporting (evals/README.md)
    src_toks = _subtree(subj, sent) if subj is not None and inherited is None else \
        (_subtree(subj, sent) if subj is not None else [])
    if subj is not None and inherited is None and any(t.i == tok.i for t in src_toks):
        return None
    if subj is not None and inherited is None:
        src_toks = named or _name_after_quote(doc, sent, [t for t in src_toks if t.text not in _QUOTE_CHARS])
    # the cue phrase: the verb, its auxiliaries and (when next to it) its subject
    phrase = [tok] + [c for c in tok.children if c.dep_ in ("aux", "aux:tense", "neg", "advmod")
                      and abs(c.i - tok.i) <= 3]
    if subj is not None and inherited is None:
        phrase += src_toks
    lo = min(t.idx for t in phrase)
    hi = max(_tok_end(t) for t in phrase)
    cue_span = _span(doc, tok.idx, _tok_end(tok))
    # 1. an adjacent quotation (speech verbs only)
    if cls in ("speech", "quote"):
        asides = [c for c in tok.children if c.i > tok.i and c.dep_ in ("advcl", "xcomp", "npadvmod", "prep")
                  and c.right_edge.i + 1 < len(doc) and doc[c.right_edge.i + 1].text in (",", ".")]
        aside = _tok_end(asides[-1].right_edge) if asides else None
        adj = _adjacent_quotes(doc, lo, hi, quotes, aside)
        adj = [q for q in adj if len(_text(doc)[q[0]:q[1]].split()) >= 3 or _inside_ccomp(tok, q)]
        if any(c.dep_ in lang.content_deps and c.i > tok.i
               and not any(qs <= c.left_edge.idx < qe for qs, qe in quotes)
               and c.left_edge.lower_ not in _ADVERBIAL_MARKS for c in tok.children):
            # '"Q." She says it underscores ...': a cue with a complement of its own after it
            # does not take the quotation before it, unless the parse already reads the
            # quotation as its complement ('"Q1. Q2," Warren told him, after he admitted he
            # had not been held accountable': 'held' read as a second complement)
            adj = [q for q in adj if q[1] > tok.idx or any(
                c.dep_ in lang.content_deps and c.i < tok.i and q[0] <= c.idx < q[1] for c in tok.children)]
        if adj:
            adj = sorted(adj)
            adj[0] = _lead_in(doc, sent, adj[0], lo)
            content = tuple(_span(doc, a, b) for a, b in adj)
            return _Found(content, cue_span, subj, src_toks, "direct", "quote", tok, inherited)
    if cls == "quote":
        return _colon(doc, tok, subj, src_toks, cue_span, quotes, inherited)
    # 2. the clausal complement
    deps = set(lang.content_deps)
    if cls == "intent" or lemma in lang.intent:
        deps |= {"xcomp"}
    comps = [c for c in tok.children if c.dep_ in deps and c.pos_ != "PUNCT"
             and "\n" not in _text(doc)[min(c.idx, tok.idx):max(c.idx, tok.idx)]]
    if not comps and cls == "speech":
        # 'told a meeting of leaders that few people understood ...': the that-clause read as
        # a relative clause of the object
        comps = [r for c in tok.children if c.dep_ in ("dobj", "obj") for r in c.children
                 if r.dep_ == "relcl" and any(k.dep_ == "mark" and k.lower_ == "that" for k in r.children)]
    if not comps and cls == "speech":
        comps = _object_infinitive(tok) or _wh_clause(tok)
    if comps:
        toks = [t for c in comps for t in _subtree(c, sent)]
        toks += _shared_conj(tok, comps, sent, lang)
        toks += _run_on(doc, toks, sent)
        content = _pieces(doc, toks)
        if content:
            content = _extend_to_quote(doc, content, quotes, tok.idx)
            return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                          "complement", tok, inherited)
    # 2b. a passive cue with an agent: its subject is the content ('The plan was criticized
    # by the union': the union criticized the plan)
    passive = _passive_content(tok, subj, sent)
    if passive:
        content = _pieces(doc, passive)
        if content:
            return _Found(content, cue_span, subj, src_toks, "indirect", "object", tok, inherited)
    # 3. the object of a verb like 'deny', 'call (for)'; 'polls show a close race'
    if lemma in lang.object_cues or (lemma in lang.finding_objects and subj is not None
                                     and _lower_lemma(subj) in lang.documents):
        objs = [c for c in tok.children if c.i > tok.i and (
            c.dep_ in ("dobj", "obj", "iobj") or (c.dep_ == "prep" and c.lower_ == "for"))]
        if not objs and lemma in _NAMING:
            # 'Cruz called Trump a "pathological liar"' with both nouns read as predicates
            objs = [c for c in tok.children if c.i > tok.i and c.dep_ == "oprd"][:1]
        if objs and subj is not None:
            toks = [t for c in objs for t in _subtree(c, sent)]
            toks += [t for c in tok.children if c.dep_ in ("oprd", "xcomp") for t in _subtree(c, sent)]
            toks += _tail(tok, objs[0], sent, lang)
            toks += _run_on(doc, toks, sent)
            content = _pieces(doc, toks)
            if content and not _mere_reaction(lemma, toks):
                return _Found(content, cue_span, subj, src_toks, "indirect", "object", tok, inherited)
    # 4. the prepositional object of a verb like 'spoke about', 'called for'
    agree_with = lang.code == "en" and lemma in _AGREE_WITH
    if lemma in lang.topic_cues or lemma in lang.speech or lemma in lang.reply_cues or agree_with:
        allowed = lang.reply_preps if lemma in lang.reply_cues else lang.topic_preps
        if agree_with:
            allowed = frozenset({"with"})  # 'agreed with McLenny', 'disagrees with the ruling'
        preps = [c for c in tok.children if c.i > tok.i and c.dep_ in ("prep", "obl")
                 and c.lower_ in allowed
                 and not (lang.code == "en" and c.lower_ == "for" and lemma not in _FOR_TOPIC
                          and not any(k.dep_ == "pobj" and k.ent_type_ in ("DATE", "TIME") for k in c.children))]
        if lang.code != "en":
            preps = [c for c in tok.children if c.i > tok.i and c.dep_ in ("obl", "obl:arg")
                     and any(k.dep_ == "case" and k.lower_ in lang.topic_preps for k in c.children)]
        if preps and subj is not None:
            p = preps[0]
            if lang.code == "en" and any(k.dep_ == "pobj" and k.ent_type_ in ("DATE", "TIME") for k in p.children):
                # 'complained for years about cracks': the topic is what 'about' introduces
                inner = [k for k in p.subtree if k.i > p.i and k.dep_ == "prep" and k.lower_ in lang.topic_preps]
                p = inner[0] if inner else p
            toks = [t for t in _subtree(p, sent) if not (t.i == p.i and lang.code == "en")]
            toks = [t for t in toks if t.i > p.i] if lang.code == "en" else toks
            toks += _tail(tok, p, sent, lang)
            if all(t.is_punct or t.ent_type_ in ("DATE", "TIME") for t in toks):
                toks = []  # 'spoke on Tuesday': when, not what
            content = _pieces(doc, toks)
            if content:
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes), "topic",
                              tok, inherited)
    if subj is None and not lang.dropped_subject:
        return None
    # 4b. words before the cue's subject, cut off by a comma: 'People like Scott, he said.'
    if cls == "speech" and subj is not None and inherited is None:
        fronted = _fronted(tok, subj, sent)
        if fronted:
            content = _pieces(doc, fronted)
            if content:
                content = _extend_to_quote(doc, content, quotes, tok.idx)
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "inverted", tok, inherited)
    # 4c. what a speech verb says, as its object ('she still says things such as "..."',
    # '73 percent said the same of Trump'); not the addressee of 'told reporters'
    if cls == "speech" and subj is not None and lemma not in _ADDRESSEE_VERBS:
        objs = [c for c in tok.children if c.i > tok.i and c.dep_ in ("dobj", "obj")
                and c.pos_ in ("NOUN", "PRON", "PROPN", "NUM", "ADJ") and c.lower_ not in ("it", "so", "this")]
        if objs:
            toks = [t for c in objs for t in _subtree(c, sent)] + _tail(tok, objs[0], sent, lang)
            content = _pieces(doc, toks)
            if content and sum(not t.is_punct for t in toks) >= 2:
                content = _extend_to_quote(doc, content, quotes, tok.idx)
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "object", tok, inherited)
    # 5. inverted, no complement: '..., sources said.' hangs on the clause it reports
    head = tok.head
    if cls == "speech" and head.i != tok.i and head.i < tok.i and tok.dep_ in (
            "parataxis", "ccomp", "advcl", "conj", "advmod", "dep", "xcomp"):
        while head.dep_ == "conj" and head.head.i < head.i and sent.start <= head.head.i:
            head = head.head  # '..., but the NYPD overruled that request, the source added'
        left = [t for t in _subtree(head, sent) if t.i < tok.left_edge.i]
        between = _text(doc)[_tok_end(left[-1]) if left else lo:lo] if left else ""
        if left and "," in between + "".join(t.text for t in left[-2:]):
            content = _pieces(doc, left)
            if content and tok.dep_ == "parataxis" and "," in (tok.right_edge.text, doc[tok.right_edge.i + 1].text):
                # 'Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt': the
                # clause goes on after the cue
                right = [t for t in _subtree(head, sent) if t.i > tok.right_edge.i]
                if sum(not t.is_punct for t in right) >= 2:
                    content = content + _pieces(doc, right)
            if content:
                content = _extend_to_quote(doc, content, quotes, tok.idx)
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "inverted", tok, inherited)
    if subj is None:
        return None
    # 6. a parenthetical cue: 'The benefit, it says, would be $300.'
    if cls == "speech" and tok.dep_ == "parataxis" and head.i != tok.i and head.i > tok.i:
        cue_ids = {t.i for t in tok.subtree}
        toks = [t for t in _subtree(head, sent) if t.i not in cue_ids]
        before = doc[tok.left_edge.i - 1] if tok.left_edge.i > sent.start else None
        if (tok.left_edge.text == "," or (before is not None and before.text == ",")) and toks:
            content = _pieces(doc, toks)
            if content:
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "inverted", tok, inherited)
    # 7. a cue that ends in a colon: the rest of the paragraph
    if cls == "speech":
        return _colon(doc, tok, subj, src_toks, cue_span, quotes, inherited)
    return None


def _colon(doc: Doc, tok: Token, subj: Token | None, src_toks: list[Token], cue_span: TextSpan,
           quotes: list[tuple[int, int]], inherited: Token | None) -> _Found | None:
    """A cue that ends in a colon: the rest of its paragraph, or the next paragraph when the
    colon ends the line ('The governor added:')."""
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if subj is not None and nxt is not None and nxt.text == ":":
        start = _tok_end(nxt)
        para_end = _text(doc).find("\n", start)
        para_end = len(_text(doc)) if para_end == -1 else para_end
        text = _text(doc)[start:para_end]
        if not text.strip() and para_end < len(_text(doc)):
            # 'The governor added:' and the words in the paragraph after it
            start = para_end
            while start < len(_text(doc)) and _text(doc)[start].isspace():
                start += 1
            para_end = _text(doc).find("\n", start)
            para_end = len(_text(doc)) if para_end == -1 else para_end
            text = _text(doc)[start:para_end]
        stripped = text.strip()
        if stripped:
            a = start + text.index(stripped)
            content = (_span(doc, a, a + len(stripped)),)
            return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes), "colon",
                          tok, inherited)
    return None


def _shared_conj(tok: Token, comps: list[Token], sent: Any, lang: _Lang) -> list[Token]:
    """'is promising to meet and in some cases exceed his goals': a verb conjoined to the cue
    after its infinitive, with no subject of its own and no cue of its own, shares the cue."""
    if not any(c.dep_ == "xcomp" for c in comps):
        return []
    last = max(t.i for c in comps for t in c.subtree)
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ == "conj" and c.i > last and c.tag_ == "VB" and _is_cue_verb(c, lang) is None \
                and not any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children) \
                and not any(t.is_punct and t.text in ".;:" for t in tok.doc[last + 1:c.i]):
            out += [t for t in _subtree(c, sent)]
    return out


# (not 'is expected to', 'is estimated to': the outlet's own hedged voice, as the fixtures label it)
_PASSIVE_CUES = frozenset({"accuse", "blame", "criticize", "criticise", "charge", "announce",
                           "praise", "condemn", "reject", "predict", "describe", "suspect", "allege",
                           "deny", "dispute", "question", "cite", "credit"})


def _agentless_passive(tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> list[Token]:
    """'Mr. Quiros was accused of using $50 million', 'The plan was criticized as too costly':
    a passive cue with no agent credits its subject and what follows to no one named (an
    anonymous source)."""
    if _cue_lemma(tok, lang) not in _PASSIVE_CUES or tok.tag_ != "VBN":
        return []
    if not any(c.dep_ == "auxpass" for c in tok.children) or any(c.dep_ in ("agent", "neg") for c in tok.children):
        return []  # (negated: 'has not been charged with any crime' credits no one with anything)
    if any(k.lower_ in ("neither", "no", "none", "nobody") for c in tok.children if c.dep_ == "nsubjpass"
           for k in c.subtree):
        return []
    if any(qs <= tok.idx < qe for qs, qe in quotes):
        return []
    pas = [c for c in tok.children if c.dep_ == "nsubjpass" and c.i < tok.i and c.pos_ != "PRON"]
    rest = [c for c in tok.children if c.i > tok.i and c.dep_ in ("prep", "xcomp", "oprd", "ccomp", "advcl")
            and not (c.dep_ == "prep" and c.lower_ in ("in", "on", "at", "after", "before", "during", "since"))]
    if not pas or not rest:
        return []
    return _subtree(pas[0], sent) + [t for c in rest for t in _subtree(c, sent)]


_ADDRESSEE_VERBS = frozenset({"tell", "ask", "inform", "remind", "assure", "warn", "urge", "encourage",
                              "accuse", "blame", "praise", "criticize", "criticise", "question",
                              "thank", "answer",
                              # verbs whose object is seldom a message ('reporting gains',
                              # 'maintains a program', 'pointing a gun')
                              "report", "disclose", "maintain", "point", "post"})


def _lead_in(doc: Doc, sent: Any, q: tuple[int, int], lo: int) -> tuple[int, int]:
    """A partial quotation before its cue takes the words of its sentence before it
    ('Using the tax "is a misguided approach," said X' credits the whole clause)."""
    qs, qe = q
    if qe > lo or not sent.start_char < qs:
        return q
    lead = _text(doc)[sent.start_char:qs]
    if "\n" in lead or any(ch in lead for ch in "\"“”«»„") or "''" in lead or len(lead.split()) < 2:
        return q
    return (sent.start_char + len(lead) - len(lead.lstrip()), qe)


_REACTIONS = frozenset({"welcome", "applaud", "praise", "hail", "condemn", "denounce", "criticize",
                        "back",
                        "criticise", "oppose", "support", "endorse", "back", "reject", "attack",
                        "blast", "slam"})


def _short_definite(toks: list[Token]) -> bool:
    """A short definite noun phrase ('the ruling', 'this decision'): names an event, says nothing."""
    words = [t for t in toks if not t.is_punct]
    return (0 < len(words) <= 3 and words[0].lower_ in ("the", "this", "that")
            and not any(t.pos_ in ("VERB", "AUX", "PROPN") for t in words))


def _mere_reaction(lemma: str, toks: list[Token]) -> bool:
    """'X welcomed the ruling', 'Y condemned the decision': a reaction to an event named by a
    short definite noun phrase says nothing of its own (the outlet reports it)."""
    return lemma in _REACTIONS and _short_definite(toks)


_TAIL_STOP = frozenset({"conj", "cc", "punct", "parataxis", "advcl", "mark", "dep", "ccomp", "nsubj",
                        "relcl", "acl"})


def _tail(tok: Token, first: Token, sent: Any, lang: _Lang) -> list[Token]:
    """The rest of the cue's clause after its first content word ('cited remarks Trump made
    **as examples of disrespect**', 'called her vote **in favor of the war** a mistake',
    'complained about his mic **the morning after the debate**'), English only: its other
    dependents to the right, up to a new clause."""
    if lang.code != "en":
        return []
    return [t for c in tok.children if c.i > first.i and c.dep_ not in _TAIL_STOP
            for t in _subtree(c, sent)]


def _name_after_quote(doc: Doc, sent: Any, src_toks: list[Token]) -> list[Token]:
    """'"Q," Tulsa police Chief Chuck Jordan said': capitalised entity words between a closing
    quotation mark and the source, parsed into the quotation, belong to the source's name."""
    if not src_toks:
        return src_toks
    k = min(t.i for t in src_toks) - 1
    extra: list[Token] = []
    while k > sent.start and doc[k].text[:1].isupper() and doc[k].ent_type_ and not doc[k].is_punct:
        extra.insert(0, doc[k])
        k -= 1
    if extra and doc[k].text in _QUOTE_CHARS:
        return extra + src_toks
    return src_toks


def _after_quote(doc: Doc, tok: Token, sent: Any, quotes: list[tuple[int, int]]) -> tuple[Token, list[Token]] | None:
    """'"Q," Flynn, a top Trump surrogate, said Thursday.' parsed with 'Flynn' hung on a word
    inside the quotation (or 'Tulsa' read as a verb): the noun phrase between the closing mark
    and the cue is the source. Returns its head (the last noun before any comma) and its words."""
    text = _text(doc)
    ends = [qe for qs, qe in quotes if qe <= tok.idx]
    if not ends or "\n" in text[max(ends):tok.idx]:
        return None
    between = [t for t in sent if max(ends) <= t.idx < tok.idx and t.text not in _QUOTE_CHARS]
    words = [t for t in between if not _is_punct(t)]
    if not words or len(words) > 12 or text[max(ends):words[0].idx].strip(" ,"):
        return None
    if any(t.pos_ in ("VERB", "AUX") and not (t.ent_type_ and t.text[:1].isupper()) for t in words):
        return None
    if words[0].pos_ not in ("PROPN", "DET", "NOUN", "PRON") and not words[0].ent_type_:
        return None
    first = [t for t in words if t.i < next((p.i for p in between if p.text == ","), tok.i)]
    nouns = [t for t in first if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if not nouns:
        return None
    while between and _is_punct(between[-1]):
        between = between[:-1]
    return nouns[-1], between


def _inverted_acl(doc: Doc, tok: Token, sent: Any, quotes: list[tuple[int, int]]) -> _Found | None:
    """'The deal is off, a senior official who asked not to be named said.' parsed with
    'said' as a modifier of 'official': the noun is the source, the clause before the comma
    the content."""
    noun = tok.head
    if tok.dep_ not in ("acl", "relcl") or noun.i >= tok.i or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    if tok.tag_ not in ("VBD", "VBN", "VBZ") or any(c.dep_ in ("dobj", "ccomp", "obj") for c in tok.children):
        return None
    left = noun.left_edge
    if left.i <= sent.start or doc[left.i - 1].text != ",":
        return None
    cue_ids = {t.i for t in tok.subtree}
    src_toks = [t for t in _subtree(noun, sent) if t.i not in cue_ids]
    content = _pieces(doc, [t for t in sent if t.i < left.i - 1])
    if not content:
        return None
    content = _extend_to_quote(doc, content, quotes, tok.idx)
    return _Found(content, _span(doc, tok.idx, _tok_end(tok)), noun, src_toks,
                  _kind(doc, content, quotes), "inverted", tok)


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One attribution per (content, source): a cue conjoined to another with the same
    content ('said and added') keeps the first."""
    seen: set[tuple[int, int, int]] = set()
    out = []
    for f in found:
        key = (f.content[0].start, f.content[-1].end,
               f.source_head.i if f.source_head is not None else -1)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out

