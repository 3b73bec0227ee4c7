"""Settings: explicit arguments > environment > defaults.

Only the edges (CLI, :meth:`Settings.from_env`) read the environment; core code receives a
:class:`Settings` object.

Environment variables: ``SUMMARIZER_BASE_URL``, ``SUMMARIZER_MODEL``, ``SUMMARIZER_API_KEY``
(or ``OPENAI_API_KEY``), ``SUMMARIZER_BACKEND``, ``SUMMARIZER_MODE``, ``SUMMARIZER_TIMEOUT_S``,
``SUMMARIZER_TRANSPORT_RETRIES``, ``SUMMARIZER_MAX_REASKS``, ``SUMMARIZER_MAX_CHARS``,
``SUMMARIZER_MODEL_PATH``, ``SUMMARIZER_MODELS_DIR``, ``SUMMARIZER_PARSERS_DIR``,
``SUMMARIZER_NO_MODEL``, ``SUMMARIZER_PARSER``, ``SUMMARIZER_STORE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = ["Settings", "default_data_dir", "default_models_dir"]

BackendName = Literal["auto", "openai", "local", "fake"]


def default_models_dir() -> Path:
    return Path(platformdirs.user_cache_dir("summarizer")) / "models"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("summarizer"))


class Settings(BaseModel):
    """Every knob, with its default."""

    model_config = ConfigDict(extra="forbid")

    backend: BackendName = "auto"
    model: str | None = Field(default=None, description="Model id (endpoint) or catalogue name (local).")
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: str = "auto"
    timeout_s: float = 120.0
    transport_retries: int = Field(default=3, ge=0)
    max_reasks: int = Field(default=2, ge=0, description="Re-asks after the first answer.")
    max_chars: int = Field(default=2_000_000, ge=1, description="Larger inputs are refused.")
    max_tokens: int = Field(default=1024, ge=16, description="Output budget per call.")
    max_tokens_cap: int = Field(default=4096, ge=16, description="Budget ceiling after truncation.")
    chunk_chars: int = Field(default=12_000, ge=500, description="Longer articles are chunked.")
    no_model: bool = Field(
        default=False,
        description="Parser-only: claims, speakers and an extractive summary without any model "
        "call (no backend needed; stances are left out).",
    )
    parser: Literal["auto", "off"] = Field(
        default="auto",
        description="'auto': attribution from the spaCy parse where the language has a parser "
        "model (regex rules elsewhere); 'off': the regex rules everywhere.",
    )
    stance_margin: float = Field(
        default=0.15, ge=0, le=1,
        description="Stance labels whose top-two probability margin is below this are dropped.",
    )
    max_stance_candidates: int = Field(
        default=8, ge=0, description="Holder × target candidates labelled per article (one short "
        "model call each).",
    )
    model_path: Path | None = None
    models_dir: Path = Field(default_factory=default_models_dir)
    parsers_dir: Path | None = Field(
        default=None, description="Where parser models are pulled (default: MODELS_DIR/parsers)."
    )
    store_path: Path | None = None
    n_threads: int | None = None
    n_ctx: int = 8192

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``env`` (default ``os.environ``); non-``None`` overrides win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        mapping = {
            "SUMMARIZER_BACKEND": "backend",
            "SUMMARIZER_MODEL": "model",
            "SUMMARIZER_BASE_URL": "base_url",
            "SUMMARIZER_MODE": "mode",
            "SUMMARIZER_TIMEOUT_S": "timeout_s",
            "SUMMARIZER_TRANSPORT_RETRIES": "transport_retries",
            "SUMMARIZER_MAX_REASKS": "max_reasks",
            "SUMMARIZER_MAX_CHARS": "max_chars",
            "SUMMARIZER_MAX_TOKENS": "max_tokens",
            "SUMMARIZER_MODEL_PATH": "model_path",
            "SUMMARIZER_MODELS_DIR": "models_dir",
            "SUMMARIZER_PARSERS_DIR": "parsers_dir",
            "SUMMARIZER_NO_MODEL": "no_model",
            "SUMMARIZER_PARSER": "parser",
            "SUMMARIZER_STORE": "store_path",
        }
        for var, key in mapping.items():
            if env.get(var):
                values[key] = env[var]
        api_key = env.get("SUMMARIZER_API_KEY") or env.get("OPENAI_API_KEY")
        if api_key:
            values["api_key"] = api_key
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    @property
    def parser_models_dir(self) -> Path:
        """The folder of pulled parser models."""
        return self.parsers_dir or self.models_dir / "parsers"

    def secrets(self) -> list[str]:
        """Values that must never be written anywhere (for redaction)."""
        return [self.api_key.get_secret_value()] if self.api_key else []
