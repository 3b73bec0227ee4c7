"""Stage feedback on the single-article path: the observer, and the CLI's display rules."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from typer.testing import CliRunner

from summarizer.core import progress
from summarizer.llm.backends.fake import FakeBackend
from summarizer.cli import app
from summarizer.cli.summarize_cmd import stage_display
from summarizer.core.errors import TruncatedOutputError
from summarizer.core.models import Usage
from summarizer.pipeline import Summarizer
from summarizer.core.settings import Settings
from summarizer.testing import Reply, ScriptedServer
from tests.conftest import SEED_PATH


def _stages(s: Summarizer, text: str) -> list[tuple[str, str | None]]:
    seen: list[tuple[str, str | None]] = []
    s.on_progress = lambda stage, detail: seen.append((stage, detail))
    s.summarize(text)
    return seen


def test_stage_names_live_in_one_place() -> None:
    assert progress.STAGES == ("parsing", "model", "stance labels", "verifying", "re-ask")
    assert progress.describe(progress.MODEL, "summary") == "model (summary)"
    assert progress.describe(progress.REASK, "1/2") == "re-ask 1/2"
    assert progress.describe(progress.VERIFY, None) == "verifying"


def test_observer_sees_the_stages_in_order(seed_text: str, seed_answer: dict[str, Any]) -> None:
    s = Summarizer(backend=FakeBackend([seed_answer]))
    assert _stages(s, seed_text) == [("parsing", None), ("model", "summary"), ("verifying", None),
                                     ("stance labels", None)]


def test_reasks_are_counted(seed_text: str, seed_answer: dict[str, Any]) -> None:
    bad = {**seed_answer, "k": [{"x": "Invented point.", "e": [999]}]}
    s = Summarizer(backend=FakeBackend([bad, "not json", seed_answer]), settings=Settings(max_reasks=2))
    assert _stages(s, seed_text) == [
        ("parsing", None), ("model", "summary"), ("verifying", None),
        ("re-ask", "1/2"), ("verifying", None),
        ("re-ask", "2/2"), ("verifying", None), ("stance labels", None),
    ]


def test_a_truncated_answer_is_a_retry_of_the_model_call(seed_text: str, seed_answer: dict[str, Any]) -> None:
    s = Summarizer(backend=FakeBackend([seed_answer]))
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=s.settings.max_tokens, partial='{"h": "R',
                               usage=Usage(prompt_tokens=1, completion_tokens=1))
    s.backend.answers.appendleft(cut)  # type: ignore[attr-defined]
    stages = _stages(s, seed_text)
    assert [st for st, _ in stages] == ["parsing", "model", "model", "verifying", "stance labels"]
    assert stages[2][1] == f"retry: max_tokens {2 * s.settings.max_tokens}"


def test_a_cache_hit_reports_only_parsing(seed_text: str, seed_answer: dict[str, Any]) -> None:
    class Cache(dict[str, Any]):
        def put(self, key: str, value: Any) -> None:
            self[key] = value

    s = Summarizer(backend=FakeBackend([seed_answer]), cache=Cache())  # type: ignore[arg-type]
    _stages(s, seed_text)
    assert _stages(s, seed_text) == [("parsing", None)]


def test_no_observer_is_fine(seed_text: str, seed_answer: dict[str, Any]) -> None:
    assert Summarizer(backend=FakeBackend([seed_answer])).summarize(seed_text).claims


def test_cli_prints_nothing_on_stderr_when_it_is_not_a_terminal(seed_answer: dict[str, Any]) -> None:
    runner = CliRunner()
    for extra in ([], ["--quiet"]):
        with ScriptedServer([Reply(content=seed_answer)]) as srv:
            result = runner.invoke(app, ["summarize", str(SEED_PATH), "--base-url", srv.base_url,
                                         "-m", "m", "-f", "json", *extra])
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        assert result.stdout.lstrip().startswith("{")


def test_cli_shows_stages_on_a_terminal_and_not_with_quiet(seed_answer: dict[str, Any],
                                                           monkeypatch: Any) -> None:
    from summarizer.cli import summarize_cmd

    screen = io.StringIO()
    shown: list[Console | None] = []
    real = summarize_cmd.stage_display

    def display(console: Console | None) -> Any:
        shown.append(console)
        return real(None if console is None else Console(file=screen, force_terminal=True, width=80))

    monkeypatch.setattr(summarize_cmd, "stage_display", display)
    monkeypatch.setattr(summarize_cmd, "stderr_is_terminal", lambda: True)
    runner = CliRunner()
    for quiet in (False, True):
        with ScriptedServer([Reply(content=seed_answer)]) as srv:
            result = runner.invoke(app, ["summarize", str(SEED_PATH), "--base-url", srv.base_url,
                                         "-m", "m", "-f", "json", *(["-q"] if quiet else [])])
        assert result.exit_code == 0, result.output
    assert shown[0] is not None and shown[1] is None  # a display on the terminal; none with -q
    # a spinner redraws a few times a second: the last stage reached is on the screen when it stops
    assert "stance labels" in screen.getvalue()


def test_stage_display_draws_the_current_stage() -> None:
    screen = io.StringIO()
    with stage_display(Console(file=screen, force_terminal=True, width=80)) as show:
        assert show is not None
        show(progress.MODEL, "summary")
        show(progress.REASK, "1/2")
    assert "re-ask 1/2" in screen.getvalue()
    with stage_display(None) as nothing:
        assert nothing is None
