"""The local store (SQLite): response cache, call log and batch-job state.

>>> from summarizer.store import Store  # the names below are re-exported from :mod:`.db`
"""

from __future__ import annotations

from .db import (
    MIGRATIONS,
    BatchJob,
    BatchRound,
    CallRow,
    LogStats,
    Store,
    cache_key,
    default_store_path,
    schema_sha256,
)

__all__ = [
    "MIGRATIONS",
    "BatchJob",
    "BatchRound",
    "CallRow",
    "LogStats",
    "Store",
    "cache_key",
    "default_store_path",
    "schema_sha256",
]
