"""Backends behind one protocol (:class:`~summarizer.llm.backends.base.Backend`).

* :mod:`~summarizer.llm.backends.openai_compat` — any OpenAI-compatible endpoint;
* :mod:`~summarizer.llm.backends.local` — an embedded GGUF model run in-process (llama-cpp-python);
* :mod:`~summarizer.llm.backends.fake` — scripted answers for tests.

:func:`resolve_backend` picks one: explicit choice > configured endpoint (base URL or API key)
> a pulled local model > a :class:`~summarizer.core.errors.ConfigurationError` saying how to get one.
"""

from __future__ import annotations

from ...core.errors import ConfigurationError
from ...core.settings import Settings
from ..modelstore import DEFAULT_MODEL, ModelStore
from .base import Backend, Completion, CompletionRequest
from .local import LocalBackend

__all__ = ["Backend", "Completion", "CompletionRequest", "resolve_backend"]

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def _openai(settings: Settings) -> Backend:
    # instructor and openai take ~1.4 s to import: only when an endpoint is used.
    from .openai_compat import OpenAIBackend

    return OpenAIBackend(
        model=settings.model or DEFAULT_OPENAI_MODEL,
        base_url=settings.base_url,
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        mode=settings.mode,
        timeout_s=settings.timeout_s,
        transport_retries=settings.transport_retries,
    )


def _local(settings: Settings) -> Backend:
    return LocalBackend.from_settings(settings)


def resolve_backend(settings: Settings) -> Backend:
    """Choose and build the backend ``settings`` describe."""
    if settings.backend == "openai":
        return _openai(settings)
    if settings.backend == "local":
        return _local(settings)
    if settings.backend == "fake":
        raise ConfigurationError("the fake backend is for tests: pass a FakeBackend instance")
    # auto
    if settings.base_url or settings.api_key:
        return _openai(settings)
    if settings.model_path is not None:
        return _local(settings)
    store = ModelStore(settings.models_dir)
    name = settings.model or DEFAULT_MODEL
    if store.is_pulled(name):
        return _local(settings)
    raise ConfigurationError(
        "no model backend is configured",
        hint=(
            f"run `summarizer models pull {name}` for the embedded offline model, or set "
            "SUMMARIZER_BASE_URL (and SUMMARIZER_API_KEY) / pass --base-url for an "
            "OpenAI-compatible endpoint"
        ),
    )
