"""Shared fixtures. Default test runs need no network and no API key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "examples" / "global-times-2024-06-19-russia-dprk-treaty.txt"
DATA = Path(__file__).resolve().parent / "data"

_PROVIDER_VARS = [
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_API_KEY", "SUMMARIZER_BASE_URL",
    "SUMMARIZER_MODEL", "SUMMARIZER_BACKEND", "SUMMARIZER_MODE", "SUMMARIZER_MODEL_PATH",
]


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees a real key or endpoint; user folders point into tmp_path."""
    for var in _PROVIDER_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SUMMARIZER_STORE", str(tmp_path / "store.db"))
    # Parser models are small data: tests use the ones pulled into the default folder.
    from summarizer.core.settings import default_models_dir

    monkeypatch.setenv("SUMMARIZER_PARSERS_DIR", __import__("os").environ.get(
        "SUMMARIZER_PARSERS_DIR", str(default_models_dir() / "parsers")))
    if "SUMMARIZER_TEST_MODELS_DIR" not in __import__("os").environ:
        monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path / "models"))
    else:
        monkeypatch.setenv("SUMMARIZER_MODELS_DIR", __import__("os").environ["SUMMARIZER_TEST_MODELS_DIR"])


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def seed_answer() -> dict[str, Any]:
    """A correct wire answer for the seed article (cites its real sentence ids)."""
    return json.loads((DATA / "seed_answer.json").read_text(encoding="utf-8"))
