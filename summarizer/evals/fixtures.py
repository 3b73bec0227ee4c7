"""Hand-labelled eval fixtures: loading, validation, and an offset helper for labellers.

A fixture is two files in one folder:

- ``NAME.txt``: the article (UTF-8). Offsets are Python ``str`` indices into
  ``Path.read_text(encoding="utf-8")`` (no newline translation).
- ``NAME.labels.jsonl``: one JSON object per line. Line 1 is the ``article`` record; then any
  number of ``key_point``, ``claim`` and ``stance`` records (see :class:`GoldClaim`,
  :class:`GoldStance`, :class:`GoldKeyPoint`).

:func:`validate_fixtures` reports *every* problem, each as a :class:`~summarizer.core.errors.FixtureError`
carrying the file and the 1-based line; :func:`load_fixtures` raises when there is any.

>>> text = "Putin said the pact is defensive. Kim agreed."
>>> locate_span(text, "the pact is defensive")
(11, 32)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import FixtureError
from ..core.models import AttributionType, SpeakerType, StanceLabel

__all__ = [
    "LABELS_SUFFIX",
    "Fixture",
    "FixtureMeta",
    "GoldClaim",
    "GoldKeyPoint",
    "GoldStance",
    "load_fixture",
    "load_fixtures",
    "locate_span",
    "validate_fixtures",
]

LABELS_SUFFIX = ".labels.jsonl"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixtureMeta(_Record):
    """Line 1 of a labels file: what the article is and where it comes from."""

    type: Literal["article"]
    id: str = Field(min_length=1)
    title: str | None = None
    outlet: str | None = None
    language: str = Field(min_length=2, max_length=8)
    constructed: bool
    source_note: str
    tags: list[str] = Field(default_factory=list)


class GoldKeyPoint(_Record):
    """A point a good summary of the article must cover."""

    type: Literal["key_point"]
    text: str = Field(min_length=1)


class GoldClaim(_Record):
    """An attributed claim; ``evidence == text[start:end]`` is the span stating it."""

    type: Literal["claim"]
    speaker: str = Field(min_length=1)
    speaker_type: SpeakerType
    attribution: AttributionType
    cue: str | None = None
    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    evidence: str = Field(min_length=1)


class GoldStance(_Record):
    """A holder's stance toward a target; ``evidence == text[start:end]``."""

    type: Literal["stance"]
    holder: str = Field(min_length=1)
    holder_type: SpeakerType
    target: str = Field(min_length=1)
    label: StanceLabel
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    evidence: str = Field(min_length=1)


_ITEM_TYPES: dict[str, type[_Record]] = {
    "key_point": GoldKeyPoint,
    "claim": GoldClaim,
    "stance": GoldStance,
}


@dataclass(frozen=True)
class Fixture:
    """One labelled article: its text and every gold record."""

    name: str
    text: str
    meta: FixtureMeta
    key_points: list[GoldKeyPoint] = field(default_factory=list)
    claims: list[GoldClaim] = field(default_factory=list)
    stances: list[GoldStance] = field(default_factory=list)
    path: Path | None = None


def locate_span(text: str, snippet: str, occurrence: int | None = None) -> tuple[int, int]:
    """Character offsets of ``snippet`` in ``text`` (exact match), for writing labels.

    Args:
        text: the article as read with ``Path.read_text(encoding="utf-8")``.
        snippet: the exact evidence text.
        occurrence: 0-based index of the occurrence to take when the snippet appears more
            than once; required in that case.

    Returns:
        ``(start, end)`` with ``text[start:end] == snippet``.

    Raises:
        ValueError: the snippet is empty, absent, ambiguous without ``occurrence``, or
            ``occurrence`` is out of range.

    Example:
        >>> locate_span("a b a", "a", occurrence=1)
        (4, 5)
    """
    if not snippet:
        raise ValueError("snippet is empty")
    starts: list[int] = []
    i = text.find(snippet)
    while i != -1:
        starts.append(i)
        i = text.find(snippet, i + 1)
    if not starts:
        raise ValueError(f"snippet not found: {snippet[:60]!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise ValueError(
                f"snippet occurs {len(starts)} times at {starts}; pass occurrence=0..{len(starts) - 1}"
            )
        occurrence = 0
    if not 0 <= occurrence < len(starts):
        raise ValueError(f"occurrence {occurrence} out of range: snippet occurs {len(starts)} times")
    return starts[occurrence], starts[occurrence] + len(snippet)


