"""The one small protocol every backend implements.

A backend turns chat messages plus a response schema into one raw model answer. It does
*not* validate, ground or re-ask: that is the pipeline's single output-retry layer. Backends
own transport retries (HTTP 429/5xx/timeouts) and raise :class:`~summarizer.errors.ProviderError`
when those are spent, or :class:`~summarizer.errors.TruncatedOutputError` when the model ran
out of output tokens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from ..models import Usage

__all__ = ["Backend", "Completion", "CompletionRequest", "parse_json_object"]


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
        text: the JSON text as the model wrote it (echoed back to the model in a re-ask).
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
