"""1,000 articles through ``summarizer batch`` with 20% of requests faulted: every article ends
in the output or in the failures file with its reason — none lost, none duplicated — and a
``--resume`` re-run retries only the failures."""

from __future__ import annotations

import gc
import json
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from summarizer import ArticleAnalysis
from summarizer.cli import main
from summarizer.testing.faults import FAULT_KINDS, FaultServer

N_ARTICLES = 1000
FAULT_RATE = 0.20
SPEAKERS = ["Ana Ruiz", "Tomas Berg", "Lena Okafor", "Piet Vermeer"]
_ITEM = re.compile(r"spending item (\d+) for")


def article(i: int) -> str:
    """A short article whose text names its number (so a request can be traced to its id)."""
    return (
        f"Council approves budget item {i}\n\n"
        f"The city council voted on Tuesday to approve spending item {i} for district {i % 37}. "
        f"Mayor {SPEAKERS[i % 4]} said the item number {i} protects libraries and parks. "
        f"Opposition leader Tomas Berg warned that taxes would rise by {i % 9 + 1} percent. "
        "The vote was eight to three."
    )


def write_input(path: Path, n: int) -> dict[str, str]:
    texts = {f"art-{i:04d}": article(i) for i in range(n)}
    path.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    return texts


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def requested_ids(server: FaultServer) -> set[str]:
    ids = set()
    for body in server.requests:
        m = _ITEM.search(body["messages"][0]["content"])  # the article: system message
        if m:
            ids.add(f"art-{int(m.group(1)):04d}")
    return ids


def run_cli(argv: list[str]) -> int:
    """The CLI in-process; its HTTP client is left for process exit, so collect it here."""
    with warnings.catch_warnings():
        code = main(argv)
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    return code


@pytest.mark.slow
def test_batch_under_faults_loses_nothing_and_resume_retries_only_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUMMARIZER_TIMEOUT_S", "0.5")
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "1")
    monkeypatch.setenv("SUMMARIZER_MAX_REASKS", "1")
    texts = write_input(tmp_path / "in.jsonl", N_ARTICLES)
    out, failed = tmp_path / "out.jsonl", tmp_path / "out.failed.jsonl"
    rates = {kind: FAULT_RATE / len(FAULT_KINDS) for kind in FAULT_KINDS}
    with FaultServer(rates=rates, seed=1, stall_s=1.5, retry_after_s=0.02) as srv:
        code = run_cli(["batch", str(tmp_path / "in.jsonl"), "-o", str(out), "--base-url", srv.base_url,
                        "--model", "m", "-c", "8", "--no-progress"])
    ok, bad = read_jsonl(out), read_jsonl(failed)
    ok_ids, bad_ids = [r["id"] for r in ok], [r["id"] for r in bad]

    # faults really happened, at about the configured rate, of every kind
    requests = len(srv.requests)
    assert 0.15 <= srv.total_injected / requests <= 0.25, (srv.injected, requests)
    assert set(srv.injected) == set(FAULT_KINDS)
    # nothing lost, nothing duplicated
    assert len(ok_ids) == len(set(ok_ids)) and len(bad_ids) == len(set(bad_ids))
    assert set(ok_ids).isdisjoint(bad_ids)
    assert set(ok_ids) | set(bad_ids) == set(texts)
    assert code == (1 if bad else 0)
    assert len(ok) >= 0.9 * N_ARTICLES  # transport retries and re-asks absorb most faults
    for line in bad:  # each failure says why
        assert line["error"] in {"ProviderError", "TruncatedOutputError", "OutputValidationError"}
        assert line["message"]
    for line in ok:
        result = ArticleAnalysis.model_validate({k: v for k, v in line.items() if k != "id"})
        assert result.check_offsets(texts[line["id"]]) == []
    print(f"\nfaults injected: {dict(srv.injected)} of {requests} requests "
          f"({srv.total_injected / requests:.1%}); articles ok {len(ok)}, failed {len(bad)}, "
          f"lost {N_ARTICLES - len(set(ok_ids) | set(bad_ids))}, duplicated {len(ok_ids) - len(set(ok_ids))}",
          file=sys.__stderr__)

    # --resume against a healthy server asks only about the failures
    with FaultServer() as healthy:
        code = run_cli(["batch", str(tmp_path / "in.jsonl"), "-o", str(out), "--base-url", healthy.base_url,
                        "--model", "m", "-c", "8", "--no-progress", "--resume"])
    assert code == 0
    assert requested_ids(healthy) == set(bad_ids)
    final = [r["id"] for r in read_jsonl(out)]
    assert len(final) == len(set(final)) == N_ARTICLES
    print(f"resume: {len(requested_ids(healthy))} articles re-sent (= the {len(bad_ids)} failures); "
          f"output {len(final)} unique ids", file=sys.__stderr__)
    capsys.readouterr()
