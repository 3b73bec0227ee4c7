"""QAGS loader: summaries with human factual-consistency labels (validates the faithfulness check).

Reads ``qags_cnndm.json`` / ``qags_xsum.json`` (a JSON list of items with ``source``,
``system_output`` and ``scores.consistency``) from a folder or one file. A summary counts as
*consistent* when its consistency score is 1 (every sentence judged consistent).

Usage (needs the benchmark data)::

    pairs = load_qags("/path/to/benchmarks/qags", limit=10)
    pairs[0].consistent
True
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfigurationError

__all__ = ["QagsPair", "load_qags"]


@dataclass(frozen=True)
class QagsPair:
    """One (article, summary) pair and its human judgement."""

    id: str
    corpus: str
    source: str
    summary: str
    consistency: float

    @property
    def consistent(self) -> bool:
        return self.consistency >= 1.0


def load_qags(path: Path | str, *, limit: int | None = None, seed: int = 0) -> list[QagsPair]:
    """Load QAGS pairs from a folder holding ``qags_*.json`` or from one such file.

    Args:
        path: the folder or file.
        limit: keep a random sample of this many pairs, stratified by label (half consistent,
            half not, as far as each class allows), in a stable order.
        seed: seed of the sample.

    Raises:
        ConfigurationError: the path holds no QAGS file or a file is not in the expected format.
    """
    path = Path(path)
    files = sorted(path.glob("qags_*.json")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise ConfigurationError(f"no QAGS data at {path}", hint="expected qags_cnndm.json / qags_xsum.json")
    pairs: list[QagsPair] = []
    for file in files:
        corpus = file.stem.removeprefix("qags_")
        try:
            items = json.loads(file.read_text(encoding="utf-8"))
            for k, item in enumerate(items):
                pairs.append(
                    QagsPair(
                        id=f"{corpus}-{k}",
                        corpus=corpus,
                        source=str(item["source"]),
                        summary=str(item["system_output"]),
                        consistency=float(item["scores"]["consistency"]),
                    )
                )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"{file}: not a QAGS file ({type(exc).__name__}: {exc})") from exc
    if limit is not None and limit < len(pairs):
        rng = random.Random(seed)
        pos = [p for p in pairs if p.consistent]
        neg = [p for p in pairs if not p.consistent]
        rng.shuffle(pos)
        rng.shuffle(neg)
        take_neg = min(len(neg), limit // 2)
        take_pos = min(len(pos), limit - take_neg)
        take_neg = min(len(neg), limit - take_pos)
        chosen = {p.id for p in pos[:take_pos] + neg[:take_neg]}
        pairs = [p for p in pairs if p.id in chosen]
    return pairs
