"""A planted API key never appears in logs, the store, reports, error messages or ``--debug``
output — even when the provider echoes it back — and files made for the user are 0600."""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
import warnings
from pathlib import Path
from typing import Any

import openai
import pytest

from summarizer import Summarizer
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.cli import main
from summarizer.core.errors import ProviderError
from summarizer.evals.injection import run_injection
from summarizer.evals.report import write_report
from summarizer.core.settings import Settings
from summarizer.testing import Reply, ScriptedServer
from summarizer.testing.faults import FaultServer, grounded_answer

KEY = "sk-test-PLANTED1234567890"
PLAIN_KEY = "PLANTEDplainKEY0987654321"  # does not look like a key: only the secrets list catches it
ARTICLE = (
    "City council approves new budget\n\n"
    "The city council voted on Tuesday to approve the budget for next year. "
    "Mayor Ana Ruiz said the budget protects libraries and parks. "
    "Opposition leader Tomas Berg warned that property taxes would rise."
)
ROOT = Path(__file__).resolve().parent.parent


class _EchoServer(ScriptedServer):
    """ScriptedServer whose error bodies repeat the request's bearer token."""

    def __init__(self, status: int) -> None:
        super().__init__(handler=self._reply)
        self.status = status
        self.tokens: list[str] = []
        inner = self._server.RequestHandlerClass
        server = self

        class _H(inner):  # type: ignore[misc,valid-type]
            def do_POST(self) -> None:
                server.tokens.append(self.headers.get("Authorization", ""))
                super().do_POST()

        self._server.RequestHandlerClass = _H

    def _reply(self, body: dict[str, Any]) -> Reply:
        token = self.tokens[-1] if self.tokens else ""
        return Reply(status=self.status, body={"error": {
            "message": f"Incorrect API key provided: {token}; api_key={token.split()[-1] if token else ''}",
            "type": "invalid_request_error", "code": "invalid_api_key"}})


def _cli(argv: list[str]) -> int:
    """Run the CLI in-process, then collect the HTTP client it leaves for process exit."""
    with warnings.catch_warnings():
        code = main(argv)
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    return code


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert KEY not in text
        assert "PLANTED1234567890" not in text
        assert PLAIN_KEY not in text


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_API_KEY", KEY)
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_RETRIES", "0")


@pytest.mark.parametrize(("status", "key"), [(401, KEY), (500, KEY), (401, PLAIN_KEY)])
def test_failing_run_with_debug_never_shows_the_key(
    status: int, key: str, planted: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUMMARIZER_API_KEY", key)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE)
    caplog.set_level(logging.DEBUG)
    with _EchoServer(status) as srv:
        code = _cli(["--debug", "summarize", str(article), "--base-url", srv.base_url, "--model", "m"])
    captured = capsys.readouterr()
    assert code == 1
    assert srv.tokens and key in srv.tokens[0], "the key was really sent to the provider"
    assert "Traceback" in captured.err  # --debug really printed the traceback chain
    _assert_clean(captured.out, captured.err, caplog.text)
    err_line = captured.err.strip().splitlines()[-1]
    assert err_line.startswith("summarizer: error: ") and f"HTTP {status}" in err_line


def test_provider_error_message_and_attributes_are_redacted() -> None:
    with (
        _EchoServer(401) as srv,
        openai.OpenAI(base_url=srv.base_url, api_key=PLAIN_KEY, max_retries=0) as client,
    ):
        backend = OpenAIBackend(model="m", base_url=srv.base_url, api_key=PLAIN_KEY, client=client)
        with pytest.raises(ProviderError) as info:
            Summarizer(backend=backend).summarize(ARTICLE)
    assert PLAIN_KEY in srv.tokens[0]
    _assert_clean(str(info.value), repr(info.value.args))
    assert info.value.cause == "auth" and info.value.status_code == 401


def test_store_logs_and_batch_files_hold_no_key_and_are_private(
    planted: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    items = tmp_path / "in.jsonl"
    lines = [{"id": f"a{i}", "text": ARTICLE.replace("Tuesday", f"day {i}")} for i in range(4)]
    # an article that itself contains the key: its analysis must not be cached or echoed.
    # (Evidence quotes the user's own article verbatim: a sentence holding the key that the
    # model or the attribution rules cite would be quoted; this one credits nobody.)
    lines.append({"id": "leaky", "text": ARTICLE + f" The leaked token was {KEY}."})
    items.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "out.jsonl"
    store = tmp_path / "store.db"
    with FaultServer(rates={"server_error": 0.3}, seed=5) as srv:
        code = _cli(["batch", str(items), "-o", str(out), "--base-url", srv.base_url, "--model", "m",
                     "--no-progress"])
    assert code in (0, 1)
    assert main(["logs", "--limit", "50", "--json"]) == 0
    captured = capsys.readouterr()
    _assert_clean(captured.out, captured.err)
    failures = out.with_name("out.failed.jsonl")
    files = [out, store] + [p for p in (failures, Path(f"{store}-wal"), Path(f"{store}-shm")) if p.exists()]
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path
    for path in files:
        data = path.read_bytes()
        assert KEY.encode() not in data and b"PLANTED1234567890" not in data, path
    with sqlite3.connect(store) as db:
        dump = "\n".join(db.iterdump())
    _assert_clean(dump)


def test_eval_report_files_hold_no_key(tmp_path: Path) -> None:
    with (
        FaultServer(rates={"server_error": 0.5, "ungrounded": 0.2}, seed=2) as srv,
        openai.OpenAI(base_url=srv.base_url, api_key=KEY, max_retries=0) as client,
    ):
        backend = OpenAIBackend(model="m", base_url=srv.base_url, api_key=KEY, client=client)
        report = run_injection(ROOT / "evals" / "injection", backend=backend,
                               settings=Settings(api_key=KEY, max_reasks=0), limit=4)
    assert any(c.error for c in report.cases), "some errors were recorded"
    paths = write_report(report, tmp_path / "report")
    for path in paths:
        _assert_clean(path.read_text(encoding="utf-8"))


def test_write_output_is_private(tmp_path: Path) -> None:
    from summarizer.cli.common import write_output

    target = tmp_path / "deep" / "result.md"
    write_output("hello", target)
    assert target.stat().st_mode & 0o777 == 0o600
    target.chmod(0o644)
    write_output("again", target)  # replacing an existing file keeps it private
    assert target.stat().st_mode & 0o777 == 0o600


def test_grounded_answer_helper_is_deterministic() -> None:
    body = {"messages": [{"role": "user", "content": "<article>\n[1] Ana Ruiz said yes.\n</article>"}]}
    assert grounded_answer(body) == grounded_answer(body)


def test_eval_reports_and_cache_are_private(tmp_path: Path) -> None:
    from summarizer.evals.cache import AnswerCache
    from summarizer.evals.results import EvalReport
    from summarizer.evals.report import write_report

    report = EvalReport(suite="fixtures", created_at=__import__("datetime").datetime.now())
    for path in write_report(report, tmp_path / "out"):
        assert path.stat().st_mode & 0o777 == 0o600, path
    cache = AnswerCache(tmp_path / "cache")
    cache.put("k", {"a": 1})
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in (tmp_path / "cache").rglob("*") if p.is_file())
