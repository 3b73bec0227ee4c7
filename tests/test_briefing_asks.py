"""The briefing's model questions (compare, bottom line) go through the one ask loop:
every call reaches the call log, re-asks never echo the rejected answer, a cut-off answer
fails the question without a larger budget, and verified answers are reused from the ask
cache next to the response cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_briefing import EXAMPLES, compare_scores, fake_model

from summarizer.llm.backends.base import CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.briefing import WireBluf, WireComparison, brief, load_articles
from summarizer.briefing.tasks import COMPARE_CHOICES
from summarizer.core.errors import TruncatedOutputError
from summarizer.llm.ask import AttemptRecord
from summarizer.pipeline import Summarizer
from summarizer.core.settings import Settings
from summarizer.store import Store


def _note(backend: FakeBackend, log: list[AttemptRecord], store: Store | None = None,
          **options: Any) -> Any:
    docs, failed = load_articles([EXAMPLES])
    summarizer = Summarizer(backend=backend, settings=Settings(max_reasks=1), strict=False,
                            cache=store, on_call=log.append)
    return brief(docs, topic="Tessel bridge collapse", summarizer=summarizer, failed_inputs=failed,
                 use_model_bottom_line=True, **options)


def _fake(model: Any = fake_model) -> FakeBackend:
    return FakeBackend(default=model, default_distribution=compare_scores)


def test_every_briefing_call_reaches_the_call_log() -> None:
    log: list[AttemptRecord] = []
    backend = _fake()
    note = _note(backend, log)
    names = [r.prompt.name for r in log]
    scored = [r for r in backend.choice_requests if r.choices == tuple(COMPARE_CHOICES)]
    asked = [r for r in backend.requests if r.response_model in (WireComparison, WireBluf)]
    # compare@3 is scored (one forward pass each), the bottom line generated
    assert scored and names.count("compare") == len(scored)
    assert [r.response_model for r in asked] == [WireBluf] and names.count("bluf") == 1
    assert all(r.outcome == "ok" for r in log)
    assert {r.prompt.version for r in log if r.prompt.name == "compare"} == {"3"}
    written = [r for r in log if r.prompt.name != "stance_label"]
    assert note.methods.model_calls == len(backend.requests) + len(scored) == len(written)
    # the analyses' label-scoring calls (stances) are in the call log too
    assert names.count("stance_label") == len(backend.choice_requests) - len(scored) > 0


def test_the_generated_compare_reaches_the_call_log_too() -> None:
    log: list[AttemptRecord] = []
    backend = _fake()
    note = _note(backend, log, compare_by="generate")
    names = [r.prompt.name for r in log]
    asked = [r for r in backend.requests if r.response_model in (WireComparison, WireBluf)]
    assert asked and names.count("compare") + names.count("bluf") == len(asked)
    assert {r.prompt.version for r in log if r.prompt.name == "compare"} == {"2"}
    assert not [r for r in backend.choice_requests if r.choices == tuple(COMPARE_CHOICES)]
    assert note.methods.model_calls == len(backend.requests)


def test_a_rejected_comparison_is_logged_as_a_reask_and_not_echoed() -> None:
    bad = {"r": "agree", "y": "Both say so.", "e": [{"a": "A", "s": [99]}, {"a": "Z", "s": [1]}]}

    def model(request: CompletionRequest) -> Any:
        return bad if request.response_model is WireComparison else fake_model(request)

    log: list[AttemptRecord] = []
    backend = FakeBackend(default=model)
    _note(backend, log, compare_by="generate")
    compares = [r for r in log if r.prompt.name == "compare"]
    assert compares and [r.outcome for r in compares[:2]] == ["reask", "reask"]
    assert "source 'Z' does not exist" in (compares[0].error or "")
    second = [r for r in backend.requests if r.response_model is WireComparison][1]
    assert "Both say so." not in " ".join(m["content"] for m in second.messages)


def test_a_cut_off_bottom_line_is_not_asked_again_with_a_larger_budget() -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=320, partial='{"b": [')

    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireBluf:
            raise cut
        return fake_model(request)

    log: list[AttemptRecord] = []
    backend = FakeBackend(default=model)
    note = _note(backend, log)
    blufs = [r for r in backend.requests if r.response_model is WireBluf]
    assert [r.max_tokens for r in blufs] == [320]
    assert [r.outcome for r in log if r.prompt.name == "bluf"] == ["truncated"]
    assert note.methods.bottom_line_by == "extractive"
    assert any("TruncatedOutputError" in n for n in note.methods.notes)


def test_verified_answers_are_reused_from_the_ask_cache(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.db")
    try:
        first_log: list[AttemptRecord] = []
        first = _note(_fake(), first_log, store)
        assert (tmp_path / "cache.db.briefing-asks.json").is_file()
        assert any(r.prompt.name == "compare" for r in first_log)
        again_log: list[AttemptRecord] = []
        backend = _fake()
        again = _note(backend, again_log, store)
    finally:
        store.close()
    assert backend.requests == [] and backend.choice_requests == [] and again_log == []
    assert again.methods.model_calls == 0
    assert [s.text for s in again.bottom_line] == [s.text for s in first.bottom_line]
    assert [g.relation for g in again.comparisons] == [g.relation for g in first.comparisons]
    assert any("reused from the cache" in n for n in again.methods.notes)


def test_a_bottom_line_that_says_one_sentence_twice_is_sent_back() -> None:
    from summarizer.briefing.models import Citation
    from summarizer.briefing.tasks import BlufTask, WireBottomLine
    from summarizer.llm.prompts import load_prompt

    text = "Hospital officials said at least 19 people died when the Tessel bridge fell."
    cite = Citation(article="a", sentence=1, start=0, end=len(text), text=text)
    other = "Engineers blamed corrosion of the main cables."
    task = BlufTask(load_prompt("bluf"), topic="bridge", disputes=[],
                    points={"D1": (text, [cite]), "D2": (other, [Citation(article="b", sentence=2, start=0,
                                                                          end=len(other), text=other)])})
    said = "Hospital officials said at least 19 people died when the bridge fell."
    looped = WireBluf(b=[WireBottomLine(x=said, d=["D1"]), WireBottomLine(x=said + " ", d=["D1"])])
    assert any("b[1] repeats b[0]" in p for p in task.problems(looped))
    varied = WireBluf(b=[WireBottomLine(x=said, d=["D1"]),
                         WireBottomLine(x="Engineers blamed corrosion of the main cables.", d=["D2"])])
    assert not any("repeats" in p for p in task.problems(varied))
