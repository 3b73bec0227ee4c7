"""``summarizer batch --via openai-batch`` end to end: the real ``openai`` client against a
loopback Batch API server (files, batches, file contents), including failed, expired and
partially failed batches, re-asks as a second batch or through the direct path, and a
resume after a crash."""

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
from summarizer.core.models import Usage
from summarizer.core.pricing import cost_usd
from summarizer.store import Store
from summarizer.testing import Reply, ScriptedServer
from summarizer.testing.batch_server import BatchPlan, BatchServer

def _good(n: int) -> dict[str, Any]:
    """A verified summary of article ``n`` (three key points for its three sentences)."""
    return {
        "h": "Council approves budget",
        "a": "The city council approved the budget.",
        "k": [{"x": "The city council approved the budget on Monday.", "e": [1]},
              {"x": f"The vote was {n} to 3.", "e": [2]},
              {"x": "Residents will see new parks next year.", "e": [3]}],
    }


def _ungrounded(n: int) -> dict[str, Any]:
    """Cites a sentence the article does not have: rejected, so the pipeline re-asks."""
    good = _good(n)
    # two of three key points cite no sentence: one verified is short of the two a summary needs
    return {**good, "k": [{"x": "The council approved the budget.", "e": [42]},
                          {**good["k"][1], "e": [43]}, good["k"][2]]}


LABELS = {"favor": -0.1, "against": -3.0, "neutral": -4.0, "none": -5.0, "mixed": -6.0}


def _article(i: int) -> str:
    return (f"The city council approved the budget on Monday. The vote was {i} to 3. "
            "Residents will see new parks next year.")


def _number(body: dict[str, Any]) -> int:
    text = " ".join(str(m.get("content")) for m in body["messages"])
    return int(text.split("The vote was ")[1].split(" ")[0])


def _handler(*, fail: set[int] = frozenset(), reask: set[int] = frozenset()) -> Any:  # type: ignore[assignment]
    def handle(body: dict[str, Any]) -> Reply:
        if body.get("logprobs"):  # a stance label: scored from the first token's logprobs
            return Reply(content="favor", top_logprobs=LABELS)
        n = _number(body)
        if n in fail:
            return Reply(status=500, body={"error": {"message": "scripted outage"}})
        first = len(body["messages"]) == 2
        if n in reask and first:
            return Reply(content=_ungrounded(n))
        if n in reask:  # the re-ask asks for the rejected key point only
            return Reply(content={"k": _good(n)["k"][:1]})
        return Reply(content=_good(n))

    return handle


def _write_input(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "text": _article(i), "outlet": "City News"}) + "\n")
    return path


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _run(src: Path, out: Path, srv: BatchServer, *extra: str) -> int:
    return main(["batch", str(src), "-o", str(out), "--via", "openai-batch", "--base-url",
                 srv.base_url, "--model", "gpt-4o-mini", "--mode", "tools", "--poll-interval", "0",
                 *extra])


@pytest.fixture(autouse=True)
def _fast_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "0")


def test_batch_lines_are_the_direct_requests(tmp_path: Path) -> None:
    """The body of a Batch line is exactly what the direct path POSTs for the same article."""
    src = _write_input(tmp_path / "in.jsonl", 1)
    with BatchServer(handler=_handler()) as srv:
        assert _run(src, tmp_path / "out.jsonl", srv) == 0
        (line,) = srv.requests_in(srv.created[0])
    with ScriptedServer(handler=_handler()) as direct:
        assert main(["batch", str(src), "-o", str(tmp_path / "direct.jsonl"), "--base-url",
                     direct.base_url, "--model", "gpt-4o-mini", "--mode", "tools",
                     "--no-cache"]) == 0
    assert line["custom_id"] == "a0" and line["method"] == "POST"
    assert line["url"] == "/v1/chat/completions"
    assert line["body"] == direct.requests[0]
    assert line["body"]["tools"][0]["function"]["name"] and line["body"]["model"] == "gpt-4o-mini"


