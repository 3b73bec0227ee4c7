"""Local store: response cache and call log (SQLite).

The cache key covers everything that changes an answer: backend, model, prompt content hash,
output schema hash, input hash and options (:func:`~summarizer.store.cache.cache_key`).

:class:`Store` keeps two tables in one SQLite file (default
``<user data dir>/summarizer/summarizer.db``, or ``Settings.store_path`` /
``SUMMARIZER_STORE``):

* ``responses`` — the response cache: one verified :class:`~summarizer.core.models.ArticleAnalysis`
  per key. It satisfies :class:`~summarizer.store.cache.ResponseCache` (``get`` / ``put``).
* ``calls`` — one row per model call (``log_call`` is a pipeline ``on_call`` observer):
  time, document id, backend, model, prompt, attempt, tokens, latency, outcome, error, cost.

The schema evolves through :data:`~summarizer.store.migrations.MIGRATIONS`, a list of functions applied in order and
recorded in a ``_migrations`` table (as simonw/llm does); never edit a released migration,
append a new one. The file is created readable by its owner only, and nothing that could be
an API key is written: error messages pass through :func:`~summarizer.core.errors.redact`.

Example:
    >>> from summarizer import Settings, Store, Summarizer
    >>> store = Store(":memory:")  # or a file; default: default_store_path()
    >>> s = Summarizer(settings=Settings(no_model=True), cache=store, on_call=store.log_call)
    >>> s.summarize("The minister said the plan would pass.").meta.cached
    False
    >>> s.summarize("The minister said the plan would pass.").meta.cached
    True
    >>> store.stats().calls  # no model, no calls
    0
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from ..core.errors import ConfigurationError, redact
from ..core.models import ArticleAnalysis
from ..core.pricing import cost_usd
from ..core.settings import Settings, default_data_dir
from ..llm.ask import AttemptRecord
from .migrations import migrate
from .records import BatchJob, BatchRound, CallFilter, CallRow, LogStats, iso_utc, percentile

__all__ = ["Store", "default_store_path"]


def default_store_path(settings: Settings | None = None) -> Path:
    """``settings.store_path`` (``SUMMARIZER_STORE``), else ``<user data dir>/summarizer.db``."""
    if settings is not None and settings.store_path is not None:
        return Path(settings.store_path)
    return default_data_dir() / "summarizer.db"


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
                    meta.prompt.sha256, analysis.source.id, iso_utc(meta.created_at), payload,
                ),
            )

    def cached_count(self) -> int:
        """How many responses are cached."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM responses").fetchone()[0])

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
            now = iso_utc(datetime.now(UTC))
            db.execute("INSERT INTO batch_jobs VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
                       (job, out, generation, model, mode, now, now))
        return BatchJob(job=job, out=out, generation=generation, model=model, mode=mode)

    def finish_batch_job(self, job: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE batch_jobs SET state = 'finished', updated_at = ? WHERE job = ?",
                       (iso_utc(datetime.now(UTC)), job))

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
        now = iso_utc(datetime.now(UTC))
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
                    iso_utc(record.started_at), record.doc_id, record.backend, record.model,
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
        stats.latency_p50_s = percentile(latencies, 50)
        stats.latency_p95_s = percentile(latencies, 95)
        stats.reask_rate = round(stats.reasks / stats.calls, 4) if stats.calls else 0.0
        return stats
