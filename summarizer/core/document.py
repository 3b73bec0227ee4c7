"""Articles and their sentences.

The article is split into numbered sentences with exact character offsets. The model cites
sentence ids; the library turns them into :class:`~summarizer.core.models.Evidence` spans, so every
span slices the source exactly by construction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property

__all__ = ["Document", "Sentence", "split_sentences"]

# Abbreviations that end with a period but rarely end a sentence in news copy.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "inc", "corp", "ltd", "co", "vs", "etc", "no", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
    "e.g", "i.e", "a.m", "p.m", "approx", "dept", "est", "fig", "mt", "ft", "pres",
}

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"([.!?]+|[。！？]+)([\"'”’»)\]]*)(\s+|(?=[^\s\"'”’»)\]]))")
_NEWLINES = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the source: 1-based ``id`` and exact offsets (``text == source[start:end]``)."""

    id: int
    start: int
    end: int
    text: str


def _split_line(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(2)
        punct = m.group(1)
        ws = m.group(3)
        if not ws and punct not in "。！？" and not punct[-1] in "。！？":
            continue  # "3.5", "U.S.A" inside a word: not a boundary
        before = text[pos : m.start(1)]
        last_word = re.split(r"\s", before)[-1].lower().lstrip("(\"'“‘")
        if punct == "." and (last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word)):
            continue
        # the next sentence should start with an upper-case letter, digit, quote or non-Latin
        nxt = text[m.end() : m.end() + 2]
        if ws and nxt and nxt[0].islower():
            continue
        spans.append((pos, end))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if chunk.strip():
            out.append((offset + s + lead, offset + e - trail))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with exact offsets.

    Lines are split first (headlines, datelines and captions are sentences of their own),
    then each line at terminal punctuation, respecting common abbreviations and closing quotes.

    >>> [s.text for s in split_sentences('He said "yes." Then he left.')]
    ['He said "yes."', 'Then he left.']
    >>> [s.text for s in split_sentences('She lives at No. 5 Main St. in Springfield.')]
    ['She lives at No. 5 Main St. in Springfield.']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in list(_NEWLINES.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        line = text[pos:end]
        if line.strip():
            spans.extend(_split_line(line, pos))
        if m:
            pos = m.end()
    return [Sentence(i + 1, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]


@dataclass
class Document:
    """An article to analyse, with optional metadata.

    Args:
        text: the article text (already decoded; see :func:`summarizer.core.inputs.read_document`).
        id: a stable identifier (file name, JSONL id); defaults to a hash of the text.
        title, outlet, date, url: optional metadata, carried into results and briefings.
        extracted_from: set when the text was extracted from HTML or another format.
    """

    text: str
    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    extracted_from: str | None = None
    language: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        """The id if given, else a short content hash."""
        return self.id or self.sha256[:16]

    @cached_property
    def visible(self) -> list[Sentence]:
        """The sentences shown to the model: exact repeats (duplicated captions, paragraphs)
        and, in articles of more than five sentences, one-to-three-word lines without
        terminal punctuation (section labels, bylines, "Photo: VCG") are left out. Ids keep
        their numbering, so every id still maps to the same offsets."""
        seen: set[str] = set()
        shown = []
        many = len(self.sentences) > 5
        for s in self.sentences:
            key = " ".join(s.text.split()).lower()
            if key in seen:
                continue
            seen.add(key)
            if many and len(s.text.split()) <= 3 and s.text[-1] not in ".!?。！？\"”":
                continue
            shown.append(s)
        return shown or list(self.sentences)

    def numbered(self, notes: dict[int, str] | None = None) -> str:
        """The article as the model sees it: one ``[id] sentence`` per line, followed by
        ``{note}`` where ``notes`` has one for that id (e.g. attribution hints)."""
        notes = notes or {}
        return "\n".join(
            f"[{s.id}] {s.text}" + (f" {{{notes[s.id]}}}" if s.id in notes else "")
            for s in self.visible
        )
