"""The one ask loop: budget, re-asks built by the task, truncation doubling, the call log."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pydantic import BaseModel

from summarizer import ProviderError, TruncatedOutputError
from summarizer.llm.backends.base import Completion, CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.llm.ask import AttemptRecord, Verdict, ask
from summarizer.core.models import PromptRef


class Answer(BaseModel):
    n: int


@dataclass
class EvenTask:
    """Accepts an even number; asks again naming the odd one."""

    prompt: PromptRef = field(default_factory=lambda: PromptRef(name="even", version="1", sha256="x"))

    def first_request(self, max_tokens: int) -> CompletionRequest:
        return CompletionRequest(messages=[{"role": "user", "content": "even?"}],
                                 response_model=Answer, max_tokens=max_tokens)

    def check(self, completion: Completion) -> Verdict[int]:
        n = (completion.data or {}).get("n")
        if not isinstance(n, int):
            return Verdict(None, ["no number"])
        return Verdict(n, [] if n % 2 == 0 else [f"{n} is odd"])

    def next_request(self, verdict: Verdict[int], max_tokens: int) -> CompletionRequest:
        return CompletionRequest(messages=[{"role": "user", "content": "; ".join(verdict.problems)}],
                                 response_model=Answer, max_tokens=max_tokens)


def test_reasks_until_accepted_and_logs_every_call() -> None:
    log: list[AttemptRecord] = []
    fake = FakeBackend([{"n": 3}, {"n": 4}])
    result = ask(fake, EvenTask(), budget=3, on_call=log.append, doc_id="d1")
    assert result.ok and result.verdict.value == 4 and result.attempts == 2 and result.reasks == 1
    assert fake.requests[1].messages[0]["content"] == "3 is odd"
    assert [r.outcome for r in log] == ["reask", "ok"] and log[0].doc_id == "d1"
    assert log[0].error == "3 is odd"


def test_budget_spent_returns_the_last_verdict_not_ok() -> None:
    result = ask(FakeBackend(default={"n": 5}), EvenTask(), budget=2)
    assert not result.ok and result.attempts == 2 and result.verdict.problems == ["5 is odd"]


def test_truncation_doubles_the_budget_without_counting_an_attempt() -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=100, partial="{")
    log: list[AttemptRecord] = []
    fake = FakeBackend([cut, cut, {"n": 2}])
    result = ask(fake, EvenTask(), budget=1, max_tokens=100, max_tokens_cap=1000, on_call=log.append)
    assert result.ok and [r.max_tokens for r in fake.requests] == [100, 200, 400]
    assert [r.outcome for r in log] == ["truncated", "truncated", "ok"]


def test_truncation_at_the_cap_raises() -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=100, partial="{")
    with pytest.raises(TruncatedOutputError):
        ask(FakeBackend(default=cut), EvenTask(), budget=3, max_tokens=100, max_tokens_cap=100)


def test_provider_error_is_logged_and_raised() -> None:
    log: list[AttemptRecord] = []
    with pytest.raises(ProviderError):
        ask(FakeBackend([ProviderError("down", backend="fake")]), EvenTask(), budget=3,
            on_call=log.append)
    assert [r.outcome for r in log] == ["provider_error"]
