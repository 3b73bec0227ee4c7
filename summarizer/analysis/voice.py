"""Key points read with the parse: is it a statement, and who says it.

A key point that copies a source's words without naming the source turns a claim into a fact
("Russia will become closer partners" cites "Chinese experts said Russia ... will become closer
partners"). :class:`PointReader` reads each key point the model wrote with the article's parser:

* a key point without a finite verb ("19 bodies brought to the city's two hospitals") is a
  fragment, not a statement: when one short sentence it cites states it (at least
  :data:`RESTATE_SHARE` of its content words, at most :data:`RESTATE_MAX_WORDS` words), that
  sentence replaces it, attribution and all (:meth:`PointReader.restate`; a small model asked
  again mostly repeats the fragment, ~6 s a time); otherwise it is rejected (and re-asked when
  the summary is short), unless what it cites has no verb either (a table row);
* when every sentence it cites carries a source's attribution and the key point names none of
  them and has no reporting word, the attribution is restored in front of it, from the parse
  ("According to Chinese experts, Russia will ..."): the speakers come from the claims, not
  from the model, and only a name the cited sentences contain is used (so the key point
  still verifies by its own evidence). In a language without a lead-in here, it is rejected
  instead.

Usage::

    reader = PointReader(lambda t: parse_text(t, "en", parsers), {9: ["Chinese experts"]}, "en")
    reader.read("Russia will become closer partners.", [9], [doc.sentences[8].text])
    # ('According to Chinese experts, Russia will become closer partners.', None)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..nlp.cues import LANGUAGES
from .grounding import content_words

__all__ = ["LEAD_INS", "RESTATE_MAX_WORDS", "RESTATE_SHARE", "PointReader", "credit_name", "is_statement"]

LEAD_INS: dict[str, str] = {"en": "According to {names}, ", "fr": "Selon {names}, ",
                            "es": "Según {names}, "}
"""How a key point credits its source, per language."""
_AND = {"en": " and ", "fr": " et ", "es": " y "}
RESTATE_SHARE = 0.8
"""Share of a fragment's content words a cited sentence must hold to replace it."""
RESTATE_MAX_WORDS = 40
"""A longer cited sentence is no key point: the fragment is re-asked instead."""


_DETERMINERS = {"en": ("a", "an", "the"), "fr": ("le", "la", "les", "l'", "un", "une", "des"),
                "es": ("el", "la", "los", "las", "un", "una")}


def credit_name(speaker: str, mention: str | None, speaker_type: str, language: str,
                common_first: bool = False) -> str:
    """How a key point names a source: the mention as written when it is short and not a
    pronoun ("RIA Novosti news agency", "the ministry"), else the resolved name; an unnamed
    person gets an article in English ("a Beijing-based military expert"). ``common_first``:
    the mention's first word is a common word (the parse says so) capitalised only because it
    began the sentence ("Engineers who examined the wreckage")."""
    name = speaker
    if mention and 1 < len(mention.split()) <= 5 and mention[:1].isalpha():
        name = mention
    first, _, rest = name.partition(" ")
    if common_first and name == mention and first[:1].isupper() and not first.isupper():
        name = name[:1].lower() + name[1:]  # "Engineers who examined ..." began its sentence
        first = first.lower()
    if rest and first.lower() in _DETERMINERS.get(language, ()):
        name = f"{first.lower()} {rest}"  # "According to the ministry", not "to The ministry"
    elif language == "en" and speaker_type == "anonymous":
        name = ("an " if name[:1].lower() in "aeiou" else "a ") + name
    return name


def is_statement(doc: Any) -> bool:
    """Does the parsed text have a finite verb (or auxiliary)? A headline-like noun phrase or a
    bare participle clause does not."""
    return any("Fin" in t.morph.get("VerbForm") for t in doc)


