"""The faithfulness judge runs on the one ask loop: re-asks without echoing, the call log,
truncation doubling, the answer cache, and a conservative verdict when it never answers."""

from __future__ import annotations

from pathlib import Path

from summarizer.llm.backends.fake import FakeBackend
from summarizer.core.errors import TruncatedOutputError
from summarizer.evals.cache import AnswerCache
from summarizer.evals.faithfulness import LLMJudge
from summarizer.llm.ask import AttemptRecord

SOURCE = "The council met on Monday. It approved the harbour budget."
SUMMARY = "The council met on Monday. It approved the budget."


def test_a_wrong_count_is_reasked_without_echoing_the_answer() -> None:
    log: list[AttemptRecord] = []
    fake = FakeBackend([{"v": ["n", "n", "n"]}, {"v": ["y", "n"]}])
    verdict = LLMJudge(backend=fake, on_call=log.append).check(SOURCE, SUMMARY)
    assert verdict.supported == [True, False] and verdict.calls == 2
    reask = fake.requests[1].messages
    assert [m["role"] for m in reask] == ["system", "user", "user"]
    assert "'v' has 3 entries; it must have exactly 2" in reask[-1]["content"]
    assert '"n", "n", "n"' not in " ".join(m["content"] for m in reask)
    assert [(r.outcome, r.prompt.name) for r in log] == [("reask", "faithfulness"), ("ok", "faithfulness")]


def test_never_answering_counts_nothing_as_supported() -> None:
    fake = FakeBackend(default="not json at all")
    verdict = LLMJudge(backend=fake, max_reasks=1).check(SOURCE, SUMMARY)
    assert verdict.supported == [False, False] and verdict.calls == 2 == len(fake.requests)


def test_a_cut_off_answer_is_asked_again_with_a_doubled_budget() -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=28, partial='{"v": ["y"')
    fake = FakeBackend([cut, {"v": ["y", "y"]}])
    verdict = LLMJudge(backend=fake).check(SOURCE, SUMMARY)
    assert verdict.faithful and [r.max_tokens for r in fake.requests] == [28, 56]


def test_a_cached_verdict_makes_no_call(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "answers")
    first = LLMJudge(backend=FakeBackend(default={"v": ["y", "n"]}), cache=cache).check(SOURCE, SUMMARY)
    fake = FakeBackend(default={"v": ["n", "n"]})
    again = LLMJudge(backend=fake, cache=cache).check(SOURCE, SUMMARY)
    assert again.supported == first.supported == [True, False] and fake.requests == []
