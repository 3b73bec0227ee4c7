"""``summarizer logs`` and ``summarizer logs stats`` over a store filled by real calls."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer

from summarizer import Summarizer
from summarizer.llm.backends.fake import FakeBackend
from summarizer.cli import main
from summarizer.cli.logs_cmd import parse_since
from summarizer.core.errors import ProviderError
from summarizer.core.settings import Settings
from summarizer.store import Store


@pytest.fixture
def filled_store(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "store.db"  # the SUMMARIZER_STORE conftest sets
    with Store(path) as store:
        bad = {**seed_answer, "k": [{"x": "Invented point.", "e": [999]}]}
        fake = FakeBackend([bad, seed_answer, ProviderError("boom", backend="fake", cause="timeout")])
        # no stance candidates: the log holds the summary calls only (label-scoring calls are
        # logged too, tested in test_batch.py)
        s = Summarizer(backend=fake, on_call=store.log_call, settings=Settings(max_stance_candidates=0))
        s.summarize(seed_text, id="first")
        with pytest.raises(ProviderError):
            s.summarize(seed_text, id="second")
    return path


def test_parse_since() -> None:
    now = datetime(2024, 6, 19, 12, 0, tzinfo=UTC)
    assert parse_since("1h", now=now) == now - timedelta(hours=1)
    assert parse_since("30m", now=now) == now - timedelta(minutes=30)
    assert parse_since("2d", now=now) == now - timedelta(days=2)
    assert parse_since("2024-06-01") == datetime(2024, 6, 1, tzinfo=UTC)
    assert parse_since(None) is None
    with pytest.raises(typer.BadParameter):
        parse_since("yesterday")


def test_logs_json_and_filters(filled_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["doc_id"], r["attempt"], r["outcome"]) for r in rows] == [
        ("first", 1, "reask"), ("first", 2, "ok"), ("second", 1, "provider_error"),
    ]
    assert main(["logs", "--json", "--failed"]) == 0
    (failed,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert failed["error_class"] == "ProviderError" and failed["error_message"] == "boom"
    assert main(["logs", "--json", "-n", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["logs", "--json", "--model", "nope"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["logs", "--json", "--since", "1h"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_logs_table(filled_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs"]) == 0
    out = capsys.readouterr().out
    assert "provider_error" in out and "fake-model" in out


def test_logs_stats(filled_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["calls"] == 3 and stats["documents"] == 2
    assert stats["reasks"] == 1 and stats["reask_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert stats["failures"] == {"ProviderError": 1}
    assert stats["cost_usd"] == 0.0 and stats["unpriced_calls"] == 0
    assert stats["latency_p50_s"] is not None
    assert main(["logs", "stats"]) == 0
    text = capsys.readouterr().out
    assert "calls:        3 (2 documents)" in text and "ProviderError 1" in text


def test_logs_without_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs"]) == 0
    assert "no calls logged yet" in capsys.readouterr().out
    assert main(["logs", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["calls"] == 0
