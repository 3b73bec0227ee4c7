"""The one small protocol every backend implements.

A backend turns chat messages plus a response schema into one raw model answer. It does
*not* validate, verify or re-ask: that is the one ask loop's job
(:mod:`summarizer.llm.ask`). Backends
own transport retries (HTTP 429/5xx/timeouts) and raise :class:`~summarizer.core.errors.ProviderError`
when those are spent, or :class:`~summarizer.core.errors.TruncatedOutputError` when the model ran
out of output tokens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from ...core.models import Usage

__all__ = [
    "Backend",
    "ChoiceRequest",
    "ChoiceScorer",
    "ChoiceScores",
    "Completion",
    "CompletionRequest",
    "normalize_scores",
    "parse_json_object",
]


@dataclass(frozen=True)
class CompletionRequest:
    """What the pipeline asks of a backend for one attempt."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    max_tokens: int = 1024
    temperature: float = 0.0
    seed: int | None = 0


@dataclass
class Completion:
    """One raw model answer.

    Attributes:
        text: the JSON text as the model wrote it (kept for errors and the call log; a re-ask
            never echoes it back to the model).
        data: the parsed JSON object, or ``None`` when ``text`` is not a JSON object.
        parse_error: why ``text`` could not be parsed, when ``data`` is ``None``.
    """

    text: str
    data: dict[str, Any] | None
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = "stop"
    model: str = ""
    mode: str | None = None
    parse_error: str | None = None


@runtime_checkable
class Backend(Protocol):
    """A source of model answers. ``name`` is the backend kind, ``model`` the model id."""

    name: str
    model: str

    def complete(self, request: CompletionRequest) -> Completion:
        """Return one answer for ``request`` (sync)."""
        ...


@dataclass(frozen=True)
class ChoiceRequest:
    """Score a closed set of one-word answers instead of generating one.

    ``messages`` end with the question; ``choices`` are the answers, each starting with a
    distinct word (``("favor", "against", ...)``). Order messages so that what several
    requests share (instructions, then the article) comes first: a local model reuses the
    KV cache of the longest shared prefix.
    """

    messages: list[dict[str, str]]
    choices: tuple[str, ...]


@dataclass
class ChoiceScores:
    """The model's distribution over the choices (sums to 1).

    Attributes:
        method: ``logprobs`` (read from the model's next-token probabilities) or
            ``constrained`` (a one-word answer constrained to the choices: a one-hot distribution).
        coverage: share of the next-token probability mass that fell on the choices
            (``logprobs`` only; low values mean the model wanted to say something else).
    """

    probs: dict[str, float]
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    method: str = "logprobs"
    coverage: float | None = None

    @property
    def best(self) -> str:
        return max(self.probs, key=lambda c: self.probs[c])

    def margin(self) -> float:
        """Probability of the best choice minus that of the runner-up."""
        top = sorted(self.probs.values(), reverse=True) + [0.0]
        return top[0] - top[1]


@runtime_checkable
class ChoiceScorer(Protocol):
    """Optional backend capability: score a closed set of answers (label classification).

    Checked with ``isinstance(backend, ChoiceScorer)``; the local, OpenAI-compatible and fake
    backends implement it."""

    name: str
    model: str

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Return the distribution over ``request.choices``."""
        ...


def normalize_scores(mass: dict[str, float], choices: tuple[str, ...]) -> dict[str, float]:
    """Renormalise non-negative masses over ``choices`` (uniform when all are zero)."""
    total = sum(max(0.0, mass.get(c, 0.0)) for c in choices)
    if total <= 0:
        return {c: round(1 / len(choices), 6) for c in choices}
    return {c: round(max(0.0, mass.get(c, 0.0)) / total, 6) for c in choices}


_FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)


def parse_json_object(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """Parse a JSON object from model text (bare, or inside a ```json fence)."""
    candidates = [text.strip()]
    candidates += _FENCE.findall(text)
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    error = "the answer is empty"
    for cand in candidates:
        if not cand:
            continue
        try:
            value = json.loads(cand)
        except json.JSONDecodeError as exc:
            error = f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
            continue
        if isinstance(value, dict):
            return value, None
        error = f"the answer is JSON but not an object (got {type(value).__name__})"
    return None, error
