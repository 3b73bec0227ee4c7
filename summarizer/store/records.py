"""What the store reads back: logged calls, their aggregates, and batch-job state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BatchJob", "BatchRound", "CallFilter", "CallRow", "LogStats", "iso_utc", "percentile"]


class CallRow(BaseModel):
    """One logged model call, as read back by :meth:`Store.calls` (and ``summarizer logs``)."""

    model_config = ConfigDict(extra="forbid")

    id: int
    started_at: datetime
    doc_id: str | None
    backend: str
    model: str
    prompt_name: str
    prompt_version: str
    prompt_sha256: str
    attempt: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    outcome: str = Field(description="ok | reask | truncated | provider_error")
    error_class: str | None
    error_message: str | None
    cost_usd: float | None


class LogStats(BaseModel):
    """Aggregates over logged calls (``summarizer logs stats``).

    Attributes:
        reask_rate: share of calls whose answer was sent back for correction.
        cost_usd: summed cost of the calls with a known price; ``unpriced_calls`` counts the rest.
        failures: failed calls (anything but ``ok``/``reask``) by error class.
    """

    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    documents: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    reasks: int = 0
    reask_rate: float = 0.0
    outcomes: dict[str, int] = Field(default_factory=dict)
    failures: dict[str, int] = Field(default_factory=dict)
    models: dict[str, int] = Field(default_factory=dict)


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of already sorted values (``q`` in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil without floats drifting
    return sorted_values[int(rank) - 1]


@dataclass
class CallFilter:
    """Which calls to read: newer than ``since``, of ``model``, failed calls only."""

    since: datetime | None = None
    model: str | None = None
    failed: bool = False

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("started_at >= ?")
            params.append(iso_utc(self.since))
        if self.model is not None:
            clauses.append("model = ?")
            params.append(self.model)
        if self.failed:
            clauses.append("outcome NOT IN ('ok', 'reask')")
        sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return sql, params


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


class BatchJob(BaseModel):
    """One ``--via openai-batch`` run over an ``OUT`` file (``state``: running | finished)."""

    job: str
    out: str
    generation: int
    model: str
    mode: str
    state: str = "running"


class BatchRound(BaseModel):
    """One provider batch of a job. ``status`` is ``uploaded`` (input file sent, no batch
    yet), a provider status (``validating`` ... ``completed``), or ``processed`` (answers
    read and written out)."""

    job: str
    round: int
    custom_ids: list[str]
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "new"
    output_file_id: str | None = None
    error_file_id: str | None = None
