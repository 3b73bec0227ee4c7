"""The briefing's inputs, read by the one article loader (:mod:`summarizer.loader`): files
with optional front matter, folders and JSONL files; inputs that cannot be read become
:class:`~summarizer.briefing.models.FailedArticle` entries, never dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ..core.document import Document
from ..core.errors import BadInputError
from ..core.loader import document_from_text, read_articles, split_front_matter
from .models import FailedArticle

__all__ = ["load_articles", "split_front_matter"]


def load_articles(
    paths: Iterable[str | Path], *, max_chars: int = 2_000_000, recursive: bool = False
) -> tuple[list[Document], list[FailedArticle]]:
    """Read articles from text/HTML files, folders (sorted; non-recursive unless
    ``recursive``) and JSONL files, by the rules of :mod:`summarizer.loader`.

    JSONL lines are objects with ``text`` and optional ``id``, ``outlet``, ``date``, ``url``,
    ``title``. Text files may start with front matter (see :func:`split_front_matter`).
    Unreadable inputs are returned as :class:`FailedArticle` entries, never dropped.

    Raises:
        BadInputError: two articles have the same id (reason ``duplicate_ids``).

    Usage::

        docs, failed = load_articles(["examples/briefing"])
        [d.outlet for d in docs]
        # ['The Alvora Ledger', 'Northern Broadcasting Service', 'Riverside Daily Post']
    """
    loaded = read_articles(paths, max_chars=max_chars, recursive=recursive)
    failed = [FailedArticle(id=f.id, source=f.source, error=type(f.error).__name__,
                            message=str(f.error)) for f in loaded.failures]
    return loaded.documents, failed


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
    return document_from_text(body, meta, default_id=f"article-{index}",
                              source=f"article-{index}", max_chars=max_chars)


def _unique_ids(docs: list[Document]) -> None:
    """Documents given to :func:`~summarizer.briefing.brief` directly (objects or texts, not
    loaded from files: :func:`load_articles` refuses duplicate ids) may repeat an id or have
    none: the second ``x`` becomes ``x-2``, a missing id ``article-<n>``."""
    seen: Counter[str] = Counter()
    for i, doc in enumerate(docs, 1):
        base = doc.id or f"article-{i}"
        seen[base] += 1
        doc.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
