"""Briefing notes: many articles on one topic → one evidence-backed note.

:func:`brief` analyses every article with :class:`~summarizer.pipeline.Summarizer` and builds a
:class:`Briefing` on top of the per-article analyses:

* **bottom line up front** — 2-4 sentences, written by the model from the key developments
  (prompt ``bluf``) and validated, or extracted from the developments when the model fails;
* **key developments** — key points deduplicated across articles (rapidfuzz on normalised text);
* **who said what** — every attributed claim grouped by speaker;
* **stance matrix** — holders × targets with labels;
* **agreements and contradictions** — claims about the same point grouped across articles by
  similarity; the model decides, per group, whether the sources agree, contradict each other
  or add detail, citing sentences from both sides (prompt ``compare``);
* **sourcing profile** per article and per outlet, with an ownership note from the curated
  outlet registry (``summarizer/data/outlets.toml``);
* **methods** — model, backend, prompt versions, date, counts and every failure.

Every citation is an article id, a character span of that article's analysed text and the
quoted sentence, so each line of a note can be checked against its source. Rendering lives in
:mod:`summarizer.render` and never calls a model.

The package, one module per concern (imports go down this list, never up):

* :mod:`~summarizer.briefing.models` — the output types (the JSON contract);
* :mod:`~summarizer.briefing.outlets` — the outlet registry;
* :mod:`~summarizer.briefing.loader` — reading the input articles;
* :mod:`~summarizer.briefing.text` — clean prose checks (pure functions);
* :mod:`~summarizer.briefing.conflicts` — numbers, dates and outcomes compared by the parse;
* :mod:`~summarizer.briefing.tasks` — the model questions (compare, bottom line) as
  :class:`~summarizer.llm.ask.Task` objects, and the ask cache;
* :mod:`~summarizer.briefing.clustering` — grouping key points and claims across articles;
* :mod:`~summarizer.briefing.briefer` — :class:`Briefer` and :func:`brief`, the orchestration.
"""

from __future__ import annotations

from .briefer import Briefer, brief
from .clustering import article_statements
from .loader import load_articles, split_front_matter
from .models import BRIEFING_SCHEMA_VERSION as BRIEFING_SCHEMA_VERSION
from .models import (
    ArticleRef,
    BottomLineSentence,
    Briefing,
    Citation,
    Comparison,
    ComparisonMember,
    Development,
    FailedArticle,
    Methods,
    OutletInfo,
    OutletNote,
    Relation,
    SourcingProfile,
    Speaker,
    SpeakerClaim,
    StanceCell,
    StanceEntry,
    StanceMatrix,
    briefing_schema,
)
from .outlets import OutletRegistry
from .tasks import AskCache

# Importable from here as before the split, though not in ``__all__``: the wire formats and
# tasks of the model questions (tests and tools use them).
from .tasks import BlufTask as BlufTask
from .tasks import CompareTask as CompareTask
from .tasks import WireBluf as WireBluf
from .tasks import WireComparison as WireComparison

__all__ = [
    "ArticleRef",
    "AskCache",
    "BottomLineSentence",
    "Briefer",
    "Briefing",
    "Citation",
    "Comparison",
    "ComparisonMember",
    "Development",
    "FailedArticle",
    "Methods",
    "OutletInfo",
    "OutletNote",
    "OutletRegistry",
    "Relation",
    "SourcingProfile",
    "Speaker",
    "SpeakerClaim",
    "StanceCell",
    "StanceEntry",
    "StanceMatrix",
    "article_statements",
    "brief",
    "briefing_schema",
    "load_articles",
    "split_front_matter",
]

