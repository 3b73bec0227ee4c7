"""Language detection (offline, deterministic): the summary is written in the article's
language unless the caller asks for another."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect_langs

__all__ = ["detect_language", "language_name"]

DetectorFactory.seed = 0

_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish",
    "zh-cn": "Chinese", "zh-tw": "Chinese", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "ar": "Arabic", "fa": "Persian", "tr": "Turkish", "he": "Hebrew", "hi": "Hindi",
    "sv": "Swedish", "no": "Norwegian", "da": "Danish", "fi": "Finnish", "cs": "Czech",
    "el": "Greek", "ro": "Romanian", "hu": "Hungarian", "vi": "Vietnamese", "id": "Indonesian",
}


# The most frequent function words of common Latin-script languages. A text whose words are
# clearly dominated by one list is decided without langdetect (which costs 5-20 ms of CPU per
# article and was the largest cost of a batch); anything less clear-cut goes to langdetect.
_FUNCTION_WORDS = {
    "en": "the of and to in is that for on with was as by it at from are be this have has were",
    "fr": "le la les des du et est une dans que pour qui sur pas au avec il elle ont sont aux",
    "de": "der die das und ist nicht ein eine den dem zu mit sich auf für von im des auch",
    "es": "el los las del y que en por con una para es se su al lo como más pero",
    "it": "il che di e per una sono con del della non gli nel alla anche più",
    "pt": "o os do da dos das que em um uma para com não por mais ao pelo",
    "nl": "de het een en van is dat op te in niet met voor zijn er aan ook",
}
_WORD_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def _clear_latin_language(sample: str) -> str | None:
    """A language code when function words leave no doubt, else ``None`` (ask langdetect)."""
    words = _WORD.findall(sample.lower())
    latin = sum(1 for w in words if max(w) < "\u0250")  # Basic Latin to Latin Extended-B
    if len(words) < 40 or latin < 0.9 * len(words):
        return None
    counts = sorted(
        ((sum(1 for w in words if w in vocab), lang) for lang, vocab in _WORD_SETS.items()),
        reverse=True,
    )
    (best, lang), (second, _) = counts[0], counts[1]
    if best >= 0.2 * len(words) and best >= 2.5 * second:
        return lang
    return None


def detect_language(text: str, *, sample_chars: int = 5000) -> str | None:
    """ISO 639-1 code of the dominant language of ``text`` (``None`` if unsure)."""
    sample = text[:sample_chars]
    quick = _clear_latin_language(sample[:2000])
    if quick is not None:
        return quick
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    if best.prob < 0.6:
        return None
    return "zh" if best.lang.startswith("zh") else best.lang


def language_name(code: str | None) -> str | None:
    """English name of a language code, for prompts (``'fr'`` → ``'French'``)."""
    if code is None:
        return None
    return _NAMES.get(code, code)
