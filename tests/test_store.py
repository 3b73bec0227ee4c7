"""The SQLite store: response cache keys, call log rows, stats, migrations, no secrets."""

from __future__ import annotations

import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from summarizer import Settings, Summarizer
from summarizer.llm.backends.fake import FakeBackend
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.core.errors import ProviderError
from summarizer.core.models import PromptRef, Usage
from summarizer.llm.ask import AttemptRecord
from summarizer.store import MIGRATIONS, Store, default_store_path
from summarizer.testing import Reply, ScriptedServer

PLANTED = "sk-test-PLANTED123456"
REF = PromptRef(name="analyze", version="1", sha256="ab" * 32)


def _record(**kw: Any) -> AttemptRecord:
    values: dict[str, Any] = dict(
        backend="openai", model="gpt-4o-mini", prompt=REF, attempt=1,
        usage=Usage(prompt_tokens=1000, completion_tokens=200), latency_s=0.5, outcome="ok",
        doc_id="d1",
    )
    values.update(kw)
    return AttemptRecord(**values)


def test_default_path_follows_settings_and_env(tmp_path: Path) -> None:
    assert default_store_path(Settings(store_path=tmp_path / "x.db")) == tmp_path / "x.db"
    assert Settings.from_env().store_path == tmp_path / "store.db"  # conftest sets SUMMARIZER_STORE
    assert default_store_path(Settings()).name == "summarizer.db"


def test_file_is_private_wal_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "s.db"
    with Store(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT name FROM _migrations")] == [
        m.__name__.lstrip("_") for m in MIGRATIONS]
    assert MIGRATIONS[0].__name__ == "_m001_initial"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"responses", "calls", "_migrations"} <= tables


def test_new_migration_is_applied_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    runs = []

    def m002_add_note(db: sqlite3.Connection) -> None:
        runs.append(1)
        db.execute("ALTER TABLE calls ADD COLUMN note TEXT")

    monkeypatch.setattr("summarizer.store.migrations.MIGRATIONS", [*MIGRATIONS, m002_add_note])
    Store(path).close()
    Store(path).close()
    assert runs == [1]
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(calls)")]
    assert "note" in columns


