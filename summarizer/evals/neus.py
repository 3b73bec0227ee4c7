"""NeuS / AllSides loader: three outlets on one event plus an editor's neutral roundup.

Reads ``val.source`` (one event per line: three articles separated by `` [SEP] ``, each
``TITLE=> ... ARTICLE=> ...``) and ``val.target`` (the roundup, same format), from a folder or
from the ``.source`` file (the ``.target`` beside it). Used by the briefing evals.

Usage (needs the benchmark data)::

    events = load_neus("/path/to/benchmarks/neus_allsides", limit=5)
    len(events[0].articles)
3
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfigurationError

__all__ = ["NeusArticle", "NeusEvent", "load_neus", "parse_neus_article"]

SEP = " [SEP] "


@dataclass(frozen=True)
class NeusArticle:
    title: str
    text: str


@dataclass(frozen=True)
class NeusEvent:
    """One event: the outlets' articles (left/centre/right, in file order) and the reference."""

    id: str
    articles: tuple[NeusArticle, ...]
    reference: NeusArticle


def parse_neus_article(chunk: str) -> NeusArticle:
    """Split ``TITLE=> t ARTICLE=> body`` (either part may be missing).

    Example:
        >>> parse_neus_article("TITLE=> Vote delayed. ARTICLE=> The vote was delayed.")
        NeusArticle(title='Vote delayed.', text='The vote was delayed.')
    """
    chunk = chunk.strip()
    title, body = "", chunk
    if "ARTICLE=>" in chunk:
        head, _, body = chunk.partition("ARTICLE=>")
        title = head.replace("TITLE=>", "", 1).strip()
    elif chunk.startswith("TITLE=>"):
        title, body = chunk.removeprefix("TITLE=>").strip(), ""
    return NeusArticle(title=title, text=body.strip())


def load_neus(path: Path | str, limit: int | None = None) -> list[NeusEvent]:
    """Load the first ``limit`` events (all when ``None``).

    Raises:
        ConfigurationError: the ``.source``/``.target`` files are missing or their line counts differ.
    """
    path = Path(path)
    if path.is_dir():
        sources = sorted(path.glob("*.source"))
        if not sources:
            raise ConfigurationError(f"no NeuS data at {path}", hint="expected val.source and val.target")
        source = sources[0]
    else:
        source = path
    target = source.with_suffix(".target")
    if not source.is_file() or not target.is_file():
        raise ConfigurationError(f"no NeuS data at {path}", hint="expected val.source and val.target")
    src_lines = source.read_text(encoding="utf-8").splitlines()
    tgt_lines = target.read_text(encoding="utf-8").splitlines()
    if len(src_lines) != len(tgt_lines):
        raise ConfigurationError(f"{source} has {len(src_lines)} lines but {target} has {len(tgt_lines)}")
    events: list[NeusEvent] = []
    for k, (src, tgt) in enumerate(zip(src_lines, tgt_lines, strict=True)):
        if limit is not None and len(events) >= limit:
            break
        articles = tuple(parse_neus_article(part) for part in src.split(SEP) if part.strip())
        events.append(NeusEvent(id=f"{source.stem}-{k}", articles=articles, reference=parse_neus_article(tgt)))
    return events
