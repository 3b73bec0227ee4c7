"""``summarizer logs`` (recent model calls) and ``summarizer logs stats`` (aggregates).

Both read the call log of the local store (:class:`~summarizer.store.db.Store`, file from
``SUMMARIZER_STORE`` or the user data dir).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table

from ..core.settings import Settings
from ..store import CallRow, LogStats, Store, default_store_path

__all__ = ["parse_since"]

logs_app = typer.Typer(help="The log of model calls: recent calls, or aggregate stats.")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

SINCE_HELP = "Only calls newer than this: a duration (30m, 1h, 7d) or a date/time (2024-06-19[T12:00])."


def parse_since(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """``"1h"`` → one hour ago; ``"2024-06-19"`` → that date (UTC when no zone is given).

    Example:
        >>> parse_since("2024-06-19").isoformat()
        '2024-06-19T00:00:00+00:00'

    Raises:
        typer.BadParameter: the value is neither a duration nor an ISO date/time.
    """
    if value is None:
        return None
    now = now or datetime.now(UTC)
    match = _DURATION.match(value)
    if match:
        amount, unit = float(match.group(1)), match.group(2).lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise typer.BadParameter(
            f"{value!r} is neither a duration (30m, 1h, 7d) nor a date (2024-06-19)",
            param_hint="--since",
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open_store() -> Store | None:
    settings = Settings.from_env()
    path = default_store_path(settings)
    if not path.exists():
        return None
    return Store(path, secrets=settings.secrets())


def _row_table(rows: list[CallRow]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    for name, justify in [("time", "left"), ("doc", "left"), ("model", "left"), ("try", "right"),
                          ("tok in", "right"), ("tok out", "right"), ("latency", "right"),
                          ("cost", "right"), ("outcome", "left"), ("error", "left")]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            row.started_at.astimezone().strftime("%m-%d %H:%M:%S"),
            row.doc_id or "",
            row.model,
            str(row.attempt),
            f"{row.prompt_tokens:,}",
            f"{row.completion_tokens:,}",
            f"{row.latency_s:.2f}s",
            "?" if row.cost_usd is None else f"${row.cost_usd:.5f}",
            row.outcome,
            ((row.error_class or "") + (": " if row.error_class and row.error_message else "")
             + (row.error_message or ""))[:80],
        )
    return table


@logs_app.callback(invoke_without_command=True)
def logs(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help=SINCE_HELP),
    model: str | None = typer.Option(None, "--model", "-m", help="Only calls to this model."),
    failed: bool = typer.Option(False, "--failed", help="Only calls that failed (not ok / re-ask)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    limit: int = typer.Option(20, "-n", "--limit", min=1, help="How many of the newest calls."),
) -> None:
    """Show the newest model calls (oldest of them first)."""
    if ctx.invoked_subcommand is not None:
        return
    store = _open_store()
    rows: list[CallRow] = []
    if store is not None:
        with store:
            rows = store.calls(since=parse_since(since), model=model, failed=failed, limit=limit)
    rows.reverse()
    if as_json:
        for row in rows:
            sys.stdout.write(row.model_dump_json() + "\n")
        return
    console = Console()
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console = Console(width=200)
    if not rows:
        console.print("no calls logged" + (" matching the filters" if store is not None else " yet"))
        return
    console.print(_row_table(rows))


def _stats_text(stats: LogStats) -> str:
    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f} s"

    lines = [
        f"calls:        {stats.calls:,} ({stats.documents:,} documents)",
        f"tokens:       {stats.prompt_tokens:,} in, {stats.completion_tokens:,} out",
        f"cost:         ${stats.cost_usd:.4f}"
        + (f" (+{stats.unpriced_calls:,} calls with no known price)" if stats.unpriced_calls else ""),
        f"latency:      p50 {seconds(stats.latency_p50_s)}, p95 {seconds(stats.latency_p95_s)}",
        f"re-asks:      {stats.reasks:,} ({stats.reask_rate:.1%} of calls)",
        "outcomes:     " + (", ".join(f"{k} {v:,}" for k, v in sorted(stats.outcomes.items())) or "-"),
        "failures:     " + (", ".join(f"{k} {v:,}" for k, v in sorted(stats.failures.items())) or "none"),
        "models:       " + (", ".join(f"{k} {v:,}" for k, v in sorted(stats.models.items())) or "-"),
    ]
    return "\n".join(lines)


@logs_app.command("stats")
def stats(
    since: str | None = typer.Option(None, "--since", help=SINCE_HELP),
    model: str | None = typer.Option(None, "--model", "-m", help="Only calls to this model."),
    as_json: bool = typer.Option(False, "--json", help="Print the stats as JSON."),
) -> None:
    """Calls, tokens, cost, p50/p95 latency, re-ask rate and failures by error class."""
    store = _open_store()
    result = LogStats()
    if store is not None:
        with store:
            result = store.stats(since=parse_since(since), model=model)
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(mode="json"), indent=2) + "\n")
    else:
        sys.stdout.write(_stats_text(result) + "\n")