def test_reasks_go_out_as_a_second_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_input(tmp_path / "in.jsonl", 6)
    out = tmp_path / "out.jsonl"
    with BatchServer(handler=_handler(fail={4}, reask={2})) as srv:
        code = _run(src, out, srv)
    assert code == 1  # a4 failed inside the batch
    # round 1: every first call; round 2: a2's re-ask and the stance labels of the articles
    # that are done; round 3: a2's labels
    assert len(srv.uploads) == 3 and len(srv.created) == 3
    first, second, third = (srv.requests_in(b) for b in srv.created)
    assert [r["custom_id"] for r in first] == [f"a{i}" for i in range(6)]
    reask = [r for r in second if not r["body"].get("logprobs")]
    assert [r["custom_id"] for r in reask] == ["a2#2"]  # a2's second call
    assert len(reask[0]["body"]["messages"]) == 3  # the re-ask: the problems go back
    labels = [r for r in second if r["body"].get("logprobs")]
    assert labels and {r["custom_id"].split("#")[0] for r in labels} == {"a0", "a1", "a3", "a5"}
    assert all(r["body"]["max_tokens"] == 1 and r["body"]["top_logprobs"] for r in labels)
    assert {r["custom_id"].split("#")[0] for r in third} == {"a2"}
    ok = {r["id"]: r for r in _lines(out)}
    assert sorted(ok) == ["a0", "a1", "a2", "a3", "a5"]
    assert ok["a2"]["meta"]["attempts"] == 2 and ok["a2"]["meta"]["reasks"] == 1
    # two verified key points complete a summary: the third answer's one replacement is enough
    assert {kp["evidence"][0]["sentence"] for kp in ok["a2"]["summary"]["key_points"]} == {1, 3}
    assert all(r["meta"]["backend"] == "openai-batch" for r in ok.values())
    assert all(s["label"] == "favor" for r in ok.values() for s in r["stances"])
    assert any(r["stances"] for r in ok.values())  # labels scored from the batch's logprobs
    (failure,) = _lines(tmp_path / "out.failed.jsonl")
    assert failure["id"] == "a4" and failure["cause"] == "server_error"
    assert failure["status_code"] == 500 and failure["calls"] == 1
    assert srv.chat_requests == []  # nothing went through the direct endpoint
    # the ledger: every model call logged, at half the list price
    store = Store(tmp_path / "store.db")
    logged = store.calls()
    store.close()
    calls = [c for c in logged if c.prompt_name == "summary"]
    assert len(calls) == 7 and {c.backend for c in calls} == {"openai-batch"}  # summary calls
    # label scoring is logged too: one row per scored request of the batch
    scored = [c for c in logged if c.prompt_name == "stance_label"]
    all_labels = [r for batch in (first, second, third) for r in batch if r["body"].get("logprobs")]
    assert len(scored) == len(all_labels) > len(labels) and {c.backend for c in scored} == {"openai-batch"}
    usage = Usage(prompt_tokens=calls[0].prompt_tokens, completion_tokens=calls[0].completion_tokens)
    full = cost_usd("openai", "gpt-4o-mini", usage)
    assert full and calls[0].cost_usd == pytest.approx(full / 2)
    assert "openai batch" in capsys.readouterr().err


