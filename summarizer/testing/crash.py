"""Process-killing fault injection for fleet tests (tests only).

:class:`ExitOnMarker` wraps a backend; the first request whose messages contain ``marker``
ends the whole worker process with ``os._exit`` — as a crashed or pre-empted machine would —
unless the ``flag`` file exists, which it creates first, so only one process dies.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

from ..llm.backends.base import Backend, Completion, CompletionRequest

__all__ = ["ExitOnMarker", "exit_on_marker"]


class ExitOnMarker:
    """A backend that kills its process once, on the first request mentioning ``marker``."""

    def __init__(self, inner: Backend, *, marker: str, flag: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.marker = marker
        self.flag = Path(flag)

    def complete(self, request: CompletionRequest) -> Completion:
        if self.marker in json.dumps(request.messages):
            try:
                fd = os.open(self.flag, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                os.close(fd)
                os._exit(17)
        return self.inner.complete(request)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if callable(close):
            close()


def exit_on_marker(marker: str, flag: str | Path) -> Callable[[Backend], Backend]:
    """A ``wrap_backend`` for :func:`summarizer.batch.ray_fleet.run` (picklable)."""
    return functools.partial(ExitOnMarker, marker=marker, flag=str(flag))
