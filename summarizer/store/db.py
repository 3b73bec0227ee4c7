"""Local store: response cache and call log (SQLite).

The cache key covers everything that changes an answer: backend, model, prompt content hash,
output schema hash, input hash and options (:func:`cache_key`).

:class:`Store` keeps two tables in one SQLite file (default
``<user data dir>/summarizer/summarizer.db``, or ``Settings.store_path`` /
``SUMMARIZER_STORE``):

* ``responses`` — the response cache: one verified :class:`~summarizer.core.models.ArticleAnalysis`
  per key. It satisfies the pipeline's ``ResponseCache`` protocol (``get`` / ``put``).
* ``calls`` — one row per model call (``log_call`` is a pipeline ``on_call`` observer):
  time, document id, backend, model, prompt, attempt, tokens, latency, outcome, error, cost.

The schema evolves through :data:`MIGRATIONS`, a list of functions applied in order and
recorded in a ``_migrations`` table (as simonw/llm does); never edit a released migration,
append a new one. The file is created readable by its owner only, and nothing that could be
an API key is written: error messages pass through :func:`~summarizer.core.errors.redact`.

Example:
    >>> from summarizer import Summarizer
    >>> from summarizer.store import Store
    >>> store = Store("/tmp/summarizer-example.db")  # doctest: +SKIP
    >>> s = Summarizer(cache=store, on_call=store.log_call)  # doctest: +SKIP
    >>> store.stats().calls  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import ConfigurationError, redact
from ..core.models import ArticleAnalysis
from ..core.pricing import cost_usd
from ..core.settings import Settings, default_data_dir
from ..llm.wire import wire_schema

if TYPE_CHECKING:
    from ..pipeline import AttemptRecord

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


# -- migrations -----------------------------------------------------------------------------

Migration = Callable[[sqlite3.Connection], None]


def _m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE responses (
            key TEXT PRIMARY KEY,
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_name TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            prompt_sha256 TEXT NOT NULL,
            doc_id TEXT,
            created_at TEXT NOT NULL,
            analysis TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            doc_id TEXT,
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_name TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            prompt_sha256 TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            latency_s REAL NOT NULL,
            outcome TEXT NOT NULL,
            error_class TEXT,
            error_message TEXT,
            cost_usd REAL
        )
        """
    )
    db.execute("CREATE INDEX calls_started_at ON calls (started_at)")
    db.execute("CREATE INDEX calls_model ON calls (model)")


