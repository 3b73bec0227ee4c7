"""summarizer: evidence-backed structured analysis of news articles.

>>> from summarizer import summarize
>>> result = summarize("The minister said the plan would pass. Critics called it reckless.",
...                    no_model=True)  # parser only; drop no_model for the summary and stances
>>> [(c.speaker, c.cue, c.evidence[0].text) for c in result.claims]
[('minister', 'said', 'the plan would pass'), ('Critics', 'called', 'it reckless')]
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from ._version import __version__
    from .api import summarize
    from .batch.inprocess import ItemError, ItemResult, asummarize_many, summarize_many
    from .briefing import Briefing, brief
    from .core.document import Document, Sentence
    from .core.errors import (
        BadInputError,
        ConfigurationError,
        FixtureError,
        ModelStoreError,
        OutputValidationError,
        PromptError,
        ProviderError,
        SummarizerError,
        TruncatedOutputError,
    )
    from .core.models import (
        ArticleAnalysis,
        Claim,
        Evidence,
        KeyPoint,
        RejectedItem,
        RunMeta,
        Stance,
        Summary,
        Usage,
    )
    from .core.settings import Settings
    from .llm.backends.base import Backend
    from .pipeline import Summarizer
    from .store import Store

__all__ = [
    "ArticleAnalysis",
    "Backend",
    "BadInputError",
    "Briefing",
    "Claim",
    "ConfigurationError",
    "Document",
    "Evidence",
    "FixtureError",
    "ItemError",
    "ItemResult",
    "KeyPoint",
    "ModelStoreError",
    "OutputValidationError",
    "PromptError",
    "ProviderError",
    "RejectedItem",
    "RunMeta",
    "Sentence",
    "Settings",
    "Stance",
    "Store",
    "Summarizer",
    "SummarizerError",
    "Summary",
    "TruncatedOutputError",
    "Usage",
    "__version__",
    "asummarize_many",
    "brief",
    "summarize",
    "summarize_many",
]

# name → the module that defines it. The names are imported on first use (PEP 562), so that
# ``import summarizer.cli`` (the ``summarizer`` script) or ``from summarizer import Summarizer``
# does not import the briefing, the batch runners and everything else this package exports.
_EXPORTS: dict[str, str] = {
    "__version__": "._version",
    "summarize": ".api",
    "ItemError": ".batch.inprocess",
    "ItemResult": ".batch.inprocess",
    "asummarize_many": ".batch.inprocess",
    "summarize_many": ".batch.inprocess",
    "Briefing": ".briefing",
    "brief": ".briefing",
    "Document": ".core.document",
    "Sentence": ".core.document",
    "BadInputError": ".core.errors",
    "ConfigurationError": ".core.errors",
    "FixtureError": ".core.errors",
    "ModelStoreError": ".core.errors",
    "OutputValidationError": ".core.errors",
    "PromptError": ".core.errors",
    "ProviderError": ".core.errors",
    "SummarizerError": ".core.errors",
    "TruncatedOutputError": ".core.errors",
    "ArticleAnalysis": ".core.models",
    "Claim": ".core.models",
    "Evidence": ".core.models",
    "KeyPoint": ".core.models",
    "RejectedItem": ".core.models",
    "RunMeta": ".core.models",
    "Stance": ".core.models",
    "Summary": ".core.models",
    "Usage": ".core.models",
    "Settings": ".core.settings",
    "Backend": ".llm.backends.base",
    "Summarizer": ".pipeline",
    "Store": ".store",
}


def __getattr__(name: str) -> _Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
