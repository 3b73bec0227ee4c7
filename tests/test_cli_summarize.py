"""``summarizer summarize`` end to end against a loopback server."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import main
from summarizer.testing import Reply, ScriptedServer
from tests.conftest import SEED_PATH


FAVOR = {"favor": -0.05, "neutral": -3.5, "none": -4.0, "against": -5.0, "mixed": -6.0}


def test_markdown_output(seed_answer: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    # the summary answer, then every stance-label request scored "favor" (logprobs replies)
    replies = [Reply(content=seed_answer)] + [Reply(content="favor", top_logprobs=FAVOR)] * 8
    with ScriptedServer(replies) as srv:
        code = main(["summarize", str(SEED_PATH), "--base-url", srv.base_url, "--model", "m"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("# Russia and North Korea sign")
    assert "| Putin | person | direct (explained) |" in out  # a claim from the parse
    labelled = len(srv.label_requests) or sum(1 for r in srv.requests if r.get("logprobs"))
    assert labelled >= 1
    match = re.search(r"^## Stances \((\d+)\)$", out, re.MULTILINE)
    assert match is not None and int(match.group(1)) >= 1
    assert "favor" in out.split("## Stances", 1)[1]


def test_json_output_is_the_contract(seed_answer: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    with ScriptedServer([Reply(content=seed_answer)]) as srv:
        code = main(["summarize", str(SEED_PATH), "--base-url", srv.base_url, "-f", "json", "-o", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    text = SEED_PATH.read_text()
    assert set(data) == {"schema_version", "source", "summary", "claims", "stances", "rejected", "meta"}
    for claim in data["claims"]:
        for e in claim["evidence"]:
            assert text[e["start"] : e["end"]] == e["text"]
    assert out.stat().st_mode & 0o777 == 0o600


def test_stdin_input(seed_answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_PATH.read_bytes())))
    with ScriptedServer([Reply(content=seed_answer)]) as srv:
        assert main(["summarize", "-", "--base-url", srv.base_url, "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["sentences"] == 21


def test_errors_are_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    code = main(["summarize", str(empty), "--base-url", "http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "empty" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["summarize", "--bogus"],  # unknown option
    ["eval", "--suite", "nope"],  # value outside the choices
    ["eval", "validate", "--data", "x"],  # option of another command
])
def test_usage_errors_show_usage_not_a_traceback(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """typer >= 0.2x vendors click: its usage errors are not ``click.ClickException``s."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "Usage: summarizer" in err and "Error:" in err


def test_debug_shows_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02abc")
    code = main(["--debug", "summarize", str(binary), "--base-url", "http://127.0.0.1:9/v1"])
    assert code == 2
    assert "Traceback" in capsys.readouterr().err


def test_no_backend_configured_says_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["summarize", str(SEED_PATH)])
    err = capsys.readouterr().err
    assert code == 3
    assert "summarizer models pull" in err and "SUMMARIZER_BASE_URL" in err


def test_provider_failure_exit_code_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    with ScriptedServer(default=Reply(status=401, body={"error": {"message": "bad key"}})) as srv:
        code = main(["summarize", str(SEED_PATH), "--base-url", srv.base_url, "--mode", "tools"])
    err = capsys.readouterr().err
    assert code == 1 and "auth" in err and "HTTP 401" in err


def test_console_script_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "summarizer", "summarize", "--help"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "--base-url" in proc.stdout and "--format" in proc.stdout
