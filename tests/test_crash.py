"""Crash safety: ``summarizer batch`` killed with SIGKILL at random points and resumed ends with
every article exactly once in the output, no corrupt line, and a consistent SQLite store."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.testing.faults import FaultServer
from tests.test_faults_batch import write_input

N_ARTICLES = 400
KILLS = 2


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    env.update({
        "SUMMARIZER_STORE": str(tmp_path / "store.db"),
        "SUMMARIZER_MODELS_DIR": str(tmp_path / "models"),
        "SUMMARIZER_TIMEOUT_S": "2",
        "SUMMARIZER_TRANSPORT_RETRIES": "5",
    })
    if "SUMMARIZER_PARSERS_DIR" in os.environ:  # the pulled parser models (see conftest)
        env["SUMMARIZER_PARSERS_DIR"] = os.environ["SUMMARIZER_PARSERS_DIR"]
    return env


def _batch(tmp_path: Path, base_url: str, *, resume: bool, run: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "summarizer", "batch", str(tmp_path / "in.jsonl"),
           "-o", str(tmp_path / "out.jsonl"), "--base-url", base_url, "--model", "m",
           "-c", "4", "--no-progress"] + (["--resume"] if resume else [])
    with (tmp_path / f"stderr-{run}.log").open("wb") as err:
        return subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=err)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n") if path.exists() else []


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    texts = write_input(tmp_path / "in.jsonl", N_ARTICLES)
    out = tmp_path / "out.jsonl"
    # transient faults only (retried by the transport layer), so every article can finish
    rates = {"rate_limit": 0.03, "server_error": 0.03, "reset": 0.02}
    torn_seen = 0
    with FaultServer(rates=rates, seed=seed, retry_after_s=0.01) as srv:
        for kill in range(KILLS):
            before = len([ln for ln in _lines(out) if ln.strip()])
            proc = _batch(tmp_path, srv.base_url, resume=kill > 0, run=kill)
            target = before + rng.randint(5, N_ARTICLES // (KILLS + 1))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if len([ln for ln in _lines(out) if ln.strip()]) >= target:
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))  # land anywhere: between lines, mid-write, mid-commit
            assert proc.poll() is None, f"seed {seed}: the batch ended before the kill"
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert proc.returncode == -signal.SIGKILL
            raw = out.read_bytes()
            torn_seen += int(bool(raw) and not raw.endswith(b"\n"))
        proc = _batch(tmp_path, srv.base_url, resume=True, run=KILLS)
        proc.wait(timeout=120)
    assert proc.returncode == 0, (seed, (tmp_path / f"stderr-{KILLS}.log").read_text()[-2000:])

    lines = [ln for ln in out.read_bytes().split(b"\n") if ln.strip()]
    records = [json.loads(ln) for ln in lines]  # no corrupt line: every line parses
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == N_ARTICLES, f"seed {seed}"
    assert set(ids) == set(texts)
    for r in records:
        for claim in r["claims"]:
            for e in claim["evidence"]:
                assert texts[r["id"]][e["start"] : e["end"]] == e["text"]

    with sqlite3.connect(tmp_path / "store.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    print(f"\ncrash: seed {seed}, {KILLS} SIGKILLs, torn last line seen {torn_seen} time(s); "
          f"final output {len(ids)} lines, {len(set(ids))} unique, integrity_check ok",
          file=sys.__stderr__)
