"""A scripted backend for tests and demos: queues answers, records requests."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import SummarizerError
from ..models import Usage
from .base import Completion, CompletionRequest, parse_json_object

__all__ = ["FakeBackend"]

Answer = str | dict[str, Any] | BaseException | Callable[[CompletionRequest], "str | dict[str, Any]"]


class FakeBackend:
    """Returns queued answers in order and records every request it receives.

    Each queued answer is a dict (sent as JSON), a string (sent as-is), an exception (raised),
    or a callable taking the request and returning one of those. When the queue runs dry the
    ``default`` answer is used, if any.

    >>> fake = FakeBackend([{"h": "x"}])
    >>> fake.complete(CompletionRequest(messages=[], response_model=dict)).data  # doctest: +SKIP
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
    ) -> None:
        self.answers: deque[Answer] = deque(answers)
        self.default = default
        self.model = model
        self.requests: list[CompletionRequest] = []
        self._tokens_per_char = tokens_per_char

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
