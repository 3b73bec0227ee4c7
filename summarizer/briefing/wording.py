"""Statements told in their speakers' own words, for the note's templated prose: "The
Alvora Transport Authority says the bridge had passed ...; a former inspector says ...".
Used for the explanation of a scored relation and for the bottom line's widest contradiction,
so neither is model text."""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.grounding import normalize
from . import conflicts
from .models import ComparisonMember
from .text import clean_text

__all__ = ["clause", "relation_reason", "said", "says", "who"]

_OPENING = {
    "contradict": "The sources contradict each other",
    "agree": "The sources agree",
    "add_detail": "The sources add to each other",
}


def relation_reason(relation: str, members: list[ComparisonMember]) -> str:
    """A scored relation explained in the members' own words, one statement per article:
    "The sources agree: the Authority says ...; a former inspector says ..."."""
    sides: dict[str, ComparisonMember] = {}
    for m in members:
        sides.setdefault(m.article, m)
    return f"{_OPENING[relation]}: {said(sides.values())}."


def said(members: Iterable[ComparisonMember]) -> str:
    """"X says ...; Y say ..." for ``members``; the same speaker saying the same thing in two
    outlets is said once."""
    phrases: dict[str, str] = {}
    for m in members:
        phrase = f"{who(m)} {says(m)} {clause(m.text)}"
        phrases.setdefault(normalize(phrase), phrase)
    return "; ".join(phrases.values())


def who(m: ComparisonMember) -> str:
    """A member's speaker as the subject of "says" ("a former inspector", "The Alvora Ledger")."""
    if m.speaker_type == "anonymous" and not m.speaker.lower().startswith(("a ", "an ", "the ")):
        return ("an " if m.speaker[:1].lower() in "aeiou" else "a ") + m.speaker
    return m.speaker


def says(m: ComparisonMember) -> str:
    """"say" after a plural unnamed group ("Residents say"), else "says"."""
    last = m.speaker.rsplit(" ", 1)[-1]
    plural = m.speaker_type == "group" and last.endswith("s") and not last.endswith("ss")
    return "say" if plural else "says"


def clause(text: str) -> str:
    """A statement as the object of "says": no final stop, and a lower-case first word unless
    the parse (when the English parser is pulled) reads it as a proper noun."""
    text = clean_text(text).rstrip(" .;:")
    first = text.split(" ", 1)[0]
    if not first[:1].isupper() or first.isupper():
        return text
    if first.lower() not in {"the", "a", "an", "it", "its", "this", "there"} and conflicts.nlp_available():
        doc = conflicts.load_nlp()(text)
        if len(doc) and doc[0].pos_ == "PROPN":
            return text
    return text[:1].lower() + text[1:]
