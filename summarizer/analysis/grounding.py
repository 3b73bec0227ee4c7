"""Matching text against the article: normalisation and content words (for matching only).

Every check that a model's or a parser's text is stated by the article uses these: the
summary task's checks (:mod:`summarizer.analysis.summary`), the chunk merge, the briefing,
the eval metrics. Evidence spans themselves are exact slices of the article.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["GROUNDING_VERSION", "MIN_SUPPORT", "content_words", "normalize"]

MIN_SUPPORT = 0.25
"""Share of a text's content words that must occur in the sentences said to state it."""

_QUOTE_CHARS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
                "`": "'", "´": "'", "″": '"', "「": '"', "」": '"', "『": '"', "』": '"'}
_QUOTE_TABLE = str.maketrans(_QUOTE_CHARS)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w[\w'\-]*", re.UNICODE)

_STOPWORDS = set(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    that this these those it its it's he she they them his her their we our you your i me my
    will would should could can may might must shall do does did has have had not no nor so
    than then there here which who whom whose what when where why how all any both each more
    most other some such only own same too very just also said says say told according about
    into over after before between during under again further once up down out off new""".split()
)

GROUNDING_VERSION = "5"
"""Bumped whenever the checks or the attribution rules change what an analysis contains;
part of every response-cache key, so cached analyses made by older rules are not reused.
1: the rules and checks of the 1.5B baseline (evals/baselines/legacy-engine/qwen2.5-coder-1.5b);
2: six attribution-rule fixes, 'speaker is a piece of the text' check (claims and stance
   holders), category-word stance targets ('policy') rejected, repeated stances merged;
3: Spanish and French cue lists (rule claims and hints for articles in those languages);
4: a key point that keeps one of two named parties ("Russia will ...", cited to "Russia and
   North Korea will ...") gets the other back (:func:`summarizer.analysis.summary.restore_pairs`);
5: a key point's lead-in credits only the cited sentences that add words to it (a sentence
   that shares words but states something else credits no one)."""


def normalize(text: str) -> str:
    """Lower-case text with unified quote marks, dashes and whitespace (for matching only)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE)
    text = _DASHES.sub("-", text)
    return _WS.sub(" ", text).strip().lower()


def _stem(word: str) -> str:
    return word[:5]


def content_words(text: str) -> set[str]:
    """Stemmed content words of ``text`` (stop words and one-letter tokens removed)."""
    words = _WORD.findall(normalize(text))
    return {_stem(w.strip("'-")) for w in words if len(w) > 1 and w not in _STOPWORDS}
