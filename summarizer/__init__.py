"""summarizer: evidence-backed structured analysis of news articles.

>>> from summarizer import summarize
>>> result = summarize("The minister said the plan would pass. Critics called it reckless.",
...                    no_model=True)  # parser only; drop no_model for the summary and stances
>>> [(c.speaker, c.cue, c.evidence[0].text) for c in result.claims]
[('minister', 'said', 'the plan would pass'), ('Critics', 'called', 'it reckless')]
"""

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
