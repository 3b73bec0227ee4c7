"""What an eval run produces: one :class:`CaseResult` per case, and the :class:`EvalReport`
(``results.json``) that the runner fills, the report writer renders and the gate reads; plus
the aggregates every suite reports (run figures, classification scores)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..core.models import Usage
from .metrics import class_precision, class_recall, classification_scores

__all__ = ["CaseResult", "Confusion", "EvalReport", "add_classification", "count_sum", "ratio",
           "run_figures"]


class CaseResult(BaseModel):
    """One scored case (an article, a pair): scores, the counts behind them, run figures."""

    model_config = ConfigDict(extra="forbid")
    id: str
    error: str | None = None
    scores: dict[str, float | None] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    labels: list[tuple[str, str]] = Field(
        default_factory=list, description="(gold, predicted) label pairs for classification metrics."
    )
    details: dict[str, Any] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    calls: int = 0
    reasks: int = 0
    first_valid: bool | None = None
    cached: bool = False
    cost_usd: float | None = None


class Confusion(BaseModel):
    labels: list[str]
    matrix: list[list[int]]


class EvalReport(BaseModel):
    """Everything one eval run produced (this is ``results.json``)."""

    model_config = ConfigDict(extra="forbid")
    suite: str
    created_at: datetime
    duration_s: float = 0.0
    config: dict[str, Any] = Field(default_factory=dict)
    skipped: str | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    per_class: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    confusion: Confusion | None = None
    cases: list[CaseResult] = Field(default_factory=list)


# -- aggregates ------------------------------------------------------------------------------


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def count_sum(cases: Sequence[CaseResult], key: str) -> int:
    return sum(c.counts.get(key, 0) for c in cases)


def run_figures(cases: Sequence[CaseResult]) -> dict[str, float | None]:
    called = [c for c in cases if c.first_valid is not None]
    latencies = [c.latency_s for c in cases if c.calls]
    costs = [c.cost_usd for c in cases if c.calls]
    known = [c for c in costs if c is not None]
    return {
        "cases": float(len(cases)),
        "errors": float(sum(c.error is not None for c in cases)),
        "schema_valid_first_attempt": ratio(sum(bool(c.first_valid) for c in called), len(called)),
        "reasks_total": float(sum(c.reasks for c in cases)),
        "reasks_mean": round(sum(c.reasks for c in cases) / len(cases), 4) if cases else None,
        "prompt_tokens": float(sum(c.usage.prompt_tokens for c in cases)),
        "completion_tokens": float(sum(c.usage.completion_tokens for c in cases)),
        "latency_mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_total_s": round(sum(latencies), 3),
        "cost_usd": None if not known or len(known) < len(costs) else round(sum(known), 6),
        "cache_hits": float(sum(c.cached for c in cases)),
    }


def add_classification(report: EvalReport, pairs: Sequence[tuple[str, str]], labels: list[str], *, prefix: str,
                    subsets: dict[str, Sequence[str]] | None = None) -> None:
    """Accuracy, macro-F1 (over the gold classes of the sample), per-class scores, confusion.

    ``subsets`` adds one macro-F1 per named subset of classes, e.g. ``{"related": [...]}``
    gives ``{prefix}macro_f1_related``. A class with neither gold items nor predictions is
    undefined: its metrics are ``None`` (shown as "–"), never a perfect score."""
    scores = classification_scores([g for g, _ in pairs], [p for _, p in pairs], labels=labels)
    report.metrics[f"{prefix}accuracy"] = scores.accuracy
    report.metrics[f"{prefix}macro_f1"] = scores.macro_f1
    for name, classes in (subsets or {}).items():
        report.metrics[f"{prefix}macro_f1_{name}"] = scores.macro_over(classes)
    report.metrics[f"{prefix}n"] = float(scores.n)
    for name, s in scores.per_class.items():
        report.metrics[f"{prefix}f1_{name}"] = s.f1 if s is not None else None
        report.per_class[name] = (
            {"precision": class_precision(s), "recall": class_recall(s), "f1": s.f1, "support": float(s.n_gold)}
            if s is not None else {"precision": None, "recall": None, "f1": None, "support": 0.0}
        )
    report.confusion = Confusion(labels=scores.labels, matrix=scores.confusion)
