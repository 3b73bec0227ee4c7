"""Many articles: in process with bounded concurrency (:mod:`.inprocess`), through the OpenAI
Batch API (:mod:`.openai_batch`: requests replayed through the same pipeline) or on a Ray Data
actor pool (:mod:`.ray_fleet`). The in-process functions are re-exported here."""

from __future__ import annotations

from .inprocess import BatchItem, ItemError, ItemResult, asummarize_many, summarize_many

__all__ = ["BatchItem", "ItemError", "ItemResult", "asummarize_many", "summarize_many"]
