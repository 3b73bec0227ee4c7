"""The local store (SQLite): response cache, call log and batch-job state.

:mod:`.cache` (the cache key, the ``ResponseCache`` protocol), :mod:`.migrations` (the schema
as a list of migrations), :mod:`.records` (rows read back: calls, stats, batch jobs) and
:mod:`.db` (:class:`Store`, the SQLite file). The public names are re-exported here:

>>> from summarizer.store import Store
"""

from __future__ import annotations

from .cache import ResponseCache, cache_key, schema_sha256
from .db import Store, default_store_path
from .migrations import MIGRATIONS, migrate
from .records import BatchJob, BatchRound, CallRow, LogStats

__all__ = [
    "MIGRATIONS",
    "BatchJob",
    "BatchRound",
    "CallRow",
    "LogStats",
    "ResponseCache",
    "Store",
    "cache_key",
    "default_store_path",
    "migrate",
    "schema_sha256",
]