def _format_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        out.append(f"{loc}: {err['msg']}")
    return out


def _check_fixture(labels_path: Path) -> tuple[Fixture | None, list[FixtureError]]:
    """Parse one fixture, collecting every problem instead of stopping at the first."""
    errors: list[FixtureError] = []
    name = labels_path.name[: -len(LABELS_SUFFIX)]
    text_path = labels_path.with_name(name + ".txt")
    where = str(labels_path)
    if not text_path.is_file():
        errors.append(FixtureError(str(text_path), ["article text file is missing"]))
        return None, errors
    try:
        text = text_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(FixtureError(str(text_path), [f"not valid UTF-8: {exc}"]))
        return None, errors
    try:
        lines = labels_path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        errors.append(FixtureError(where, [f"not valid UTF-8: {exc}"]))
        return None, errors

    meta: FixtureMeta | None = None
    items: list[_Record] = []
    seen_first = False
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj: Any = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(FixtureError(where, [f"invalid JSON: {exc.msg}"], line=lineno))
            seen_first = True
            continue
        if not isinstance(obj, dict):
            errors.append(FixtureError(where, ["a record must be a JSON object"], line=lineno))
            seen_first = True
            continue
        kind = obj.get("type")
        if not seen_first:
            seen_first = True
            if kind != "article":
                errors.append(
                    FixtureError(where, [f"line 1 must be the 'article' record, got {kind!r}"], line=lineno)
                )
            else:
                try:
                    meta = FixtureMeta.model_validate(obj)
                except ValidationError as exc:
                    errors.append(FixtureError(where, _format_validation(exc), line=lineno))
                    continue
                if meta.id != name:
                    errors.append(
                        FixtureError(where, [f"id {meta.id!r} does not match file name {name!r}"], line=lineno)
                    )
                continue
        if kind == "article":
            errors.append(FixtureError(where, ["only line 1 may be an 'article' record"], line=lineno))
            continue
        model = _ITEM_TYPES.get(str(kind))
        if model is None:
            allowed = ", ".join(sorted(_ITEM_TYPES))
            errors.append(FixtureError(where, [f"unknown type {kind!r} (allowed: {allowed})"], line=lineno))
            continue
        try:
            item = model.model_validate(obj)
        except ValidationError as exc:
            errors.append(FixtureError(where, _format_validation(exc), line=lineno))
            continue
        if isinstance(item, GoldClaim | GoldStance):
            problems = _span_problems(text, item.start, item.end, item.evidence)
            if problems:
                errors.append(FixtureError(where, problems, line=lineno))
                continue
        items.append(item)
    if not seen_first:
        errors.append(FixtureError(where, ["file is empty: line 1 must be the 'article' record"]))
    if meta is None or errors:
        return None, errors
    fixture = Fixture(
        name=name,
        text=text,
        meta=meta,
        key_points=[i for i in items if isinstance(i, GoldKeyPoint)],
        claims=[i for i in items if isinstance(i, GoldClaim)],
        stances=[i for i in items if isinstance(i, GoldStance)],
        path=labels_path,
    )
    return fixture, errors


def _span_problems(text: str, start: int, end: int, evidence: str) -> list[str]:
    if end <= start:
        return [f"end ({end}) must be greater than start ({start})"]
    if end > len(text):
        return [f"end ({end}) is past the end of the text ({len(text)} characters)"]
    actual = text[start:end]
    if actual == evidence:
        return []
    hint = ""
    try:
        s, e = locate_span(text, evidence)
        hint = f"; the evidence is found at start={s}, end={e}"
    except ValueError as exc:
        hint = f"; {exc}"
    return [f"text[{start}:{end}] is {actual[:60]!r}, not the evidence {evidence[:60]!r}{hint}"]


