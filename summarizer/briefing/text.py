"""Prose that reads clean: no sentence ids or wire markup, no text cut mid-sentence, every
sentence supported by what it cites, and a relation label that agrees with its explanation.

Pure functions, no model; used by :mod:`summarizer.briefing` on everything it renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..analysis.grounding import MIN_SUPPORT, content_words

__all__ = ["clean_text", "label_conflicts_reason", "supported", "whole_sentences"]

_IDS = re.compile(
    r"\[(?:[A-Z]:)?\d+(?:\s*[,-]\s*(?:[A-Z]:)?\d+)*\]"      # [5], [A:3], [1, 2], [3-4]
    r"|\[(?:[DG]\d+)(?:\s*,\s*[DG]\d+)*\]"                   # [D1], [G2, D3]
    r"|\((?:agree|contradict|add_detail|unrelated)\)"        # the relation prefix of a point
    r"|\{\s*source\s*:[^}]*\}"                               # an attribution hint
    r"|</?(?:article|sources|points|source)\b[^>]*>",        # prompt delimiters
    re.IGNORECASE,
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")
_ABBREVIATIONS = ("Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Gov.", "Sen.", "Rep.", "Prof.", "Gen.",
                  "Lt.", "Col.", "No.", "Jr.", "Sr.", "U.S.", "U.K.", "e.g.", "i.e.")


def clean_text(text: str) -> str:
    """``text`` without sentence ids ("[5] Engineers said ..."), point ids, relation prefixes,
    attribution hints or prompt delimiters, whitespace collapsed.

    Example:
        >>> clean_text("[5] Engineers said corrosion was the cause [A:2].")
        'Engineers said corrosion was the cause.'
    """
    out = _IDS.sub(" ", text)
    out = " ".join(out.split())
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    return out.strip(" ,;:")


def _ends(text: str) -> list[int]:
    ends = []
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.end()].split()[-1] if text[: m.end()].split() else ""
        if any(before.endswith(a) for a in _ABBREVIATIONS) or re.fullmatch(r"[A-Z]\.", before):
            continue
        ends.append(m.end())
    return ends


def whole_sentences(text: str, limit: int | None = None) -> str:
    """``text`` ending at a sentence end: a trailing fragment after the last full stop ("...
    officials. The") is dropped; with ``limit``, whole sentences up to ``limit`` characters
    (the first sentence whole if it alone is longer). A text with no sentence end at all
    (a headline-like key point) is returned as it is: never cut mid-sentence.

    Example:
        >>> whole_sentences("At least 19 died, according to hospital officials. The")
        'At least 19 died, according to hospital officials.'
    """
    text = text.strip()
    ends = _ends(text)
    if not ends:
        return text
    if ends[-1] < len(text):
        text = text[: ends[-1]].rstrip()
    if limit is not None and len(text) > limit:
        fitting = [e for e in ends if e <= limit]
        text = text[: (fitting[-1] if fitting else ends[0])].rstrip()
    return text


def supported(text: str, cited: Iterable[str], minimum: float = MIN_SUPPORT) -> bool:
    """Whether ``text`` shares at least ``minimum`` of its content words with the cited
    sentences (the grounding check of key points)."""
    words = content_words(text)
    if not words:
        return True
    material = content_words(" ".join(cited))
    return len(words & material) / len(words) >= minimum


_SAYS_AGREE = re.compile(
    r"\b(?:(?:both|all|the)\s+(?:\w+\s+){0,2}(?:sources|reports|articles|outlets)\s+(?:\w+\s+)?"
    r"(?:agree|concur|say the same|report the same|confirm)"
    r"|agree(?:s|d)?\s+(?:that|on)|in agreement|are consistent|consistent with each other"
    r"|the same (?:facts?|figures?|cause|number|account))\b",
    re.IGNORECASE,
)
_SAYS_DIFFER = re.compile(
    r"\b(?:disagree|contradict|differ|different|inconsisten|conflict|dispute|whereas|while\s+\w+"
    r"\s+says|but\b|however|versus|vs\.?|not\b|n't\b|deny|denies|denied)",
    re.IGNORECASE,
)


def label_conflicts_reason(relation: str, reason: str) -> str | None:
    """Why a relation label does not fit its own explanation, or ``None`` when it does.

    A "contradict" whose text says the sources agree (and names no difference) is wrong; so
    is an "agree" whose text names a contradiction.

    Example:
        >>> label_conflicts_reason("contradict", "Both sources agree that corrosion was the cause.")
        "r is 'contradict' but y says the sources agree"
    """
    says_agree = bool(_SAYS_AGREE.search(reason))
    says_differ = bool(_SAYS_DIFFER.search(reason))
    if relation == "contradict" and says_agree and not says_differ:
        return "r is 'contradict' but y says the sources agree"
    if relation == "agree" and says_differ and not says_agree:
        return "r is 'agree' but y describes a difference"
    return None
