"""The response cache's key and the protocol a response cache satisfies.

The key covers everything that changes an answer: backend, model, prompt content hash, the
schema the model answers in, input hash and options. :class:`~summarizer.store.db.Store` is
the SQLite implementation of :class:`ResponseCache`; the pipeline needs only the protocol.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any, Protocol

from ..core.models import ArticleAnalysis
from ..llm.wire import wire_schema

__all__ = ["ResponseCache", "cache_key", "schema_sha256"]


class ResponseCache(Protocol):
    """What the pipeline needs from a response cache (see :class:`~summarizer.store.db.Store`)."""

    def get(self, key: str) -> ArticleAnalysis | None: ...

    def put(self, key: str, analysis: ArticleAnalysis) -> None: ...


@lru_cache(maxsize=1)
def schema_sha256() -> str:
    """Hash of the wire schema the model answers in (a schema change invalidates the cache)."""
    return hashlib.sha256(json.dumps(wire_schema(), sort_keys=True).encode()).hexdigest()


def cache_key(
    *,
    backend: str,
    model: str,
    prompt_sha256: str,
    text_sha256: str,
    options: dict[str, Any] | None = None,
) -> str:
    """A stable hex key for one (backend, model, prompt, schema, input, options) combination."""
    payload = json.dumps(
        {
            "backend": backend,
            "model": model,
            "prompt": prompt_sha256,
            "schema": schema_sha256(),
            "input": text_sha256,
            "options": options or {},
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
