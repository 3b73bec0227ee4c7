"""A scripted backend for tests and demos: queues answers, records requests."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from ...core.errors import SummarizerError
from ...core.models import Usage
from .base import (
    ChoiceRequest,
    ChoiceScores,
    Completion,
    CompletionRequest,
    normalize_scores,
    parse_json_object,
)

__all__ = ["FakeBackend"]

Answer = str | dict[str, Any] | BaseException | Callable[[CompletionRequest], "str | dict[str, Any]"]
Distribution = dict[str, float] | BaseException | Callable[[ChoiceRequest], dict[str, float]]


class FakeBackend:
    """Returns queued answers in order and records every request it receives.

    Each queued answer is a dict (sent as JSON), a string (sent as-is), an exception (raised),
    or a callable taking the request and returning one of those. When the queue runs dry the
    ``default`` answer is used, if any.

    :meth:`score_choices` works the same way from ``distributions`` / ``default_distribution``:
    each is a ``{choice: weight}`` dict (renormalised over the request's choices; missing
    choices weigh 0), an exception, or a callable taking the :class:`ChoiceRequest`. With
    nothing scripted it answers ``{"none": 1}`` (an abstention).

    >>> fake = FakeBackend([{"h": "x"}])
    >>> fake.complete(CompletionRequest(messages=[], response_model=dict)).data
    {'h': 'x'}
    """

    name = "fake"

    def __init__(
        self,
        answers: Iterable[Answer] = (),
        *,
        default: Answer | None = None,
        model: str = "fake-model",
        tokens_per_char: float = 0.25,
        distributions: Iterable[Distribution] = (),
        default_distribution: Distribution | None = None,
    ) -> None:
        self.answers: deque[Answer] = deque(answers)
        self.default = default
        self.model = model
        self.requests: list[CompletionRequest] = []
        self._tokens_per_char = tokens_per_char
        self.distributions: deque[Distribution] = deque(distributions)
        self.default_distribution = default_distribution
        self.choice_requests: list[ChoiceRequest] = []

    def queue(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        if self.answers:
            answer = self.answers.popleft()
        elif self.default is not None:
            answer = self.default
        else:
            raise SummarizerError("FakeBackend has no answer queued")
        if callable(answer) and not isinstance(answer, BaseException):
            answer = answer(request)
        if isinstance(answer, BaseException):
            raise answer
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        data, error = parse_json_object(text)
        prompt_chars = sum(len(m["content"]) for m in request.messages)
        usage = Usage(
            prompt_tokens=int(prompt_chars * self._tokens_per_char),
            completion_tokens=int(len(text) * self._tokens_per_char),
        )
        return Completion(text=text, data=data, parse_error=error, usage=usage, model=self.model)

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        self.choice_requests.append(request)
        if self.distributions:
            dist = self.distributions.popleft()
        elif self.default_distribution is not None:
            dist = self.default_distribution
        else:
            dist = {"none": 1.0}  # nothing scripted: abstain (no stance)
        if callable(dist) and not isinstance(dist, BaseException):
            dist = dist(request)
        if isinstance(dist, BaseException):
            raise dist
        prompt_chars = sum(len(m["content"]) for m in request.messages)
        usage = Usage(prompt_tokens=int(prompt_chars * self._tokens_per_char), completion_tokens=0)
        return ChoiceScores(probs=normalize_scores(dist, request.choices), usage=usage, model=self.model,
                            method="logprobs", coverage=1.0)
