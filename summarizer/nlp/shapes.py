"""Content shapes: the parts of a parse that make up what a cue verb introduces when it is not a
plain clausal complement: a request's object and infinitive ('told his aides to find a way'),
a wh-clause the parse reads as an adverbial clause ('have not said when they would vote'), the
subject of a passive cue with an agent ('was reported by the Post'), words fronted before an
inverted cue ('People like Scott, he said'), and a content that runs on over a sentence
boundary the parser put inside a clause. Used by :mod:`summarizer.nlp.finders`; internal to
:mod:`summarizer.nlp`.
"""

from __future__ import annotations

from typing import Any

from .spans import _subtree, _text, _tok_end

__all__: list[str] = []

Token = Any  # spacy.tokens.Token
Doc = Any


_WH = frozenset({"whether", "how", "why", "what", "who", "which"})
_WH_TIME = frozenset({"when", "where", "if"})  # also adverbs of time, place, condition
_MODALS = frozenset({"would", "will", "could", "should", "might", "may", "can"})


def _object_infinitive(tok: Token) -> list[Token]:
    """'told his advisers to find a way', 'warned officials to boost security': the object and
    the infinitive after it (a speech verb's request)."""
    objs = [c for c in tok.children if c.dep_ in ("dobj", "obj") and c.i > tok.i]
    infs = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")
            and objs and c.i > objs[0].i and any(k.dep_ == "aux" and k.lower_ == "to" for k in c.children)]
    return [objs[0], infs[0]] if infs else []


def _wh_clause(tok: Token) -> list[Token]:
    """'have not said when they would vote', 'explained how it works': a wh-clause the parse
    reads as an adverbial clause. 'when', 'where' and 'if' only with a modal ('said when they
    would vote'; not 'said so when she resigned'), and only for a cue with no object."""
    if any(c.dep_ in ("dobj", "obj") for c in tok.children):
        return []
    return [c for c in tok.children if c.dep_ == "advcl" and c.i > tok.i and c.left_edge.i > tok.i
            and (c.left_edge.lower_ in _WH or (c.left_edge.lower_ in _WH_TIME and any(
                k.dep_ == "aux" and k.lower_ in _MODALS for k in c.children)))][:1]


def _passive_content(tok: Token, subj: Token | None, sent: Any) -> list[Token]:
    """The subject of a passive cue whose source is its agent ('was reported by X')."""
    if subj is None or subj.dep_ != "pobj" or subj.head.dep_ != "agent" or subj.head.head.i != tok.i:
        return []
    pas = [c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj:pass") and c.i < tok.i]
    if not pas:
        return []
    toks = _subtree(pas[0], sent)
    return toks if any(not t.is_punct for t in toks) else []


_FRONTED_DEPS = frozenset({"dep", "dobj", "obj", "nsubj", "attr", "oprd"})


def _fronted(tok: Token, subj: Token, sent: Any) -> list[Token]:
    """'People like Scott, he said.': a phrase before the cue's subject, ended by a comma, that
    the parse hangs on the cue (three words or more, not a date)."""
    for c in tok.children:
        if c.dep_ not in _FRONTED_DEPS or c.i == subj.i or c.right_edge.i >= subj.left_edge.i:
            continue
        nxt = tok.doc[c.right_edge.i + 1]
        toks = _subtree(c, sent)
        words = [t for t in toks if not t.is_punct]
        if nxt.text == "," and len(words) >= 3 and not all(t.ent_type_ in ("DATE", "TIME") for t in words):
            return toks
    return []


_END_MARKS = frozenset({".", "!", "?", "...", "…", ":", ";"})


def _run_on(doc: Doc, toks: list[Token], sent: Any) -> list[Token]:
    """Content that stops at a sentence boundary the parser put in the middle of a clause
    ('mentioned disparaging remarks | Trump had made about her'): no end mark before it and
    no line break; the next sentence's words belong to the same clause."""
    if not toks:
        return []
    last = max(t.i for t in toks)
    end = sent.end
    while end - 1 > last and doc[end - 1].is_space:
        end -= 1
    if last != end - 1 or end >= len(doc) or doc[last].is_punct or doc[last].text in _END_MARKS:
        return []
    nxt = doc[end]
    if "\n" in _text(doc)[_tok_end(doc[last]):nxt.idx] or not nxt.sent.start == end \
            or nxt.is_punct or nxt.text[:1].isupper() and nxt.pos_ not in ("PROPN", "PRON"):
        return []
    return [t for t in nxt.sent if not t.is_space and "\n" not in t.text]
