"""Spans of the article read off the parse: quotations, token runs as exact character spans.

Everything here is about *where* text is: :class:`TextSpan` (global character offsets),
:func:`quotations` (quotation marks paired paragraph by paragraph), contiguous runs of tokens
as spans with their edge punctuation stripped, a token's subtree within its sentence and
paragraph, and whether a content span is quoted. Internal to :mod:`summarizer.nlp`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["TextSpan", "quotations"]

Token = Any  # spacy.tokens.Token (spaCy is an optional dependency: no import at module level)
Doc = Any


@dataclass(frozen=True)
class TextSpan:
    """A piece of the article: ``text == article[start:end]`` (global character offsets)."""

    start: int
    end: int
    text: str


_OPEN, _CLOSE = "“«„", "”»"
_EDGE_PUNCT = set(",;:—–-()[]") | {"--"}
_QUOTE_CHARS = set('"“”«»„') | {"''", "``"}


def quotations(text: str) -> list[tuple[int, int]]:
    """Quotation spans ``(start, end)`` including their marks, paragraph by paragraph.

    Curly and angle marks pair as opening/closing; straight double quotes alternate. A
    quotation still open at the end of a paragraph closes there (a quote that runs over
    several paragraphs reopens each one).

    >>> t = 'He said "no." Then: “Yes. Maybe,” she said.'
    >>> [t[a:b] for a, b in quotations(t)]
    ['"no."', '“Yes. Maybe,”']
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para.startswith("\n"):
            pos += len(para)
            continue
        opened: int | None = None
        straight = False
        skip = False
        for i, ch in enumerate(para):
            if skip:
                skip = False
                continue
            double = para.startswith("''", i)  # '' for " (as some wires and archives write it)
            if ch == '"' or double:
                skip = double
                width = 2 if double else 1
                if opened is None:
                    opened, straight = pos + i, True
                elif straight:
                    out.append((opened, pos + i + width))
                    opened = None
            elif opened is None and (ch in _OPEN or (ch in _CLOSE and (i == 0 or para[i - 1].isspace())
                                                     and para[i + 1: i + 2].isalnum())):
                opened, straight = pos + i, False  # (a '”' that opens a paragraph: a typo for '“')
            elif ch in _CLOSE and opened is not None and not straight:
                out.append((opened, pos + i + 1))
                opened = None
        if opened is not None:
            end = pos + len(para.rstrip())
            if end - opened > 1:
                out.append((opened, end))
        pos += len(para)
    return out


def _span(doc: Doc, start: int, end: int) -> TextSpan:
    return TextSpan(start, end, _text(doc)[start:end])


def _tok_end(tok: Token) -> int:
    return int(tok.idx + len(tok.text))


def _is_punct(tok: Token) -> bool:
    return bool(tok.is_punct or tok.text in _QUOTE_CHARS or tok.is_space)


def _pieces(doc: Doc, toks: Iterable[Token], *, keep_quotes: bool = True) -> tuple[TextSpan, ...]:
    """Contiguous runs of ``toks`` as spans, edge punctuation stripped (quote marks kept
    when their partner is inside the run)."""
    ordered = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
    runs: list[list[Token]] = []
    for t in ordered:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and (run[0].text in _EDGE_PUNCT or run[0].is_space or run[0].text in "'’"):
            run = run[1:]
        while run and (run[-1].text in _EDGE_PUNCT or run[-1].text in ".!" or run[-1].is_space):
            run = run[:-1]
        if keep_quotes:
            text = "".join(t.text_with_ws for t in run)
            if run and run[0].text in _QUOTE_CHARS and _quote_balance(text) > 0:
                run = run[1:]
            text = "".join(t.text_with_ws for t in run)
            if run and run[-1].text in _QUOTE_CHARS and _quote_balance(text) < 0:
                run = run[:-1]
        while run and (run[0].text in _EDGE_PUNCT or run[0].is_space):
            run = run[1:]
        while run and (run[-1].text in _EDGE_PUNCT or run[-1].is_space):
            run = run[:-1]
        if run and not all(_is_punct(t) for t in run):
            out.append(_span(doc, run[0].idx, _tok_end(run[-1])))
    return tuple(out)


def _quote_balance(text: str) -> int:
    """Opening minus closing marks (straight quotes: +1 when odd)."""
    curly = sum(text.count(c) for c in _OPEN) - sum(text.count(c) for c in _CLOSE)
    return curly + ((text.count('"') + text.count("''")) % 2)


def _subtree(tok: Token, sent: Any) -> list[Token]:
    """``tok``'s subtree within its sentence and its paragraph (a caption or heading the
    parser glued to the sentence is left out)."""
    text = _text(tok.doc)
    lo = text.rfind("\n", 0, tok.idx) + 1
    hi = text.find("\n", tok.idx)
    hi = len(text) if hi == -1 else hi
    return [t for t in tok.subtree if sent.start <= t.i < sent.end and lo <= t.idx < hi]


def _lower_lemma(tok: Token) -> str:
    return str(tok.lemma_ or tok.text).lower()


def _text(doc: Doc) -> str:
    """``doc.text`` (joined anew by spaCy on every access), read once per doc."""
    text = doc.user_data.get("_attribution_text")
    if text is None:
        text = doc.user_data["_attribution_text"] = doc.text
    return str(text)


def _ents(doc: Doc) -> tuple[Any, ...]:
    """``doc.ents`` (rebuilt by spaCy on every access), read once per doc."""
    cached = doc.user_data.get("_attribution_ents")
    if cached is None:
        cached = doc.user_data["_attribution_ents"] = tuple(doc.ents)
    return tuple(cached)



def _inside_ccomp(tok: Token, q: tuple[int, int]) -> bool:
    return any(c.dep_ in ("ccomp", "parataxis") and q[0] <= c.idx < q[1] for c in tok.children)


def _extend_to_quote(doc: Doc, content: tuple[TextSpan, ...], quotes: list[tuple[int, int]],
                     cue_at: int) -> tuple[TextSpan, ...]:
    """A complement that starts or ends inside a quotation opened in an earlier sentence
    takes the whole quotation (unless the cue is inside it: 'I think' within a quote)."""
    a, b = content[0].start, content[-1].end
    for qs, qe in quotes:
        if qs <= cue_at < qe:
            continue
        if qs < a < qe <= b + 2 or (qs <= a and b <= qe and qe - qs < 3 * (b - a) + 400):
            if qs < a and (qe >= b - 2):
                return (_span(doc, qs, max(qe, b)),)
    return content


def _kind(doc: Doc, content: tuple[TextSpan, ...], quotes: list[tuple[int, int]]) -> str:
    total = sum(s.end - s.start for s in content)
    quoted = sum(max(0, min(s.end, qe) - max(s.start, qs)) for s in content for qs, qe in quotes)
    return "direct" if total and quoted / total >= 0.8 else "indirect"