class PointReader:
    """Checks the key points of one article (see the module docstring).

    Args:
        parse: text → spaCy ``Doc`` in the article's language.
        sources: sentence id → the speakers whose attributed content is in that sentence
            (the outlet's own voice left out).
        language: ISO code of the article.
    """

    def __init__(self, parse: Callable[[str], Any], sources: Mapping[int, Sequence[str]],
                 language: str) -> None:
        self.parse = parse
        self.sources = sources
        self.language = language
        lang = LANGUAGES.get(language)
        # reporting verbs only: "the agreement" or "the plan" in a key point credits no one
        self._cues = (lang.speech | lang.belief | lang.intent) if lang else frozenset()
        self._according = lang.according if lang else ()

    def restate(self, text: str, cited_texts: Sequence[str]) -> int | None:
        """For a key point that is a fragment, the index (into ``cited_texts``) of the short
        cited sentence that states it, to be used in its place; ``None`` when ``text`` is a
        statement or no cited sentence qualifies."""
        if not cited_texts or is_statement(self.parse(text)):
            return None
        words = content_words(text)
        best: tuple[float, int] | None = None
        for k, t in enumerate(cited_texts):
            if len(t.split()) > RESTATE_MAX_WORDS or not words:
                continue
            share = len(words & content_words(t)) / len(words)
            if share >= RESTATE_SHARE and is_statement(self.parse(t)) and (best is None or share > best[0]):
                best = (share, k)
        return best[1] if best else None

    def read(self, text: str, cited: Sequence[int], cited_texts: Sequence[str] = ()
             ) -> tuple[str, str | None]:
        """The key point as it should read (attribution restored), and a problem or ``None``.
        A fragment is a problem only when a cited sentence is itself a statement (a table row
        or a list line cited as it stands is not held to more than its source)."""
        doc = self.parse(text)
        if not is_statement(doc) and any(is_statement(self.parse(t)) for t in cited_texts):
            return text, (f"'{text[:60]}' is not a sentence (it has no verb); state what the cited "
                          "sentences report, as one full sentence")
        if not cited or any(not self.sources.get(i) for i in cited):
            return text, None  # some of it is the outlet's own voice: no one else to credit
        # the speakers of the cited sentences that state it (a key point citing the
        # Authority's sentence and the engineers' next to it is the Authority's), and of those
        # only the ones that add words the fuller sentences do not already give (citing RIA
        # Novosti's "signed an agreement" and the experts' "by signing the agreement, ... will
        # become closer partners" for "signed an agreement" is RIA Novosti's)
        words = content_words(text)
        cited_sets = [content_words(t) for t in cited_texts]
        shares = [len(words & c) for c in cited_sets]
        best = max(shares, default=0)
        stating = list(cited)
        if shares:
            covered: set[str] = set()
            kept = set()
            for k in sorted(range(len(shares)), key=lambda k: -shares[k]):
                if shares[k] * 2 >= best and (words & cited_sets[k]) - covered:
                    kept.add(k)
                    covered |= words & cited_sets[k]
            stating = [i for k, i in enumerate(cited) if k in kept]
        names = list(dict.fromkeys(n for i in stating for n in self.sources[i]))
        if self._credits(doc, names):
            return text, None
        # a name the cited sentences do not contain ("she said" resolved to Carla Jennings)
        # would make the key point unverifiable by its own evidence: credit only named ones
        if cited_sets:
            cited_words = set().union(*cited_sets)
            names = [n for n in names if content_words(n) and content_words(n) <= cited_words]
            if not names:
                return text, None
        lead = LEAD_INS.get(self.language)
        if lead is None:
            return text, (f"sentences {list(cited)} report what {', '.join(names)} say; say who "
                          "says it")
        first = doc[0] if len(doc) else None
        keep_case = first is not None and (first.pos_ == "PROPN" or first.text.isupper()
                                           or first.text == "I")
        body = text if keep_case else text[:1].lower() + text[1:]
        return lead.format(names=_AND.get(self.language, ", ").join(names)) + body, None

    def _credits(self, doc: Any, names: Sequence[str]) -> bool:
        named = set().union(*(content_words(n) for n in names)) if names else set()
        if named & content_words(doc.text):
            return True
        if any(t.pos_ == "VERB" and t.lemma_.lower() in self._cues for t in doc):
            return True
        words = [t.lower_ for t in doc]
        return any(tuple(words[i:i + len(seq)]) == seq for seq in self._according
                   for i in range(len(words)))
