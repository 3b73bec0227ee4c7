"""What an eval run produces: one :class:`CaseResult` per case, and the :class:`EvalReport`
(``results.json``) that the runner fills, the report writer renders and the gate reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..core.models import Usage

__all__ = ["CaseResult", "Confusion", "EvalReport"]


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
