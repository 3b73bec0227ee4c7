"""Module-level convenience functions: thin wrappers over a :class:`Summarizer`."""

from __future__ import annotations

from typing import Any

from .core.document import Document
from .core.models import ArticleAnalysis
from .core.settings import Settings
from .llm.backends.base import Backend
from .pipeline import Summarizer

__all__ = ["summarize"]


def summarize(
    article: str | Document,
    *,
    model: str | None = None,
    backend: Backend | str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    strict: bool = True,
    language: str | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> ArticleAnalysis:
    """Analyse one news article: summary, attributed claims and stances, all grounded.

    Settings come from the arguments, then the environment (``SUMMARIZER_*``), then defaults.

    Args:
        article: the article text, or a :class:`~summarizer.core.document.Document`.
        model: model id (endpoint) or catalogue name (embedded model).
        backend: a backend instance, or ``"openai"`` / ``"local"`` / ``"auto"``.
        base_url / api_key: an OpenAI-compatible endpoint.
        strict: when ``False``, unverifiable items go to ``result.rejected`` instead of
            raising :class:`~summarizer.core.errors.OutputValidationError`.
        language: summary language; default: the article's language.
        **options: any other :class:`~summarizer.core.settings.Settings` field (``max_reasks``, ...).

    Example:
        >>> from summarizer import summarize
        >>> from pathlib import Path
        >>> text = Path("examples/global-times-2024-06-19-russia-dprk-treaty.txt").read_text()
        >>> result = summarize(text, no_model=True)  # with a model: the summary and stances too
        >>> [(c.speaker, c.attribution) for c in result.claims][:3]
        [('RIA Novosti', 'indirect'), ('Chinese experts', 'indirect'), ('Putin', 'direct')]
    """
    backend_name = backend if isinstance(backend, str) else None
    if settings is None:
        settings = Settings.from_env(
            model=model, base_url=base_url, api_key=api_key, backend=backend_name, **options
        )
    instance = backend if not isinstance(backend, str) else None
    summarizer = Summarizer(backend=instance, settings=settings, strict=strict, language=language)
    try:
        return summarizer.summarize(article)
    finally:
        if instance is None:  # we built the backend, so we close it
            summarizer.close()