def test_reask_direct(tmp_path: Path) -> None:
    src = _write_input(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    with BatchServer(handler=_handler(reask={0, 1})) as srv:
        assert _run(src, out, srv, "--reask-direct") == 0
    assert len(srv.created) == 1  # after round 1 everything went directly
    asks = [b for b in srv.chat_requests if not b.get("logprobs")]
    assert sorted(_number(b) for b in asks) == [0, 1]
    assert all(len(b["messages"]) == 3 for b in asks)  # the re-ask, not a fresh ask
    assert sorted(r["id"] for r in _lines(out)) == ["a0", "a1", "a2"]
    store = Store(tmp_path / "store.db")
    logged = store.calls()
    store.close()
    backends = sorted(c.backend for c in logged if c.prompt_name == "summary")
    assert backends == ["openai", "openai", "openai-batch", "openai-batch", "openai-batch"]
    # label scoring after the direct re-asks went direct too, and is logged
    labels = [b for b in srv.chat_requests if b.get("logprobs")]
    assert len([c for c in logged if c.prompt_name == "stance_label" and c.backend == "openai"]) == len(labels)


def test_failed_batch_then_resume(tmp_path: Path) -> None:
    src = _write_input(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    with BatchServer(handler=_handler(), plans=[BatchPlan(outcome="failed")]) as srv:
        assert _run(src, out, srv) == 1
        failed = _lines(tmp_path / "out.failed.jsonl")
        assert sorted(r["id"] for r in failed) == ["a0", "a1", "a2"]
        assert {r["cause"] for r in failed} == {"batch_failed"}
        assert "scripted validation failure" in failed[0]["message"]
        assert _lines(out) == []
        # the job is finished; --resume starts the next generation for what is not in OUT
        assert _run(src, out, srv, "--resume") == 0
    jobs = [b.obj["metadata"]["summarizer_job"] for b in srv.batches.values()]
    assert len(set(jobs)) == 2 and jobs[0] != jobs[1]  # a new job, with its own rounds
    assert sorted(r["id"] for r in _lines(out)) == ["a0", "a1", "a2"]


def test_expired_batch_keeps_what_finished(tmp_path: Path) -> None:
    src = _write_input(tmp_path / "in.jsonl", 4)
    out = tmp_path / "out.jsonl"
    with BatchServer(handler=_handler(), plans=[BatchPlan(outcome="expired", expire_after=2,
                                                          per_poll=1)]) as srv:
        assert _run(src, out, srv) == 1
        assert sorted(r["id"] for r in _lines(out)) == ["a0", "a1"]
        failed = _lines(tmp_path / "out.failed.jsonl")
        assert sorted(r["id"] for r in failed) == ["a2", "a3"]
        assert {r["cause"] for r in failed} == {"batch_expired"}
        assert _run(src, out, srv, "--resume") == 0
        resumed = [b for b in srv.batches.values() if b.obj["metadata"]["summarizer_job"].endswith("-2")]
        assert [r["custom_id"] for r in resumed[0].lines] == ["a2", "a3"]
    ids = [r["id"] for r in _lines(out)]
    assert sorted(ids) == ["a0", "a1", "a2", "a3"] and len(ids) == 4


def test_crash_between_create_and_record_is_not_submitted_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies right after the provider created the batch, before the store knew its
    id: the rerun finds it by its metadata instead of creating another."""
    src = _write_input(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    real_save = Store.save_batch_round

    class Crash(BaseException):
        pass

    def crashing_save(self: Store, entry: Any) -> None:
        if entry.batch_id is not None:
            raise Crash
        real_save(self, entry)

    with BatchServer(handler=_handler()) as srv:
        monkeypatch.setattr(Store, "save_batch_round", crashing_save)
        with pytest.raises(Crash):
            _run(src, out, srv)
        monkeypatch.setattr(Store, "save_batch_round", real_save)
        assert len(srv.created) == 1 and _lines(out) == []
        assert _run(src, out, srv, "--resume") == 0
    rounds = [b.obj["metadata"]["summarizer_round"] for b in srv.batches.values()]
    assert rounds == ["1", "2"]  # round 1 once (found again), then the labels
    assert sorted(r["id"] for r in _lines(out)) == ["a0", "a1", "a2"]


def test_resume_after_a_killed_process_picks_up_the_same_batch(tmp_path: Path) -> None:
    """SIGKILL while polling; --resume polls the same batch, submits nothing new, writes each
    id once."""
    src = _write_input(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "SUMMARIZER_STORE": str(tmp_path / "store.db"),
           "SUMMARIZER_TRANSPORT_RETRIES": "0"}
    with BatchServer(handler=_handler(reask={3})) as srv:
        srv.paused = True  # the batch stays "validating" until the process is gone
        cmd = [sys.executable, "-m", "summarizer", "batch", str(src), "-o", str(out), "--via",
               "openai-batch", "--base-url", srv.base_url, "--model", "gpt-4o-mini", "--mode",
               "tools", "--poll-interval", "0.05", "--no-progress"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and srv.retrieves < 2:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert srv.retrieves >= 2 and len(srv.created) == 1
        srv.paused = False
        assert _run(src, out, srv, "--resume") == 0
    rounds = [b.obj["metadata"]["summarizer_round"] for b in srv.batches.values()]
    assert rounds == ["1", "2", "3"] and len(srv.uploads) == 3  # round 1 once
    assert "a3#2" in [r["custom_id"] for r in srv.requests_in(srv.created[1])]  # a3's re-ask
    ids = [r["id"] for r in _lines(out)]
    assert sorted(ids) == [f"a{i}" for i in range(5)] and len(ids) == 5
