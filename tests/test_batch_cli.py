"""``summarizer batch`` end to end against a loopback chat-completions server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import main
from summarizer.cli.batch_cmd import finished_ids, recover_jsonl
from summarizer.testing import Reply, ScriptedServer

# A summary the engine verifies for every _article(i): three sentences need three key points.
ANSWER = {
    "h": "Council approves budget",
    "a": "The city council approved the budget.",
    "k": [{"x": "The city council approved the budget on Monday.", "e": [1]},
          {"x": "The council approved the budget in a vote.", "e": [1, 2]},
          {"x": "Residents will see new parks next year.", "e": [3]}],
}


def _article(i: int) -> str:
    return (f"The city council approved the budget on Monday. The vote was {i} to 3. "
            "Residents will see new parks next year.")


def _write_input(path: Path, n: int, extra: list[dict[str, Any]] | None = None) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "text": _article(i), "outlet": "City News"}) + "\n")
        for record in extra or []:
            fh.write(json.dumps(record) + "\n")
    return path


def _handler(fail: set[int] | None = None, delay_s: float = 0.0) -> Any:
    def handle(body: dict[str, Any]) -> Reply:
        user = body["messages"][0]["content"]  # the system message holds the numbered article
        number = int(user.split("The vote was ")[1].split(" ")[0])
        if fail and number in fail:
            return Reply(status=500, body={"error": {"message": "scripted outage"}})
        return Reply(content=ANSWER, delay_s=delay_s)

    return handle


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def _fast_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "0")


def test_batch_writes_results_and_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_input(tmp_path / "in.jsonl", 12, extra=[{"id": 99, "text": "   "}])
    out = tmp_path / "out.jsonl"
    with ScriptedServer(handler=_handler(fail={5})) as srv:
        code = main(["batch", str(src), "-o", str(out), "--base-url", srv.base_url, "--model", "m",
                     "-c", "4", "--mode", "tools"])
    assert code == 1  # some items failed
    ok = _lines(out)
    assert len(ok) == 11 and {r["id"] for r in ok} == {f"a{i}" for i in range(12)} - {"a5"}
    assert all(r["source"]["id"] == r["id"] and r["source"]["outlet"] == "City News" for r in ok)
    assert all(r["meta"]["usage"]["prompt_tokens"] > 0 for r in ok)
    failed = _lines(tmp_path / "out.failed.jsonl")
    by_id = {r["id"]: r for r in failed}
    assert by_id["a5"]["error"] == "ProviderError" and by_id["a5"]["cause"] == "server_error"
    assert by_id["a5"]["calls"] == 1 and by_id["a5"]["status_code"] == 500
    assert by_id["99"]["reason"] == "empty" and by_id["99"]["calls"] == 0
    assert len(srv.requests) == 12
    err = capsys.readouterr().err
    assert "11 ok" in err and "2 failed" in err
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_resume_sends_only_what_is_missing(tmp_path: Path) -> None:
    src = _write_input(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out.jsonl"
    with ScriptedServer(handler=_handler(fail={3, 7})) as srv:
        assert main(["batch", str(src), "-o", str(out), "--base-url", srv.base_url, "-c", "3"]) == 1
    # a crash in the middle of writing a8's line: its full line is gone, half of it remains
    lines = out.read_bytes().splitlines(keepends=True)
    a8 = next(line for line in lines if json.loads(line)["id"] == "a8")
    out.write_bytes(b"".join(line for line in lines if line is not a8) + a8[: len(a8) // 2])

    with ScriptedServer(handler=_handler()) as srv2:
        code = main(["batch", str(src), "-o", str(out), "--base-url", srv2.base_url, "--resume",
                     "--no-cache"])
    assert code == 0
    sent = sorted(int(r["messages"][0]["content"].split("The vote was ")[1].split(" ")[0])
                  for r in srv2.requests)
    assert sent == [3, 7, 8]
    records = _lines(out)  # every line parses: the torn one is gone
    assert sorted(r["id"] for r in records) == sorted(f"a{i}" for i in range(10))


def test_resume_uses_the_cache_for_torn_lines(tmp_path: Path) -> None:
    src = _write_input(tmp_path / "in.jsonl", 4)
    out = tmp_path / "out.jsonl"
    with ScriptedServer(handler=_handler()) as srv:
        assert main(["batch", str(src), "-o", str(out), "--base-url", srv.base_url]) == 0
        data = out.read_bytes()
        out.write_bytes(data[: len(data) - 10])  # the last line is torn
        assert main(["batch", str(src), "-o", str(out), "--base-url", srv.base_url, "--resume"]) == 0
    assert len(srv.requests) == 4  # the re-done item came from the cache
    assert len(_lines(out)) == 4 and _lines(out)[-1]["meta"]["cached"] is True


def test_refuses_to_overwrite_and_duplicate_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_input(tmp_path / "in.jsonl", 2, extra=[{"id": "a1", "text": "Again."}])
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--base-url", "http://127.0.0.1:9/v1"]) == 2
    assert "duplicate" in capsys.readouterr().err
    out.write_text('{"id": "x"}\n')
    assert main(["batch", str(src), "-o", str(out), "--base-url", "http://127.0.0.1:9/v1"]) == 2
    assert "--resume" in capsys.readouterr().err
    # a malformed line fails alone (the one article loader's rule), with its line number
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b"\n')
    assert main(["batch", str(bad), "-o", str(tmp_path / "o2.jsonl"), "--base-url", "http://127.0.0.1:9/v1"]) == 1
    failed = {r["id"]: r for r in _lines(tmp_path / "o2.failed.jsonl")}
    assert failed["bad-2"]["reason"] == "bad_jsonl" and "line 2" in failed["bad-2"]["message"]


def test_folder_input(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text(_article(1), encoding="utf-8")
    (folder / "sub" / "two.html").write_text(
        f"<html><body><p>{_article(2)}</p></body></html>", encoding="utf-8")
    (folder / "notes.md").write_text(_article(3), encoding="utf-8")
    (folder / "data.csv").write_text("ignored,not,an,article", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    with ScriptedServer(handler=_handler()) as srv:
        code = main(["batch", str(folder), "-o", str(out), "--base-url", srv.base_url, "--recursive"])
    assert code == 1
    # ids: the path relative to the folder without its suffix (the one article loader's rule)
    assert sorted(r["id"] for r in _lines(out)) == ["notes", "one", "sub/two"]
    assert next(r for r in _lines(out) if r["id"] == "sub/two")["source"]["extracted_from"] == "html"
    (failure,) = _lines(tmp_path / "out.failed.jsonl")
    assert failure["id"] == "empty" and failure["reason"] == "empty"
    # without --recursive, subfolders are not searched
    flat = tmp_path / "flat.jsonl"
    with ScriptedServer(handler=_handler()) as srv:
        main(["batch", str(folder), "-o", str(flat), "--base-url", srv.base_url])
    assert sorted(r["id"] for r in _lines(flat)) == ["notes", "one"]


def test_recover_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}\n{"id": "c", "tr')
    assert recover_jsonl(path) == len(b'{"id": "c", "tr')
    assert path.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'
    assert recover_jsonl(path) == 0
    assert finished_ids(path) == ({"a", "b"}, 0)
    path.write_bytes(b'no newline at all')
    assert recover_jsonl(path) == 17 and path.read_bytes() == b""


@pytest.mark.slow
def test_thousand_lines_interrupted_then_resumed(tmp_path: Path) -> None:
    """1,000 articles: Ctrl-C part-way keeps every finished line; --resume sends only the rest."""
    src = _write_input(tmp_path / "in.jsonl", 1000)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "SUMMARIZER_STORE": str(tmp_path / "store.db"), "SUMMARIZER_TRANSPORT_RETRIES": "0"}
    with ScriptedServer(handler=_handler(delay_s=0.02)) as srv:  # ~25 articles/s: time to interrupt
        cmd = [sys.executable, "-m", "summarizer", "batch", str(src), "-o", str(out),
               "--base-url", srv.base_url, "-c", "8", "--no-cache", "--progress"]
        # A CI runner may start us with SIGINT ignored (as shells do for background jobs); the
        # child must get the default handler, or Python never raises KeyboardInterrupt in it.
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 240  # generous: CI machines can be heavily loaded
        while time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= 150:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err.decode()
        assert b"--resume" in err
    first = _lines(out)  # raises if any line is corrupt
    assert 150 <= len(first) < 1000 and len({r["id"] for r in first}) == len(first)

    with ScriptedServer(handler=_handler()) as srv2:
        resumed = subprocess.run(cmd[:8] + [srv2.base_url, "-c", "16", "--no-cache", "--resume"],
                                 env=env, capture_output=True, timeout=120)
        assert resumed.returncode == 0, resumed.stderr.decode()
    assert len(srv2.requests) == 1000 - len(first)
    assert sorted(r["id"] for r in _lines(out)) == sorted(f"a{i}" for i in range(1000))

    stats = subprocess.run([sys.executable, "-m", "summarizer", "logs", "stats", "--json"],
                           env=env, capture_output=True, timeout=60, check=True)
    calls = json.loads(stats.stdout)["calls"]
    assert calls >= 1000  # items in flight at the interrupt were called twice
