"""Shared CLI plumbing: global state, settings from flags, output helpers."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import write_private
from ..core.settings import Settings

__all__ = ["settings_from_flags", "state", "write_output"]


@dataclass
class _State:
    debug: bool = False
    secrets: list[str] = field(default_factory=list)


state = _State()


def settings_from_flags(**flags: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given."""
    settings = Settings.from_env(None, **{k: v for k, v in flags.items() if v is not None})
    state.secrets = settings.secrets()
    return settings


def write_output(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` (readable by the user only) or stdout."""
    if out is None or str(out) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    write_private(out, text)
