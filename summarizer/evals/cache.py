"""A small on-disk cache of model answers for evals (one JSON file per key).

Re-scoring a run, or changing a metric, reads answers from here instead of calling the model.
Keys come from :meth:`summarizer.Summarizer.cache_key` (backend, model, prompt hash, schema
hash, input hash) or :func:`task_key` for the eval's own small tasks.

>>> import tempfile
>>> cache = AnswerCache(tempfile.mkdtemp())
>>> cache.put("ab12", {"x": 1}); cache.get("ab12")
{'x': 1}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..core.files import write_private

__all__ = ["AnswerCache", "task_key"]


def task_key(**parts: Any) -> str:
    """A stable hex key from keyword parts (JSON-serialisable values)."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AnswerCache:
    """JSON documents stored under ``root/<key[:2]>/<key>.json``; writes are atomic."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            self.misses += 1
            return None
        if not isinstance(value, dict):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        write_private(path, json.dumps(value, ensure_ascii=False))
