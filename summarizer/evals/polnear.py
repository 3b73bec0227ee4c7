"""PolNeAR loader: attribution relations (Source / Cue / Content) as gold claims.

Reads ``dev/text/NAME.txt`` and ``dev/attributions/NAME_ANNOTATOR.ann`` (brat standoff) from
the folder given (the PolNeAR root or its ``dev`` folder). A gold claim is a Content span; its
speaker is the Source span (``None`` when the relation has none), its cue the Cue span.
Discontinuous spans (``START END;START END``) keep every piece; the claim's offsets run from
the first piece's start to the last piece's end. When two annotators labelled an article, the
first annotation file (by name) is used.

Usage (needs the benchmark data)::

    articles = load_polnear("/path/to/benchmarks/polnear", limit=40, seed=0)
    articles[0].claims[0].speaker  # 'The New York Post'
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import ConfigurationError

__all__ = ["PolnearArticle", "PolnearClaim", "load_polnear", "parse_brat"]


@dataclass(frozen=True)
class PolnearClaim:
    """One attribution: what (content) who (speaker) said, with which cue."""

    text: str
    start: int
    end: int
    speaker: str | None
    cue: str | None
    pieces: tuple[tuple[int, int], ...] = ()
    source_pieces: tuple[tuple[int, int], ...] = ()  # the Source span's offsets (empty: none)
    cue_pieces: tuple[tuple[int, int], ...] = ()


@dataclass
class PolnearArticle:
    id: str
    text: str
    claims: list[PolnearClaim] = field(default_factory=list)
    annotator: str | None = None
    title: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class _Span:
    type: str
    pieces: tuple[tuple[int, int], ...]


def parse_brat(ann: str, text: str, *, source: str = "<ann>") -> list[PolnearClaim]:
    """Parse brat standoff lines into claims (one per ``E`` relation with a Content span).

    Raises:
        ConfigurationError: a line cannot be parsed or an offset is outside the text.

    Example:
        >>> text = "Kim said the talks failed."
        >>> ann = "T1\\tSource 0 3\\tKim\\nT2\\tCue 4 8\\tsaid\\nT3\\tContent 9 25\\tthe talks failed\\n"
        >>> ann += "E1\\tAttribution:T2 Content:T3 Cue:T2 Source:T1\\n"
        >>> claim = parse_brat(ann, text)[0]
        >>> claim.speaker, claim.source_pieces, claim.pieces
        ('Kim', ((0, 3),), ((9, 25),))
    """
    spans: dict[str, _Span] = {}
    relations: list[dict[str, str]] = []
    for lineno, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            if line.startswith("T"):
                kind, _, ranges = fields[1].partition(" ")
                pieces = tuple(
                    (int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))
                )
                if any(not 0 <= a < b <= len(text) for a, b in pieces):
                    raise ValueError(f"span {ranges} outside the text ({len(text)} chars)")
                spans[fields[0]] = _Span(kind, pieces)
            elif line.startswith("E"):
                relations.append(dict(part.split(":", 1) for part in fields[1].split()))
        except (IndexError, ValueError) as exc:
            raise ConfigurationError(f"{source}:{lineno}: not a brat line ({exc})") from exc
    claims = []
    for rel in relations:
        content = spans.get(rel.get("Content", ""))
        if content is None:
            continue
        src = spans.get(rel.get("Source", ""))
        cue = spans.get(rel.get("Cue", ""))
        start, end = content.pieces[0][0], content.pieces[-1][1]
        claims.append(
            PolnearClaim(
                text=" ".join(text[a:b] for a, b in content.pieces),
                start=start,
                end=end,
                speaker=" ".join(text[a:b] for a, b in src.pieces) if src else None,
                cue=" ".join(text[a:b] for a, b in cue.pieces) if cue else None,
                pieces=content.pieces,
                source_pieces=src.pieces if src else (),
                cue_pieces=cue.pieces if cue else (),
            )
        )
    claims.sort(key=lambda c: (c.start, c.end))
    return claims


def _metadata(root: Path) -> dict[str, tuple[str, str]]:
    meta = root / "metadata.tsv"
    out: dict[str, tuple[str, str]] = {}
    if not meta.is_file():
        return out
    lines = meta.read_text(encoding="utf-8").splitlines()
    if not lines:
        return out
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        if "filename" in row:
            out[row["filename"]] = (row.get("title", ""), row.get("publisher", ""))
    return out


def load_polnear(path: Path | str, *, limit: int | None = None, seed: int = 0) -> list[PolnearArticle]:
    """Load annotated PolNeAR articles (optionally a random sample of ``limit``, sorted by id).

    Raises:
        ConfigurationError: no ``text/`` and ``attributions/`` folders under ``path``
            (or ``path/dev``), or an annotation file is malformed.
    """
    root = Path(path)
    split = root / "dev" if (root / "dev" / "text").is_dir() else root
    text_dir, ann_dir = split / "text", split / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise ConfigurationError(f"no PolNeAR data at {root}", hint="expected dev/text and dev/attributions")
    names = []
    for txt in sorted(text_dir.glob("*.txt")):
        if sorted(ann_dir.glob(f"{txt.stem}_*.ann")):
            names.append(txt.stem)
    if limit is not None and limit < len(names):
        names = sorted(random.Random(seed).sample(names, limit))
    meta = _metadata(root if (root / "metadata.tsv").is_file() else root.parent)
    articles = []
    for name in names:
        ann_file = min(ann_dir.glob(f"{name}_*.ann"))
        text = (text_dir / f"{name}.txt").read_text(encoding="utf-8")
        title, outlet = meta.get(name, ("", ""))
        articles.append(
            PolnearArticle(
                id=name,
                text=text,
                claims=parse_brat(ann_file.read_text(encoding="utf-8"), text, source=str(ann_file)),
                annotator=ann_file.stem[len(name) + 1 :],
                title=title or None,
                outlet=outlet or None,
            )
        )
    return articles
