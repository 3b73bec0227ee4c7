"""OpenAI-compatible backend: OpenAI, vLLM, Ollama, llama.cpp server, LM Studio.

Requests are shaped by instructor's mode handlers (instructor is pinned to 1.17.x), in one of
these structured-output modes:

* ``tools``       — a forced function call whose parameters are the response schema;
* ``json``        — ``response_format={"type": "json_object", "schema": ...}`` (llama.cpp, vLLM);
* ``json_schema`` — OpenAI structured outputs (``response_format.type == "json_schema"``);
* ``md_json``     — plain text with a fenced JSON block (works with anything).

``mode="auto"`` walks the ladder tools → json → md_json, moving down when a server rejects
a mode, and remembers the first mode that worked. The mode used is recorded in ``meta.mode``.

Transport retries (429 honouring ``Retry-After``, 5xx, timeouts, dropped connections) are the
openai SDK's own exponential backoff with jitter: one layer only. The answer is parsed here and
validated once, by the ask loop (:mod:`summarizer.llm.ask`), which owns output re-asks;
instructor's own retry loop is not used (it would be a second output-retry layer and
re-validate every answer).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import instructor
import openai
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from pydantic import create_model

from ...core.errors import ConfigurationError, ProviderError, TruncatedOutputError, redact
from ...core.models import Usage
from .base import (
    ChoiceRequest,
    ChoiceScores,
    Completion,
    CompletionRequest,
    normalize_scores,
    parse_json_object,
)

__all__ = ["MODES", "OpenAIBackend"]

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
LADDER = ["tools", "json", "md_json"]
_MODE_WORDS = re.compile(r"tool|response_format|json_schema|grammar|function", re.IGNORECASE)


def _raw_text(completion: Any) -> str:
    """The model's answer text: tool-call arguments if any, else message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")
    return str(getattr(message, "content", None) or "")


def _usage(completion: Any) -> Usage:
    u = getattr(completion, "usage", None)
    if u is None:
        return Usage()
    return Usage(prompt_tokens=u.prompt_tokens or 0, completion_tokens=u.completion_tokens or 0)


