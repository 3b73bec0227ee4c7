"""The curated registry of outlets and who owns them (``summarizer/data/outlets.toml``)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from ..analysis.grounding import normalize
from .models import OutletInfo, _Model

__all__ = ["OutletRegistry"]


class _RegistryFile(_Model):
    outlet: list[OutletInfo]


class OutletRegistry:
    """The curated registry of outlets and who owns them.

    Example:
        >>> OutletRegistry.load().lookup("Xinhua News Agency").ownership
        'state-owned'
    """

    def __init__(self, outlets: Sequence[OutletInfo]) -> None:
        self.outlets = list(outlets)
        self._exact: dict[str, OutletInfo] = {}
        for info in self.outlets:
            for name in [info.name, *info.aliases]:
                self._exact[normalize(name)] = info

    @classmethod
    def load(cls, path: Path | None = None) -> OutletRegistry:
        """Load the registry file (default: the one shipped in the package)."""
        if path is None:
            raw = (resources.files("summarizer") / "data" / "outlets.toml").read_text(encoding="utf-8")
            where = "summarizer/data/outlets.toml"
        else:
            raw, where = path.read_text(encoding="utf-8"), str(path)
        try:
            data = _RegistryFile.model_validate(tomllib.loads(raw))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            from ..core.errors import ConfigurationError

            raise ConfigurationError(f"{where}: invalid outlet registry: {exc}") from exc
        return cls(data.outlet)

    def lookup(self, outlet: str | None) -> OutletInfo | None:
        """The entry for ``outlet``: an exact (normalised) name/alias match, or a name of at
        least five characters that occurs as whole words in it ("Xinhua (Beijing)")."""
        if not outlet:
            return None
        norm = normalize(outlet)
        if norm in self._exact:
            return self._exact[norm]
        for name, info in self._exact.items():
            if len(name) >= 5 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", norm):
                return info
        return None
