"""The briefing's inputs: text/HTML files with optional front matter, folders and JSONL
files, read into :class:`~summarizer.document.Document` objects; unreadable inputs become
:class:`~summarizer.briefing.models.FailedArticle` entries, never dropped."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import BadInputError
from ..inputs import decode_bytes, read_document
from .models import FailedArticle

__all__ = ["load_articles", "split_front_matter"]


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_META_KEYS = ("id", "title", "outlet", "date", "url")
_TEXT_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm"}


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


def _document(text: str, meta: dict[str, Any], *, default_id: str, source: str,
              max_chars: int) -> Document:
    fields = {k: str(meta[k]) for k in _META_KEYS if meta.get(k) not in (None, "")}
    doc_id = fields.pop("id", default_id)
    doc = read_document(text, max_chars=max_chars, id=doc_id, source=source, **fields)
    doc.extra = {k: str(v) for k, v in meta.items() if k not in _META_KEYS and k != "text"}
    return doc


def load_articles(
    paths: Iterable[str | Path], *, max_chars: int = 2_000_000
) -> tuple[list[Document], list[FailedArticle]]:
    """Read articles from text/HTML files, folders (sorted, non-recursive) and JSONL files.

    JSONL lines are objects with ``text`` and optional ``id``, ``outlet``, ``date``, ``url``,
    ``title``. Text files may start with front matter (see :func:`split_front_matter`).
    Unreadable inputs are returned as :class:`FailedArticle` entries, never dropped.

    Example:
        >>> docs, failed = load_articles(["examples/briefing"])  # doctest: +SKIP
        >>> [d.outlet for d in docs]  # doctest: +SKIP
        ['The Alvora Ledger', 'Northern Broadcasting Service', 'Riverside Daily Post']
    """
    docs: list[Document] = []
    failed: list[FailedArticle] = []
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files += sorted(f for f in path.iterdir()
                            if f.is_file() and f.suffix.lower() in _TEXT_SUFFIXES | {".jsonl"})
        else:
            files.append(path)
    for path in files:
        try:
            if path.suffix.lower() == ".jsonl":
                d, f = _read_jsonl(path, max_chars=max_chars)
                docs += d
                failed += f
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                                    source=str(path)) from exc
            text = decode_bytes(raw, source=str(path)).replace("\r\n", "\n").replace("\r", "\n")
            meta, body = split_front_matter(text)
            docs.append(_document(body, meta, default_id=path.stem, source=str(path),
                                  max_chars=max_chars))
        except BadInputError as exc:
            failed.append(FailedArticle(id=path.stem, source=str(path), error=type(exc).__name__,
                                        message=str(exc)))
    return docs, failed


def _read_jsonl(path: Path, *, max_chars: int) -> tuple[list[Document], list[FailedArticle]]:
    docs: list[Document] = []
    failed: list[FailedArticle] = []
    try:
        lines = decode_bytes(path.read_bytes(), source=str(path)).splitlines()
    except OSError as exc:
        raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}",
                            source=str(path)) from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        default_id = f"{path.stem}-{n}"
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise BadInputError("jsonl", "each line must be an object with a 'text' string",
                                    source=where)
            docs.append(_document(obj["text"], obj, default_id=str(obj.get("id") or default_id),
                                  source=where, max_chars=max_chars))
        except json.JSONDecodeError as exc:
            failed.append(FailedArticle(id=default_id, source=where, error="BadInputError",
                                        message=f"{where}: invalid JSON ({exc.msg})"))
        except BadInputError as exc:
            failed.append(FailedArticle(id=default_id, source=where, error=type(exc).__name__,
                                        message=str(exc)))
    return docs, failed


def _coerce(article: Document | str | Path, index: int, max_chars: int) -> Document:
    if isinstance(article, Document):
        return article
    if isinstance(article, Path):
        docs, failed = load_articles([article], max_chars=max_chars)
        if failed:
            raise BadInputError("unreadable", failed[0].message, source=str(article))
        if len(docs) != 1:
            raise BadInputError("many", "give folders and JSONL files to load_articles()",
                                source=str(article))
        return docs[0]
    meta, body = split_front_matter(article)
    return _document(body, meta, default_id=f"article-{index}", source=f"article-{index}",
                     max_chars=max_chars)


def _unique_ids(docs: list[Document]) -> None:
    seen: Counter[str] = Counter()
    for i, doc in enumerate(docs, 1):
        base = doc.id or f"article-{i}"
        seen[base] += 1
        doc.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
