"""Versioned prompt templates: load, validate, render, hash.

Prompts are data files, ``prompts/<name>/v<version>.toml``, shipped in the wheel. Each file
is validated by :class:`PromptTemplate` and rendered with a sandboxed Jinja environment with
strict undefined variables. The article is passed as a variable (never rendered *as* a
template), so text such as ``{{ x }}`` inside an article reaches the model unchanged.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, ValidationError

from ..core.errors import PromptError
from ..core.models import PromptRef

__all__ = ["PromptTemplate", "RenderedPrompt", "load_prompt", "prompt_dir"]

_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=256)
def _compile(source: str) -> jinja2.Template:
    """Compile a template source once (compiling costs milliseconds; rendering microseconds)."""
    return _ENV.from_string(source)


def prompt_dir() -> Path:
    """The folder holding the prompt files (package data; the repo's ``prompts/`` in a checkout)."""
    return Path(str(resources.files("summarizer") / "_prompts"))


class RenderedPrompt(BaseModel):
    """Chat messages ready for a backend, and the reference of the template that made them."""

    model_config = ConfigDict(frozen=True)
    messages: list[dict[str, str]]
    ref: PromptRef


class PromptTemplate(BaseModel):
    """One prompt file. ``system`` holds the fixed instructions (first, so a local model can
    reuse their KV cache across articles); ``user`` holds the article."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: str
    description: str
    system: str
    user: str

    @property
    def sha256(self) -> str:
        raw = "\x00".join([self.name, self.version, self.system, self.user])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @property
    def ref(self) -> PromptRef:
        return PromptRef(name=self.name, version=self.version, sha256=self.sha256)

    def render(self, **variables: Any) -> RenderedPrompt:
        """Render both messages. Every variable the template uses must be given."""
        try:
            system = _compile(self.system).render(**variables)
            user = _compile(self.user).render(**variables)
        except jinja2.TemplateError as exc:
            raise PromptError(
                f"prompt {self.name}@{self.version} failed to render: {exc}",
                name=self.name,
                version=self.version,
            ) from exc
        return RenderedPrompt(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            ref=self.ref,
        )


@lru_cache(maxsize=32)
def load_prompt(name: str, version: str | None = None, *, directory: Path | None = None) -> PromptTemplate:
    """Load prompt ``name`` at ``version`` (default: the highest version present)."""
    folder = (directory or prompt_dir()) / name
    if not folder.is_dir():
        raise PromptError(f"no prompt named {name!r} in {folder.parent}", name=name, version=version)
    files = sorted(folder.glob("v*.toml"), key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else -1)
    if version is not None:
        files = [f for f in files if f.stem == f"v{version}"]
    if not files:
        raise PromptError(f"prompt {name!r} has no version {version!r}", name=name, version=version)
    path = files[-1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        template = PromptTemplate.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PromptError(f"{path}: invalid prompt file: {exc}", name=name, version=version) from exc
    if template.name != name or path.stem != f"v{template.version}":
        raise PromptError(f"{path}: name/version inside the file do not match its path", name=name)
    return template
