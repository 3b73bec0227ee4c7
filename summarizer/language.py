"""Language detection (offline, deterministic): the summary is written in the article's
language unless the caller asks for another."""

from __future__ import annotations

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


def detect_language(text: str, *, sample_chars: int = 5000) -> str | None:
    """ISO 639-1 code of the dominant language of ``text`` (``None`` if unsure)."""
    sample = text[:sample_chars]
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
