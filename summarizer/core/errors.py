"""Every error the library raises, by whose fault it is.

::

    SummarizerError                 base: catch this to catch everything below
    ├── ConfigurationError          the caller's set-up (no backend, bad option, missing model file)
    ├── BadInputError               the article itself (empty, binary, too large, undecodable)
    ├── PromptError                 a prompt template is missing or fails to render
    ├── ProviderError               the model provider / transport (HTTP status, timeout, connection)
    │   └── TruncatedOutputError    the model stopped at its token limit (finish_reason="length")
    ├── OutputValidationError       the model's output stayed invalid or ungrounded after every re-ask
    ├── ModelStoreError             a local model cannot be pulled, assembled or verified
    └── FixtureError                a hand-labelled eval fixture is malformed (file and line)

Each class carries the data needed to act on it as attributes; ``str(err)`` is one line
suitable for a terminal. API keys never appear in messages (see :func:`redact`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "BadInputError",
    "ConfigurationError",
    "FixtureError",
    "ModelStoreError",
    "OutputValidationError",
    "PromptError",
    "ProviderError",
    "SummarizerError",
    "TruncatedOutputError",
    "redact",
]

_KEY_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.]{8,}"),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_\-\.]{8,}"),
]


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Remove API keys (known ones and anything that looks like one) from ``text``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    for pattern in _KEY_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


class SummarizerError(Exception):
    """Base class of every error raised by ``summarizer``."""


class ConfigurationError(SummarizerError):
    """The set-up is wrong or incomplete: no usable backend, an invalid option, a missing file.

    Attributes:
        hint: what to do about it (a command to run, a variable to set), or ``None``.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")


class BadInputError(SummarizerError):
    """The input article cannot be analysed as given; nothing was sent to a model.

    Attributes:
        reason: a short machine-readable code (``empty``, ``binary``, ``too_large``,
            ``undecodable``, ``no_text``, ...).
        source: the file name or document id, when known.
    """

    def __init__(self, reason: str, message: str, *, source: str | None = None) -> None:
        self.reason = reason
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{message}")


class PromptError(SummarizerError):
    """A prompt template is missing, malformed, or references an undefined variable.

    Attributes:
        name: the prompt name (e.g. ``analyze``).
        version: the version asked for, when known.
    """

    def __init__(self, message: str, *, name: str, version: str | None = None) -> None:
        self.name = name
        self.version = version
        super().__init__(message)


class ProviderError(SummarizerError):
    """The provider failed after the transport retries: HTTP error, timeout or lost connection.

    Attributes:
        backend: backend name (``openai``, ``local``, ...).
        status_code: HTTP status of the last response, if there was one.
        cause: short class of failure: ``rate_limit``, ``server_error``, ``timeout``,
            ``connection``, ``bad_request``, ``auth``, ``truncated``, ``other``.
        retries: transport retries that were spent before giving up.
    """

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        cause: str = "other",
        status_code: int | None = None,
        retries: int = 0,
    ) -> None:
        self.backend = backend
        self.cause = cause
        self.status_code = status_code
        self.retries = retries
        super().__init__(redact(message))


class TruncatedOutputError(ProviderError):
    """The model hit its output token limit (``finish_reason == "length"``).

    Truncated output is never parsed into defaults. The pipeline retries once with a larger
    token budget where it can; this error is raised when that also fails.

    Attributes:
        max_tokens: the output budget that was exhausted.
        partial: the text produced before the cut.
    """

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        max_tokens: int | None,
        partial: str,
        usage: Any = None,
    ) -> None:
        self.max_tokens = max_tokens
        self.partial = partial
        self.usage = usage
        super().__init__(message, backend=backend, cause="truncated")


class OutputValidationError(SummarizerError):
    """The model's output was still invalid or unverifiable after the re-ask budget.

    Attributes:
        attempts: model calls made (first call plus re-asks).
        reasons: every problem found in the last output, as sent back to the model.
        last_output: the last raw model output (text), for inspection.
    """

    def __init__(self, message: str, *, attempts: int, reasons: list[str], last_output: str) -> None:
        self.attempts = attempts
        self.reasons = reasons
        self.last_output = last_output
        super().__init__(message)


class ModelStoreError(SummarizerError):
    """A local model could not be pulled, assembled or verified.

    Attributes:
        model: catalogue name of the model.
        expected_sha256 / actual_sha256: set when a hash check failed.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str,
        expected_sha256: str | None = None,
        actual_sha256: str | None = None,
    ) -> None:
        self.model = model
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256
        super().__init__(message)


class FixtureError(SummarizerError):
    """A hand-labelled fixture file is malformed.

    Attributes:
        path: the fixture file.
        line: 1-based line number of the offending item, when known.
        problems: every problem found, one string each.
    """

    def __init__(self, path: str, problems: list[str], *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.problems = problems
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: " + "; ".join(problems))


def describe(exc: BaseException) -> dict[str, Any]:
    """A JSON-safe description of an error (class name, message, attributes), for logs."""
    data: dict[str, Any] = {"error": type(exc).__name__, "message": redact(str(exc))}
    for attr in ("reason", "cause", "status_code", "attempts", "reasons", "backend", "source"):
        if hasattr(exc, attr):
            data[attr] = getattr(exc, attr)
    return data