def _labels_files(path: Path) -> list[Path]:
    if path.is_file():
        if not path.name.endswith(LABELS_SUFFIX):
            if path.suffix == ".txt":
                return [path.with_name(path.stem + LABELS_SUFFIX)]
            raise FixtureError(str(path), [f"not a fixture: expected NAME{LABELS_SUFFIX} or NAME.txt"])
        return [path]
    if not path.is_dir():
        raise FixtureError(str(path), ["no such file or directory"])
    return sorted(path.glob("*" + LABELS_SUFFIX))


def validate_fixtures(path: Path | str) -> list[FixtureError]:
    """Every problem in a fixture folder (or one fixture file), each with file and line.

    Also reports ``.txt`` files with no labels file, and duplicate ids.

    Example:
        >>> problems = validate_fixtures("evals/fixtures")  # from the repository root
        >>> [str(p) for p in problems]  # e.g. "x.labels.jsonl:4: text[10:20] is 'said the', ..."
        []
    """
    path = Path(path)
    errors: list[FixtureError] = []
    try:
        files = _labels_files(path)
    except FixtureError as exc:
        return [exc]
    if path.is_dir():
        for txt in sorted(path.glob("*.txt")):
            if not txt.with_name(txt.stem + LABELS_SUFFIX).exists():
                errors.append(FixtureError(str(txt), [f"no labels file {txt.stem}{LABELS_SUFFIX}"]))
        if not files:
            errors.append(FixtureError(str(path), [f"no *{LABELS_SUFFIX} files"]))
    for labels in files:
        if not labels.is_file():
            errors.append(FixtureError(str(labels), ["labels file is missing"]))
            continue
        _, found = _check_fixture(labels)
        errors += found
    return errors


def load_fixture(path: Path | str) -> Fixture:
    """Load and validate one fixture (``NAME.labels.jsonl`` or ``NAME.txt``).

    Raises:
        FixtureError: the first problem found; its ``problems`` attribute lists them all
            when there are several.
    """
    files = _labels_files(Path(path))
    fixture, errors = _check_fixture(files[0]) if files[0].is_file() else (
        None, [FixtureError(str(files[0]), ["labels file is missing"])]
    )
    _raise_all(errors)
    if fixture is None:  # pragma: no cover - _check_fixture always reports why
        raise FixtureError(str(path), ["could not load fixture"])
    return fixture


def load_fixtures(path: Path | str, *, names: Iterable[str] | None = None) -> list[Fixture]:
    """Load every fixture in a folder, sorted by name, after validating all of them.

    Args:
        path: the fixture folder (e.g. ``evals/fixtures``) or one fixture file.
        names: only load these fixture names.

    Raises:
        FixtureError: when any fixture is malformed (all problems are listed).

    Example:
        >>> fixtures = load_fixtures("evals/fixtures")  # from the repository root
        >>> fixtures[0].claims[0].speaker
        'Global Climate Desk'
    """
    path = Path(path)
    _raise_all(validate_fixtures(path))
    wanted = set(names) if names is not None else None
    out = []
    for labels in _labels_files(path):
        name = labels.name[: -len(LABELS_SUFFIX)]
        if wanted is not None and name not in wanted:
            continue
        fixture, _ = _check_fixture(labels)
        if fixture is not None:
            out.append(fixture)
    return out


def _raise_all(errors: list[FixtureError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        first = errors[0]
        raise FixtureError(first.path, [str(e) for e in errors], line=first.line)


def _main(argv: list[str] | None = None) -> int:  # pragma: no cover - thin helper for labellers
    """``python -m summarizer.evals.fixtures TEXT_FILE SNIPPET [OCCURRENCE]`` prints offsets."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m summarizer.evals.fixtures TEXT_FILE SNIPPET [OCCURRENCE]", file=sys.stderr)
        return 2
    text = Path(args[0]).read_text(encoding="utf-8")
    try:
        start, end = locate_span(text, args[1], int(args[2]) if len(args) == 3 else None)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"start": start, "end": end, "evidence": text[start:end]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
