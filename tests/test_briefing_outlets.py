"""The curated outlet registry shipped in ``summarizer/data/outlets.toml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.briefing import OutletRegistry
from summarizer.core.errors import ConfigurationError
from summarizer.analysis.grounding import normalize


def test_registry_file_is_valid_and_every_entry_has_a_basis() -> None:
    registry = OutletRegistry.load()
    assert len(registry.outlets) >= 20
    for info in registry.outlets:
        assert info.basis.endswith("."), info.name
    names = [normalize(n) for info in registry.outlets for n in [info.name, *info.aliases]]
    assert len(names) == len(set(names)), "an alias is claimed by two outlets"


@pytest.mark.parametrize(
    ("written", "name", "ownership"),
    [
        ("Global Times", "Global Times", "state-owned"),
        ("global times", "Global Times", "state-owned"),
        ("Xinhua News Agency", "Xinhua", "state-owned"),
        ("RT", "RT", "state-owned"),
        ("Al Jazeera English", "Al Jazeera", "state-affiliated"),
        ("BBC News", "BBC", "public-broadcaster"),
        ("The Associated Press", "Associated Press", "cooperative"),
        ("Reuters (London)", "Reuters", "private"),
    ],
)
def test_lookup_by_name_alias_and_embedded_name(written: str, name: str, ownership: str) -> None:
    info = OutletRegistry.load().lookup(written)
    assert info is not None and (info.name, info.ownership) == (name, ownership)


@pytest.mark.parametrize("written", ["Apple Daily", "The Alvora Ledger", "", None, "Parts of RTE"])
def test_unknown_outlets_and_short_aliases_inside_words_do_not_match(written: str | None) -> None:
    assert OutletRegistry.load().lookup(written) is None


def test_a_broken_registry_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "outlets.toml"
    path.write_text('[[outlet]]\nname = "X"\ncountry = "usa"\nownership = "state-owned"\nbasis = "b"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigurationError, match="invalid outlet registry") as exc:
        OutletRegistry.load(path)
    assert str(path) in str(exc.value)