def _m002_openai_batches(db: sqlite3.Connection) -> None:
    # One job per OUT file and generation (``summarizer batch --via openai-batch``); one round
    # per batch submitted for it (round 1: first answers, then re-asks).
    db.execute(
        """
        CREATE TABLE batch_jobs (
            job TEXT PRIMARY KEY,
            out TEXT NOT NULL,
            generation INTEGER NOT NULL,
            model TEXT NOT NULL,
            mode TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX batch_jobs_out ON batch_jobs (out, generation)")
    db.execute(
        """
        CREATE TABLE batch_rounds (
            job TEXT NOT NULL,
            round INTEGER NOT NULL,
            custom_ids TEXT NOT NULL,
            input_file_id TEXT,
            batch_id TEXT,
            status TEXT NOT NULL,
            output_file_id TEXT,
            error_file_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (job, round)
        )
        """
    )


MIGRATIONS: list[Migration] = [_m001_initial, _m002_openai_batches]
"""Applied in order; the name of each applied function is recorded in ``_migrations``."""


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations ``db`` has not seen yet; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied = []
    for migration in MIGRATIONS:
        name = migration.__name__.lstrip("_")
        if name in done:
            continue
        with db:
            migration(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
        applied.append(name)
    return applied


def default_store_path(settings: Settings | None = None) -> Path:
    """``settings.store_path`` (``SUMMARIZER_STORE``), else ``<user data dir>/summarizer.db``."""
    if settings is not None and settings.store_path is not None:
        return Path(settings.store_path)
    return default_data_dir() / "summarizer.db"


# -- rows and stats -------------------------------------------------------------------------


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


def _percentile(sorted_values: Sequence[float], q: float) -> float | None:
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
            params.append(_iso(self.since))
        if self.model is not None:
            clauses.append("model = ?")
            params.append(self.model)
        if self.failed:
            clauses.append("outcome NOT IN ('ok', 'reask')")
        sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return sql, params


def _iso(moment: datetime) -> str:
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


# -- the store ------------------------------------------------------------------------------


class Store:
    """Response cache + call log in one SQLite file. Safe to share between threads.

    One connection is shared behind a lock: every operation is a short statement (well under
    a millisecond), so a lock costs less than a connection per worker thread and keeps
    closing simple. WAL mode lets ``summarizer logs`` read while a batch writes.

    Args:
        path: the database file; ``None`` means :func:`default_store_path`. ``":memory:"``
            works for tests.
        secrets: extra strings to scrub from anything written (API keys in use).

    Example:
        >>> store = Store(":memory:")
        >>> store.get("missing") is None
        True
        >>> store.close()
    """

    def __init__(self, path: str | Path | None = None, *, secrets: Sequence[str] = ()) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._secrets = [s for s in secrets if s]
        self._lock = threading.RLock()
        memory = str(path) == ":memory:"
        if not memory:
            self._create_private(self.path)
        try:
            self._db = sqlite3.connect(
                ":memory:" if memory else str(self.path),
                check_same_thread=False,
                isolation_level=None,  # autocommit; transactions are explicit (``with self._tx()``)
                timeout=30.0,
            )
            if not memory:
                self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes in WAL mode and skips an fsync
            # per commit (the cache and log are re-creatable; the batch output file is not).
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db)
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"cannot open the store {self.path}: {exc}",
                hint="set SUMMARIZER_STORE to a writable path, or pass --no-cache",
            ) from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store ``settings`` point to, scrubbing the configured API key."""
        return cls(default_store_path(settings), secrets=settings.secrets())

    @staticmethod
    def _create_private(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the file 0600 before SQLite opens it, so it is never world-readable.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR)
        os.close(fd)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if not side.exists():
                fd = os.open(side, os.O_RDWR | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR)
                os.close(fd)

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _scrub(self, text: str | None) -> str | None:
        return None if text is None else redact(text, self._secrets)

    def close(self) -> None:
        """Close the connection (further use raises ``sqlite3.ProgrammingError``)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- response cache (pipeline ResponseCache protocol) ------------------------------------

    def get(self, key: str) -> ArticleAnalysis | None:
        """The cached analysis for ``key``, or ``None`` (also when the row no longer parses)."""
        with self._lock:
            row = self._db.execute("SELECT analysis FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return ArticleAnalysis.model_validate_json(row[0])
        except ValidationError:
            return None  # written by an incompatible version: treat as a miss, overwritten on put

    def put(self, key: str, analysis: ArticleAnalysis) -> None:
        """Cache ``analysis`` under ``key`` (replacing any previous entry).

        An analysis that contains a configured secret is not cached at all (scrubbing it
        would break its evidence offsets).
        """
        meta = analysis.meta
        payload = analysis.model_dump_json()
        if any(secret in payload for secret in self._secrets):
            return
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO responses (key, backend, model, prompt_name, prompt_version,"
                " prompt_sha256, doc_id, created_at, analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key, meta.backend, meta.model, meta.prompt.name, meta.prompt.version,
                    meta.prompt.sha256, analysis.source.id, _iso(meta.created_at), payload,
                ),
            )

    def cached_count(self) -> int:
        """How many responses are cached."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM responses").fetchone()[0])

    def clear_cache(self) -> int:
        """Delete every cached response; return how many there were."""
        with self._tx() as db:
            return db.execute("DELETE FROM responses").rowcount

    # -- provider batch jobs (summarizer.batch.openai_batch) ------------------------------------

    def batch_job(self, out: str, *, model: str, mode: str) -> BatchJob:
        """The running job for ``out``, or a new one (the next generation after a finished one)."""
        with self._tx() as db:
            row = db.execute(
                "SELECT job, out, generation, model, mode, state FROM batch_jobs WHERE out = ?"
                " ORDER BY generation DESC LIMIT 1", (out,)).fetchone()
            if row is not None and row[5] == "running":
                return BatchJob(job=row[0], out=row[1], generation=row[2], model=row[3],
                                mode=row[4], state=row[5])
            generation = 1 if row is None else int(row[2]) + 1
            job = hashlib.sha256(out.encode()).hexdigest()[:16] + f"-{generation}"
            now = _iso(datetime.now(UTC))
            db.execute("INSERT INTO batch_jobs VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
                       (job, out, generation, model, mode, now, now))
        return BatchJob(job=job, out=out, generation=generation, model=model, mode=mode)

    def finish_batch_job(self, job: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE batch_jobs SET state = 'finished', updated_at = ? WHERE job = ?",
                       (_iso(datetime.now(UTC)), job))

    def batch_round(self, job: str, round: int) -> BatchRound | None:
        with self._lock:
            row = self._db.execute(
                "SELECT job, round, custom_ids, input_file_id, batch_id, status, output_file_id,"
                " error_file_id FROM batch_rounds WHERE job = ? AND round = ?", (job, round)).fetchone()
        if row is None:
            return None
        return BatchRound(job=row[0], round=row[1], custom_ids=json.loads(row[2]),
                          input_file_id=row[3], batch_id=row[4], status=row[5],
                          output_file_id=row[6], error_file_id=row[7])

    def save_batch_round(self, entry: BatchRound) -> None:
        now = _iso(datetime.now(UTC))
        with self._tx() as db:
            db.execute(
                "INSERT INTO batch_rounds (job, round, custom_ids, input_file_id, batch_id, status,"
                " output_file_id, error_file_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, round) DO UPDATE SET"
                " input_file_id = excluded.input_file_id, batch_id = excluded.batch_id,"
                " status = excluded.status, output_file_id = excluded.output_file_id,"
                " error_file_id = excluded.error_file_id, updated_at = excluded.updated_at",
                (entry.job, entry.round, json.dumps(entry.custom_ids), entry.input_file_id,
                 entry.batch_id, entry.status, entry.output_file_id, entry.error_file_id, now, now),
            )

    # -- call log (pipeline on_call observer) -------------------------------------------------

    def log_call(self, record: AttemptRecord) -> None:
        """Record one model call. Pass as ``Summarizer(on_call=store.log_call)``.

        The error text is redacted (API keys never reach the file); the cost comes from
        :mod:`summarizer.core.pricing` and is ``NULL`` for models without a known price.
        """
        error_class: str | None = None
        error_message = record.error
        if record.error and record.outcome != "reask":
            # the pipeline reports errors as "ClassName" or "ClassName: message"
            head, _, tail = record.error.partition(": ")
            if head.isidentifier():
                error_class, error_message = head, tail or None
        with self._tx() as db:
            db.execute(
                "INSERT INTO calls (started_at, doc_id, backend, model, prompt_name, prompt_version,"
                " prompt_sha256, attempt, prompt_tokens, completion_tokens, latency_s, outcome,"
                " error_class, error_message, cost_usd)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _iso(record.started_at), record.doc_id, record.backend, record.model,
                    record.prompt.name, record.prompt.version, record.prompt.sha256,
                    record.attempt, record.usage.prompt_tokens, record.usage.completion_tokens,
                    round(record.latency_s, 6), record.outcome, error_class,
                    self._scrub(error_message[:1000] if error_message else None),
                    cost_usd(record.backend, record.model, record.usage),
                ),
            )

    def calls(
        self,
        *,
        since: datetime | None = None,
        model: str | None = None,
        failed: bool = False,
        limit: int | None = None,
    ) -> list[CallRow]:
        """Logged calls, newest first, filtered like ``summarizer logs``."""
        where, params = CallFilter(since=since, model=model, failed=failed).where()
        sql = f"SELECT * FROM calls{where} ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._lock:
            cursor = self._db.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return [CallRow.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    def stats(self, *, since: datetime | None = None, model: str | None = None) -> LogStats:
        """Aggregates over the calls matching the filters (see :class:`LogStats`)."""
        where, params = CallFilter(since=since, model=model).where()
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, model, prompt_tokens, completion_tokens, latency_s, outcome,"
                f" error_class, cost_usd FROM calls{where}",
                params,
            ).fetchall()
        stats = LogStats(calls=len(rows))
        latencies = []
        docs = set()
        for doc_id, model_id, p_tok, c_tok, latency, outcome, error_class, cost in rows:
            docs.add(doc_id)
            stats.prompt_tokens += p_tok
            stats.completion_tokens += c_tok
            latencies.append(latency)
            if cost is None:
                stats.unpriced_calls += 1
            else:
                stats.cost_usd += cost
            stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + 1
            stats.models[model_id] = stats.models.get(model_id, 0) + 1
            if outcome == "reask":
                stats.reasks += 1
            elif outcome != "ok":
                name = error_class or outcome
                stats.failures[name] = stats.failures.get(name, 0) + 1
        latencies.sort()
        stats.documents = len(docs - {None})
        stats.cost_usd = round(stats.cost_usd, 8)
        stats.latency_p50_s = _percentile(latencies, 50)
        stats.latency_p95_s = _percentile(latencies, 95)
        stats.reask_rate = round(stats.reasks / stats.calls, 4) if stats.calls else 0.0
        return stats