class OpenAIBackend:
    """Any server that speaks the OpenAI chat-completions protocol.

    Args:
        model: model id as the server names it.
        base_url: e.g. ``http://127.0.0.1:8080/v1``; ``None`` means api.openai.com.
        api_key: the key; local servers accept any placeholder.
        mode: ``auto`` or one of :data:`MODES`.
        timeout_s: per-request timeout.
        transport_retries: retries of 429/5xx/timeouts/connection errors by the SDK.
        client: an existing ``openai.OpenAI`` client (tests, custom transports).
    """

    name = "openai"

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str = "auto",
        timeout_s: float = 120.0,
        transport_retries: int = 3,
        client: openai.OpenAI | None = None,
    ) -> None:
        if mode != "auto" and mode not in MODES:
            raise ConfigurationError(f"unknown mode {mode!r}; choose auto or one of {sorted(MODES)}")
        self.model = model
        self.base_url = base_url
        self._secrets = [api_key] if api_key else []
        self._client = client or openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=transport_retries,
        )
        self.transport_retries = transport_retries
        self.requested_mode = mode
        self.mode: str | None = None if mode == "auto" else mode
        self._shapes: dict[tuple[str, type], dict[str, Any]] = {}
        self.logprobs: bool | None = None
        """Whether the server returns ``top_logprobs`` (``None``: not tried yet)."""

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def __del__(self) -> None:
        # A backend dropped without close() must not leak sockets (ResourceWarning at GC).
        client = getattr(self, "_client", None)
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to report to
                pass

    def _shape(self, mode: str, request: CompletionRequest) -> dict[str, Any]:
        """Request kwargs for ``mode``, built by instructor's own mode handler.

        Handlers for ``tools`` and ``json_schema`` leave the messages alone, so their output
        (tool definition / response_format) is computed once per response model and reused:
        rebuilding it on every call cost more CPU than the whole HTTP exchange on loopback.
        """
        base = {"messages": request.messages, "model": self.model}
        key = (mode, request.response_model)
        if key in self._shapes:
            return {**base, **self._shapes[key]}
        handlers = mode_registry.get_handlers(Provider.OPENAI, MODES[mode])
        _, kwargs = handlers.request_handler(request.response_model, dict(base))
        if mode == "json":
            schema = request.response_model.model_json_schema()
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        if mode in ("tools", "json_schema"):
            self._shapes[key] = {k: v for k, v in kwargs.items() if k not in base}
        return kwargs

    def complete(self, request: CompletionRequest) -> Completion:
        modes = [self.mode] if self.mode else list(LADDER)
        last: ProviderError | None = None
        for mode in modes:
            try:
                completion = self._call(mode, request)
            except _ModeRejected as rejected:
                last = rejected.error
                continue
            if self.mode is None:
                self.mode = mode
            return completion
        assert last is not None
        raise last

    def request_kwargs(self, mode: str, request: CompletionRequest) -> dict[str, Any]:
        """The ``chat.completions.create`` keyword arguments for ``request`` in ``mode``
        (``extra_body`` holds fields the SDK does not know; they go into the JSON body)."""
        kwargs = self._shape(mode, request)
        kwargs.update(max_tokens=request.max_tokens, temperature=request.temperature)
        if request.seed is not None:
            kwargs["seed"] = request.seed
        return kwargs

    def request_body(self, mode: str, request: CompletionRequest) -> dict[str, Any]:
        """The JSON body :meth:`complete` sends for ``request`` in ``mode`` (Batch API lines)."""
        kwargs = self.request_kwargs(mode, request)
        extra = kwargs.pop("extra_body", None) or {}
        return {**kwargs, **extra}

    def _call(self, mode: str, request: CompletionRequest) -> Completion:
        kwargs = self.request_kwargs(mode, request)
        try:
            completion = self._client.chat.completions.create(**kwargs)
        except openai.APIError as exc:
            raise self._translate(exc, mode) from exc
        return self.to_completion(completion, mode, request.max_tokens)

    def to_completion(self, completion: Any, mode: str, max_tokens: int) -> Completion:
        """One ``ChatCompletion`` as a :class:`Completion`; :class:`TruncatedOutputError` when
        it stopped at ``max_tokens``."""
        text = _raw_text(completion)
        try:
            finish = completion.choices[0].finish_reason
        except (AttributeError, IndexError, TypeError):
            finish = None
        usage = _usage(completion)
        if finish == "length":
            raise TruncatedOutputError(
                f"the model stopped at max_tokens={max_tokens} before finishing its answer",
                backend=self.name,
                max_tokens=max_tokens,
                partial=text,
                usage=usage,
            )
        data, error = parse_json_object(text)
        return Completion(
            text=text, data=data, parse_error=error, usage=usage, finish_reason=finish,
            model=getattr(completion, "model", None) or self.model, mode=mode,
        )

    TOP_LOGPROBS = 10

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Score the choices from the first answer token's ``top_logprobs`` where the server
        offers them; otherwise ask for a one-word answer constrained to the choices (an enum
        schema) and return it as a one-hot distribution (``method="constrained"``)."""
        if self.logprobs is not False:
            try:
                completion = self._client.chat.completions.create(
                    model=self.model, messages=request.messages, max_tokens=1, temperature=0.0,
                    logprobs=True, top_logprobs=self.TOP_LOGPROBS,
                )
            except openai.APIError as exc:
                error = self._translate(exc, "logprobs")
                error = error.error if isinstance(error, _ModeRejected) else error
                if error.cause != "bad_request":
                    raise error from exc
                self.logprobs = False
            else:
                top = _top_logprobs(completion)
                mass = choice_mass(top, request.choices)
                if mass:
                    self.logprobs = True
                    return ChoiceScores(
                        probs=normalize_scores(mass, request.choices), usage=_usage(completion),
                        model=getattr(completion, "model", None) or self.model, method="logprobs",
                        coverage=round(sum(mass.values()), 6),
                    )
                if not top:
                    self.logprobs = False  # the server ignores the logprobs parameter
        answer = self.complete(CompletionRequest(
            messages=request.messages, response_model=_choice_model(request.choices), max_tokens=24,
        ))
        label = (answer.data or {}).get("label")
        probs = {c: float(c == label) for c in request.choices}
        if label not in request.choices:
            raise ProviderError(redact(f"the constrained answer {answer.text[:80]!r} is none of "
                                       f"{list(request.choices)}", self._secrets),
                                backend=self.name, cause="other")
        return ChoiceScores(probs=probs, usage=answer.usage, model=answer.model, method="constrained")

    def _translate(self, exc: BaseException, mode: str) -> ProviderError | _ModeRejected:
        status = getattr(exc, "status_code", None)
        message = redact(str(exc), self._secrets)
        if isinstance(exc, openai.APITimeoutError):
            cause = "timeout"
        elif isinstance(exc, openai.APIConnectionError):
            cause = "connection"
        elif isinstance(exc, openai.RateLimitError):
            cause = "rate_limit"
        elif isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            cause = "auth"
        elif status is not None and status >= 500:
            cause = "server_error"
        elif status is not None and status in (400, 404, 422):
            cause = "bad_request"
        else:
            cause = "other"
        retries = 0 if cause in ("auth", "bad_request") else self.transport_retries
        error = ProviderError(
            f"{self.base_url or 'api.openai.com'} failed ({cause}"
            + (f", HTTP {status}" if status else "")
            + f") after {retries} retries: {message[:300]}",
            backend=self.name,
            cause=cause,
            status_code=status,
            retries=retries,
        )
        mode_refused = cause == "bad_request" or (
            cause == "server_error" and _MODE_WORDS.search(message) is not None
        )
        if self.mode is None and mode_refused and mode != LADDER[-1]:
            return _ModeRejected(error)
        return error


def _choice_model(choices: tuple[str, ...]) -> type[Any]:
    return create_model("ChoiceAnswer", label=(Literal[choices], ...))  # type: ignore[valid-type]


def _top_logprobs(completion: Any) -> list[tuple[str, float]]:
    """``(token, logprob)`` of the first answer token's alternatives, or ``[]``."""
    try:
        first = completion.choices[0].logprobs.content[0]
    except (AttributeError, IndexError, TypeError):
        return []
    out = [(str(t.token), float(t.logprob)) for t in (getattr(first, "top_logprobs", None) or [])]
    return out or [(str(first.token), float(first.logprob))]


def choice_mass(top: list[tuple[str, float]], choices: tuple[str, ...]) -> dict[str, float]:
    """Probability mass per choice from first-token alternatives: a token counts for the one
    choice it is a prefix of (case and leading space ignored); a token that is a prefix of
    several choices, or of none, counts for nothing."""
    mass: dict[str, float] = {}
    for token, logprob in top:
        word = token.strip().lower()
        owners = [c for c in choices if word and c.lower().startswith(word)]
        if len(owners) == 1:
            mass[owners[0]] = mass.get(owners[0], 0.0) + math.exp(logprob)
    return mass


class _ModeRejected(Exception):
    """Internal: the server refused this structured-output mode; try the next one."""

    def __init__(self, error: ProviderError) -> None:
        self.error = error
        super().__init__(str(error))
