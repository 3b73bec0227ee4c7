"""Local store: response cache and call log (SQLite).

The cache key covers everything that changes an answer: backend, model, prompt content hash,
output schema hash, input hash and options.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from .wire import wire_schema

__all__ = ["cache_key", "schema_sha256"]


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
