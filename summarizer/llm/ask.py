"""The one ask loop: render → call → validate → ground → re-ask only what failed → record.

Every model task (the summary, chunk merging, the briefing's steps, the eval judges) is a
:class:`Task`: it makes the first request, checks an answer (parse, schema, grounding) into a
:class:`Verdict`, and builds the re-ask from the verdict's problems. :func:`ask` drives it
within a budget, doubles the output budget when an answer is cut off by ``max_tokens`` (at
most twice, not counted against the budget), and reports every call to an observer (the call
log). What to do with a task that is still unverified after the budget (raise, or keep the
verified part) is the caller's decision: :class:`AskResult` says which it is.

The split into ``first_request`` / ``check`` / ``next_request`` also lets a caller drive a
task without this loop, e.g. through a provider's Batch API (send the first requests of
many tasks, check the answers, send the re-asks as a second batch).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

from .backends.base import Backend, Completion, CompletionRequest
from ..core.errors import ProviderError, SummarizerError, TruncatedOutputError
from ..core.models import PromptRef, Usage
from ..core.progress import MODEL, REASK, VERIFY

__all__ = ["AskResult", "AttemptRecord", "CallObserver", "Task", "Verdict", "ask"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass
class AttemptRecord:
    """One model call, as reported to a :class:`CallObserver` (for the call log)."""

    backend: str
    model: str
    prompt: PromptRef
    attempt: int
    usage: Usage
    latency_s: float
    outcome: str  # ok | reask | truncated | provider_error
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    doc_id: str | None = None


class CallObserver(Protocol):
    def __call__(self, record: AttemptRecord) -> None: ...


@dataclass
class Verdict(Generic[T]):
    """What :meth:`Task.check` made of one answer.

    Attributes:
        value: the verified value so far (``None`` when nothing usable came back yet).
        problems: instructions for the model, one per failure; empty means accepted.
    """

    value: T | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.problems


class Task(Protocol[T]):
    """A model task. Implementations keep their own state across attempts (e.g. the items
    verified so far, so a re-ask asks only for replacements of the rejected ones)."""

    prompt: PromptRef

    def first_request(self, max_tokens: int) -> CompletionRequest: ...

    def check(self, completion: Completion) -> Verdict[T]: ...

    def next_request(self, verdict: Verdict[T], max_tokens: int) -> CompletionRequest: ...


@dataclass
class AskResult(Generic[T]):
    """The outcome of :func:`ask`: the last verdict plus what the calls cost."""

    verdict: Verdict[T]
    attempts: int = 0
    reasks: int = 0
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    mode: str | None = None
    model: str = ""
    last_text: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict.ok


def ask(
    backend: Backend,
    task: Task[T],
    *,
    budget: int,
    max_tokens: int = 1024,
    max_tokens_cap: int = 4096,
    on_call: CallObserver | None = None,
    doc_id: str | None = None,
    on_progress: Callable[[str, str | None], None] | None = None,
    label: str | None = None,
) -> AskResult[T]:
    """Run ``task`` against ``backend``: at most ``budget`` answers (the first + re-asks).

    ``on_progress`` sees the stages of :mod:`summarizer.core.progress`: the model call (detail
    ``label``, or ``retry: max_tokens N`` after a cut-off answer), each re-ask (``n/N``) and
    the verification of every answer.

    Raises:
        ProviderError: the backend's transport retries are spent.
        TruncatedOutputError: still cut off at ``max_tokens_cap`` (or after two doublings).
    """
    started = time.perf_counter()
    result: AskResult[T] = AskResult(verdict=Verdict(None, ["no answer yet"]))
    request = task.first_request(max_tokens)
    truncations = 0

    def observe(attempt: int, usage: Usage, call_started: float, outcome: str,
                error: str | None) -> None:
        if on_call is not None:
            on_call(AttemptRecord(backend=backend.name, model=backend.model, prompt=task.prompt,
                                  attempt=attempt, usage=usage,
                                  latency_s=time.perf_counter() - call_started, outcome=outcome,
                                  error=error, doc_id=doc_id))

    def progress(stage: str, detail: str | None = None) -> None:
        if on_progress is not None:
            on_progress(stage, detail)

    progress(MODEL, label)
    while result.attempts - truncations < budget:
        result.attempts += 1
        call_started = time.perf_counter()
        try:
            completion = backend.complete(request)
        except TruncatedOutputError as exc:
            result.usage = result.usage + (exc.usage or Usage())
            observe(result.attempts, exc.usage or Usage(), call_started, "truncated",
                    _error_text(exc))
            if request.max_tokens < max_tokens_cap and truncations < 2:
                truncations += 1
                request = _with_max_tokens(request, min(request.max_tokens * 2, max_tokens_cap))
                progress(MODEL, f"retry: max_tokens {request.max_tokens}")
                continue
            raise
        except ProviderError as exc:
            observe(result.attempts, Usage(), call_started, "provider_error", _error_text(exc))
            raise
        result.usage = result.usage + completion.usage
        result.mode = completion.mode or result.mode
        result.model = completion.model or result.model
        result.last_text = completion.text
        progress(VERIFY)
        verdict = task.check(completion)
        result.verdict = verdict
        if verdict.ok:
            observe(result.attempts, completion.usage, call_started, "ok", None)
            break
        observe(result.attempts, completion.usage, call_started, "reask",
                "; ".join(verdict.problems)[:500])
        if result.attempts - truncations >= budget:
            break
        result.reasks += 1
        progress(REASK, f"{result.reasks}/{budget - 1}")
        request = task.next_request(verdict, request.max_tokens)
    result.latency_s = round(time.perf_counter() - started, 4)
    return result


def _with_max_tokens(request: CompletionRequest, max_tokens: int) -> CompletionRequest:
    return CompletionRequest(messages=request.messages, response_model=request.response_model,
                             max_tokens=max_tokens, temperature=request.temperature,
                             seed=request.seed)


def _error_text(exc: BaseException) -> str:
    error = type(exc).__name__
    if isinstance(exc, SummarizerError):
        error += f": {str(exc)[:300]}"
    return error