def test_cache_hit_and_misses_by_key_part(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    fake = FakeBackend(default=seed_answer)
    s = Summarizer(backend=fake, cache=store)
    first = s.summarize(seed_text)
    again = s.summarize(seed_text, id="other-id")
    assert len(fake.requests) == 1
    assert again.meta.cached and not first.meta.cached
    assert again.source.id == "other-id"
    assert again.summary == first.summary

    # a new prompt version is a different template hash: miss
    s.template = s.template.model_copy(update={"version": "2-test"})
    s.summarize(seed_text)
    assert len(fake.requests) == 2
    # another model: miss
    Summarizer(backend=FakeBackend(default=seed_answer, model="other"), cache=store).summarize(seed_text)
    # another language option or text: miss
    fake2 = FakeBackend(default=seed_answer)
    Summarizer(backend=fake2, cache=store, language="French").summarize(seed_text)
    Summarizer(backend=fake2, cache=store).summarize(seed_text + "\n\nOne more sentence.")
    assert len(fake2.requests) == 2
    assert store.cached_count() == 5


def test_new_grounding_rules_miss_the_cache(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An analysis made by older verification or attribution rules is not served again."""
    from summarizer import pipeline

    store = Store(tmp_path / "s.db")
    fake = FakeBackend(default=seed_answer)
    Summarizer(backend=fake, cache=store).summarize(seed_text)
    monkeypatch.setattr(pipeline, "GROUNDING_VERSION", pipeline.GROUNDING_VERSION + "-next")
    again = Summarizer(backend=fake, cache=store).summarize(seed_text)
    assert len(fake.requests) == 2 and not again.meta.cached


def test_unparseable_cache_row_is_a_miss(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    fake = FakeBackend(default=seed_answer)
    s = Summarizer(backend=fake, cache=store)
    s.summarize(seed_text)
    with store._tx() as db:  # simulate a row written by an incompatible version
        db.execute("UPDATE responses SET analysis = '{\"old\": true}'")
    assert not s.summarize(seed_text).meta.cached
    assert len(fake.requests) == 2


def test_log_rows_for_reask_then_ok(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    # the second key point cites a sentence that does not state it; the re-ask replaces it alone
    wrong = {"x": "The treaty provides for mutual assistance in case of aggression.", "e": [13]}
    bad = {**seed_answer, "k": [seed_answer["k"][0], wrong]}  # 1 of the 2 needed verifies
    fake = FakeBackend([bad, {"k": [{**wrong, "e": [10]}]}])
    # no stance candidates: the stance-label calls are not reported to on_call (yet), so only
    # the summary's calls are made and their log rows must add up to the result's tokens
    settings = Settings(max_stance_candidates=0)
    result = Summarizer(backend=fake, settings=settings, on_call=store.log_call).summarize(
        seed_text, id="doc-7")
    rows = store.calls()
    assert [(r.attempt, r.outcome) for r in rows] == [(2, "ok"), (1, "reask")]  # newest first
    assert all(r.doc_id == "doc-7" and r.backend == "fake" and r.prompt_name == "summary" for r in rows)
    assert rows[1].error_message and "sentences [13] do not state" in rows[1].error_message
    assert sum(r.prompt_tokens for r in rows) == result.meta.usage.prompt_tokens
    assert sum(r.completion_tokens for r in rows) == result.meta.usage.completion_tokens
    stats = store.stats()
    assert (stats.calls, stats.reasks, stats.reask_rate, stats.documents) == (2, 1, 0.5, 1)


def test_provider_error_is_logged_with_class(seed_text: str, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    fake = FakeBackend([ProviderError("upstream 503", backend="fake", cause="server_error")])
    with pytest.raises(ProviderError):
        Summarizer(backend=fake, on_call=store.log_call).summarize(seed_text)
    (row,) = store.calls(failed=True)
    assert (row.outcome, row.error_class, row.error_message) == ("provider_error", "ProviderError", "upstream 503")
    assert store.stats().failures == {"ProviderError": 1}


def test_cost_arithmetic_and_stats(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    now = datetime.now(UTC)
    store.log_call(_record(latency_s=1.0, started_at=now - timedelta(hours=3)))
    for i in range(2, 11):
        store.log_call(_record(latency_s=float(i), started_at=now, doc_id=f"d{i}"))
    store.log_call(_record(model="mystery-model", latency_s=0.1, outcome="truncated",
                           error="TruncatedOutputError: cut", started_at=now))
    rows = store.calls(model="gpt-4o-mini")
    # gpt-4o-mini: $0.15 / 1M in, $0.60 / 1M out -> 1000 * 0.15e-6 + 200 * 0.6e-6
    assert rows[0].cost_usd == pytest.approx(0.00015 + 0.00012)
    stats = store.stats()
    assert stats.calls == 11 and stats.unpriced_calls == 1
    assert stats.cost_usd == pytest.approx(10 * 0.00027)
    assert stats.latency_p50_s == 5.0 and stats.latency_p95_s == 10.0
    assert stats.failures == {"TruncatedOutputError": 1}
    assert stats.prompt_tokens == 11_000 and stats.models == {"gpt-4o-mini": 10, "mystery-model": 1}
    recent = store.stats(since=now - timedelta(hours=1))
    assert recent.calls == 10
    assert len(store.calls(limit=3)) == 3


def test_concurrent_writers(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")

    def write() -> None:
        for _ in range(50):
            store.log_call(_record())

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.stats().calls == 400


def test_no_api_key_in_the_store_file(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store(path, secrets=[PLANTED])
    leak = {"error": {"message": f"Incorrect API key provided: {PLANTED}", "type": "invalid_request_error"}}
    with ScriptedServer([Reply(status=401, body=leak), Reply(content=seed_answer)]) as srv:
        backend = OpenAIBackend(model="m", base_url=srv.base_url, api_key=PLANTED, mode="tools",
                                transport_retries=0, timeout_s=5)
        s = Summarizer(backend=backend, cache=store, on_call=store.log_call)
        with pytest.raises(ProviderError):
            s.summarize(seed_text)
        s.summarize(seed_text)
    assert len(srv.requests) == 2
    # the reask/error text written by the log goes through redact() even without `secrets`
    store.log_call(_record(outcome="provider_error", error=f"ProviderError: key {PLANTED} refused"))
    store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("s.db*"))
    assert PLANTED.encode() not in data
    assert b"PLANTED" not in data
    rows = Store(path).calls(failed=True)
    assert len(rows) == 2 and all("***" in (r.error_message or "") for r in rows)


def test_analysis_containing_a_secret_is_not_cached(seed_answer: dict[str, Any], tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db", secrets=["Pyongyang"])
    s = Summarizer(backend=FakeBackend(default=seed_answer), cache=store)
    s.summarize((Path(__file__).parent.parent / "examples" /
                 "global-times-2024-06-19-russia-dprk-treaty.txt").read_text(encoding="utf-8"))
    assert store.cached_count() == 0
