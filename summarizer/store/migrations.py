"""The store's schema as a list of migrations, applied in order and recorded in a
``_migrations`` table (as simonw/llm does). Never edit a released migration; append one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["MIGRATIONS", "Migration", "migrate"]

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
