"""The one article loader: files, folders and JSONL files → :class:`~summarizer.document.Document`
objects, for ``summarizer batch``, ``summarizer brief`` and :func:`summarizer.briefing.load_articles`.

Nothing is dropped silently: an input that cannot be read becomes a :class:`LoadFailure`
(with the :class:`~summarizer.errors.BadInputError` that says why), in input order next to the
documents that could be read; what to do with failures is the caller's decision (the batch
writes them to its failures file, a briefing lists them in its methods).

The rules, one per question the batch and the briefing used to answer differently:

* **Ids are optional** and derived from where the article comes from: a file's id is its path
  relative to the folder given, without the suffix (``ledger``, ``2024/ledger`` with
  ``recursive=True``), or its stem when the file is given directly; a JSONL line without an
  ``"id"`` gets ``<file stem>-<line number>`` (``in-3``). An ``id:`` in a file's front matter
  or a JSONL ``"id"`` (a string or an integer) wins.
* **Duplicate ids are an error** for the whole load (:class:`~summarizer.errors.BadInputError`
  with reason ``duplicate_ids``), naming the two sources of the first repeated id: results are
  keyed by id (a batch resumes by id, a note cites by id), so renaming one would hide it.
* **Folders are searched non-recursively** unless ``recursive=True``, in sorted order.
* **Suffixes**: in a folder, the article files are :data:`ARTICLE_SUFFIXES` (``.txt``,
  ``.text``, ``.md``, ``.html``, ``.htm``) and :data:`JSONL_SUFFIX` files are read as JSONL;
  other files are ignored. A file given by name is read whatever its suffix (JSONL if it ends
  in ``.jsonl``). There is no reader for ``.docx``, PDF or other binary formats.
* **Front matter** (simple ``key: value`` lines between ``---`` lines at the top of a file,
  :func:`split_front_matter`) is metadata, not article text, in every file.
* **Error reasons**: ``unreadable`` (a path that does not exist or cannot be read), ``empty``
  (a folder with no article files, or an empty file), ``bad_jsonl`` (a JSONL line that is not
  valid JSON, not an object, has no ``"text"`` string or an ``"id"`` that is neither a string
  nor an integer), ``duplicate_ids``; the text itself is checked by
  :func:`~summarizer.inputs.read_document` (``binary``, ``too_large``, ``no_text``, ...).
  Every failure's source is the path, and ``path:line`` for a JSONL line.
* **Metadata**: ``title``, ``outlet``, ``date`` and ``url`` (non-empty values, as strings) go
  to the document; any other key except ``text`` is kept in ``Document.extra``.

Usage::

    loaded = read_articles(["examples/briefing"])
    [d.id for d in loaded.documents], loaded.failures
    # (['ledger', 'nbs', 'post'], [])
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document
from .errors import BadInputError
from .inputs import decode_bytes, read_document

__all__ = [
    "ARTICLE_SUFFIXES",
    "JSONL_SUFFIX",
    "LoadFailure",
    "LoadedArticles",
    "document_from_text",
    "read_articles",
    "split_front_matter",
]

ARTICLE_SUFFIXES = (".htm", ".html", ".md", ".text", ".txt")
"""Suffixes of the article files read from a folder (lower-cased before the test)."""
JSONL_SUFFIX = ".jsonl"
"""Files read as JSON Lines, one article object per line."""
METADATA_KEYS = ("id", "title", "outlet", "date", "url")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


@dataclass
class LoadFailure:
    """An input that could not be read.

    Attributes:
        id: the id the article would have had (derived when it could not be read).
        source: the path, or ``path:line`` for a JSONL line.
        error: why (its ``reason`` is one of the module docstring's).
        whole_input: ``True`` when the failure concerns a whole path given (it does not exist,
            a folder has no article files, a JSONL file cannot be read), not one article in it.
    """

    id: str
    source: str
    error: BadInputError
    whole_input: bool = False


@dataclass
class LoadedArticles:
    """What :func:`read_articles` found, in input order.

    Attributes:
        documents: the articles that could be read.
        failures: the inputs that could not.
        ids: every id, of documents and failures alike, in input order.
    """

    documents: list[Document] = field(default_factory=list)
    failures: list[LoadFailure] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    _sources: dict[str, str] = field(default_factory=dict, repr=False)

    def _add(self, item_id: str, source: str, doc: Document | None = None,
             error: BadInputError | None = None, *, whole_input: bool = False) -> None:
        if item_id in self._sources:
            raise BadInputError(
                "duplicate_ids",
                f"duplicate id {item_id!r}: {self._sources[item_id]} and {source}; ids must be "
                "unique (give each article its own \"id\", or rename one file)",
                source=source,
            )
        self._sources[item_id] = source
        self.ids.append(item_id)
        if doc is not None:
            self.documents.append(doc)
        elif error is not None:
            self.failures.append(LoadFailure(item_id, source, error, whole_input))


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple ``key: value`` front matter off the top of ``text``.

    Returns the metadata and the remaining text (leading blank lines removed): the text that
    is analysed and that every offset refers to.

    Example:
        >>> split_front_matter("---\\noutlet: X\\ndate: 2024-01-02\\n---\\nBody.")
        ({'outlet': 'X', 'date': '2024-01-02'}, 'Body.')
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lm = _FM_LINE.match(line)
        if not lm:
            return {}, text  # not front matter after all: analyse the file as it is
        value = lm.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[lm.group(1).lower()] = value
    return meta, text[m.end() :].lstrip("\n")


def document_from_text(text: str, meta: dict[str, Any], *, default_id: str, source: str,
                       max_chars: int) -> Document:
    """A validated :class:`Document` from article text and its metadata (front matter or a
    JSONL object): ``id`` from ``meta`` or ``default_id``; other keys but ``text`` go to
    ``Document.extra``.

    Raises:
        BadInputError: the text is not an article (see :func:`~summarizer.inputs.read_document`).
    """
    fields = {k: str(meta[k]) for k in METADATA_KEYS if meta.get(k) not in (None, "")}
    doc_id = fields.pop("id", default_id)
    doc = read_document(text, max_chars=max_chars, id=doc_id, source=source, **fields)
    doc.extra = {k: str(v) for k, v in meta.items() if k not in METADATA_KEYS and k != "text"}
    return doc


def read_articles(paths: Iterable[str | Path], *, max_chars: int = 2_000_000,
                  recursive: bool = False) -> LoadedArticles:
    """Read every article of ``paths`` (files, folders, JSONL files) by the module's rules.

    Raises:
        BadInputError: two articles have the same id (reason ``duplicate_ids``). Every other
            problem is a :class:`LoadFailure` in the result.
    """
    loaded = LoadedArticles()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files = _folder_files(path, recursive=recursive)
            if not files:
                loaded._add(path.name or str(path), str(path), error=BadInputError(
                    "empty", "the folder has no article files ("
                    + ", ".join((*ARTICLE_SUFFIXES, JSONL_SUFFIX)) + ")", source=str(path)),
                    whole_input=True)
            for file in files:
                name = file.relative_to(path).with_suffix("").as_posix()
                _read_path(loaded, file, default_id=name, max_chars=max_chars)
        elif not path.exists():
            loaded._add(path.stem or str(path), str(path), error=BadInputError(
                "unreadable", "no such file or folder", source=str(path)), whole_input=True)
        else:
            _read_path(loaded, path, default_id=path.stem, max_chars=max_chars, given=True)
    return loaded


def _folder_files(folder: Path, *, recursive: bool) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    suffixes = (*ARTICLE_SUFFIXES, JSONL_SUFFIX)
    return sorted((f for f in found if f.is_file() and f.suffix.lower() in suffixes),
                  key=lambda f: f.relative_to(folder).as_posix())


def _read_path(loaded: LoadedArticles, path: Path, *, default_id: str, max_chars: int,
               given: bool = False) -> None:
    if path.suffix.lower() == JSONL_SUFFIX:
        _read_jsonl(loaded, path, max_chars=max_chars)
        return
    source = str(path)
    try:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                                source=source) from exc
        if len(raw) > max_chars * 4:
            raise BadInputError("too_large", f"the file has {len(raw):,} bytes, over the limit",
                                source=source)
        text = decode_bytes(raw, source=source).replace("\r\n", "\n").replace("\r", "\n")
        meta, body = split_front_matter(text)
        doc = document_from_text(body, meta, default_id=default_id, source=source,
                                 max_chars=max_chars)
    except BadInputError as exc:
        loaded._add(default_id, source, error=exc, whole_input=given and exc.reason == "unreadable")
        return
    loaded._add(doc.key, source, doc)


def _read_jsonl(loaded: LoadedArticles, path: Path, *, max_chars: int) -> None:
    try:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                                source=str(path)) from exc
        # split on "\n" only: str.splitlines() would also cut at U+2028 and other separators
        # that JSON allows inside strings
        lines = decode_bytes(raw, source=str(path)).split("\n")
    except BadInputError as exc:
        loaded._add(path.stem, str(path), error=exc, whole_input=True)
        return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        default_id = f"{path.stem}-{n}"
        item_id = default_id
        try:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadInputError("bad_jsonl", f"line {n}: invalid JSON ({exc.msg})",
                                    source=where) from exc
            if not isinstance(obj, dict):
                raise BadInputError("bad_jsonl", f"line {n} is not a JSON object", source=where)
            given = obj.get("id")
            if given is not None and given != "":
                if isinstance(given, bool) or not isinstance(given, (str, int)):
                    raise BadInputError("bad_jsonl", f"line {n}: \"id\" must be a string or an "
                                        "integer", source=where)
                item_id = str(given)
            if not isinstance(obj.get("text"), str):
                raise BadInputError("bad_jsonl", f"line {n} has no \"text\" string; each line "
                                    "must be an object with a 'text' string", source=where)
            doc = document_from_text(obj["text"], {**obj, "id": item_id}, default_id=item_id,
                                     source=where, max_chars=max_chars)
        except BadInputError as exc:
            loaded._add(item_id, where, error=exc)
            continue
        loaded._add(item_id, where, doc)
