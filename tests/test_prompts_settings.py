from pathlib import Path

import pytest

from summarizer import PromptError, Settings
from summarizer.llm.prompts import load_prompt, prompt_dir


def test_prompt_loads_latest_version_and_hash_is_stable() -> None:
    versions = sorted(int(p.stem[1:]) for p in (prompt_dir() / "stance_label").glob("v*.toml"))
    assert len(versions) > 1
    t = load_prompt("stance_label")
    assert t.version == str(versions[-1]) and t.ref.sha256 == load_prompt("stance_label", t.version).sha256
    # released versions stay loadable
    assert load_prompt("stance_label", str(versions[0])).sha256 != t.ref.sha256


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(PromptError, match="undefined"):
        load_prompt("stance_label").render(article="x")


def test_unknown_prompt_and_version() -> None:
    with pytest.raises(PromptError):
        load_prompt("nope")
    with pytest.raises(PromptError):
        load_prompt("summary", "999")


def test_sandbox_blocks_unsafe_templates(tmp_path: Path) -> None:
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "v1.toml").write_text(
        'name = "evil"\nversion = "1"\ndescription = "d"\n'
        'system = "{{ article.__class__.__mro__ }}"\nuser = "u"\n'
    )
    with pytest.raises(PromptError):
        load_prompt("evil", directory=tmp_path).render(article="x")


def test_prompt_file_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "v1.toml").write_text(
        'name = "p"\nversion = "1"\ndescription = "d"\nsystem = "s"\nuser = "u"\nextra = 1\n'
    )
    with pytest.raises(PromptError, match="invalid prompt file"):
        load_prompt("p", directory=tmp_path)


def test_settings_precedence_explicit_over_env() -> None:
    env = {"SUMMARIZER_MODEL": "env-model", "OPENAI_API_KEY": "sk-env", "SUMMARIZER_MAX_REASKS": "5"}
    s = Settings.from_env(env, model="explicit")
    assert s.model == "explicit" and s.max_reasks == 5
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-env"
    assert "sk-env" not in repr(s)
    s2 = Settings.from_env({"SUMMARIZER_API_KEY": "sk-a", "OPENAI_API_KEY": "sk-b"})
    assert s2.api_key is not None and s2.api_key.get_secret_value() == "sk-a"
