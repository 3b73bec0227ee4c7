"""Build ``NAME.labels.jsonl`` from a human-written ``NAME.labels.src.jsonl`` (offsets computed).

Labellers never type character offsets. They write a *source* file next to the article,
one JSON object per line, exactly like the final labels file but without ``start``/``end``:

- ``{"type": "article", ...}`` first (copied as is),
- ``{"type": "key_point", "text": ...}``,
- ``{"type": "claim", ..., "evidence": "<exact snippet>"}`` and
  ``{"type": "stance", ..., "evidence": "<exact snippet>"}``.

Instead of a long ``evidence`` string a record may give ``"span": ["<start snippet>", "<end
snippet>"]``: the evidence then runs from the start snippet to the end of the first end
snippet after it. A snippet that occurs more than once needs ``"occurrence": N`` (0-based,
for the start snippet). Blank lines and lines starting with ``#`` are ignored (use them for
notes). This script finds every snippet exactly in the text, fails on a missing or ambiguous
one, checks the label sets and conventions of ``evals/README.md``, and writes the final file
with ``start``/``end``/``evidence`` filled in.

Usage::

    python evals/tools/build_fixture_labels.py              # build every fixture
    python evals/tools/build_fixture_labels.py --check      # verify, write nothing (CI)
    python evals/tools/build_fixture_labels.py NAME ...     # only these fixtures

Example (from a Python session)::

    >>> locate("Kim said yes. Putin said no.", "Putin said no.")
    (14, 28)
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from summarizer.evals.fixtures import locate_span as locate
from summarizer.core.models import AttributionType, SpeakerType, StanceLabel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SRC_SUFFIX = ".labels.src.jsonl"
OUT_SUFFIX = ".labels.jsonl"

SPEAKER_TYPES = set(get_args(SpeakerType))
ATTRIBUTIONS = set(get_args(AttributionType))
STANCE_LABELS = set(get_args(StanceLabel))
QUOTE_MARKS = set("\"“”«»„‘’'")

ARTICLE_KEYS = ["type", "id", "title", "outlet", "language", "constructed", "source_note", "tags"]
CLAIM_KEYS = ["type", "speaker", "speaker_type", "attribution", "cue", "text", "start", "end", "evidence"]
STANCE_KEYS = ["type", "holder", "holder_type", "target", "label", "start", "end", "evidence"]
SRC_ONLY_KEYS = {"span", "occurrence"}


@dataclass(frozen=True)
class LabelProblem:
    """One problem in a source or labels file, with its 1-based line."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _resolve_span(text: str, rec: dict[str, Any]) -> tuple[int, int]:
    occurrence = rec.get("occurrence")
    if "span" in rec:
        first, last = rec["span"]
        start, _ = locate(text, first, occurrence)
        end_start = text.find(last, start)
        if end_start == -1:
            raise ValueError(f"end snippet not found after start: {last[:70]!r}")
        return start, end_start + len(last)
    return locate(text, rec["evidence"], occurrence)


def _check_item(rec: dict[str, Any], text: str) -> list[str]:
    """Label-set and convention checks shared by source and built files."""
    problems: list[str] = []
    kind = rec.get("type")
    if kind == "key_point":
        if not isinstance(rec.get("text"), str) or not rec["text"].strip():
            problems.append("key_point needs a non-empty 'text'")
        return problems
    if kind == "claim":
        for key in ("speaker", "text"):
            if not isinstance(rec.get(key), str) or not rec[key].strip():
                problems.append(f"claim needs a non-empty {key!r}")
        if rec.get("speaker_type") not in SPEAKER_TYPES:
            problems.append(f"speaker_type {rec.get('speaker_type')!r} not in {sorted(SPEAKER_TYPES)}")
        attribution = rec.get("attribution")
        if attribution not in ATTRIBUTIONS:
            problems.append(f"attribution {attribution!r} not in {sorted(ATTRIBUTIONS)}")
        cue = rec.get("cue")
        if cue is not None and (not isinstance(cue, str) or not cue.strip()):
            problems.append("cue must be a non-empty string or null")
        if (attribution == "assertion") != (rec.get("speaker_type") == "outlet"):
            problems.append("attribution 'assertion' goes with speaker_type 'outlet' and only with it")
        if attribution == "assertion" and cue is not None:
            problems.append("an assertion has no cue (cue must be null)")
        if attribution in ("direct", "indirect") and cue is None:
            problems.append("a direct or indirect claim needs its cue")
        evidence = rec.get("evidence", "")
        if attribution == "direct" and not QUOTE_MARKS & set(evidence):
            problems.append("a direct claim's evidence must include the quotation")
    elif kind == "stance":
        for key in ("holder", "target"):
            if not isinstance(rec.get(key), str) or not rec[key].strip():
                problems.append(f"stance needs a non-empty {key!r}")
        if rec.get("holder_type") not in SPEAKER_TYPES:
            problems.append(f"holder_type {rec.get('holder_type')!r} not in {sorted(SPEAKER_TYPES)}")
        if rec.get("label") not in STANCE_LABELS:
            problems.append(f"label {rec.get('label')!r} not in {sorted(STANCE_LABELS)}")
    else:
        problems.append(f"unknown record type {kind!r}")
        return problems
    start, end, evidence = rec.get("start"), rec.get("end"), rec.get("evidence")
    if isinstance(start, int) and isinstance(end, int) and isinstance(evidence, str):
        if text[start:end] != evidence:
            problems.append(f"text[{start}:{end}] != evidence {evidence[:50]!r}")
        elif evidence != evidence.strip():
            problems.append("evidence must not start or end with whitespace")
    return problems


def _check_article(rec: dict[str, Any], name: str) -> list[str]:
    problems = []
    if rec.get("type") != "article":
        return ["line 1 must be the 'article' record"]
    missing = [k for k in ARTICLE_KEYS if k not in rec]
    if missing:
        problems.append(f"article record misses {missing}")
    if rec.get("id") != name:
        problems.append(f"id {rec.get('id')!r} must equal the file name {name!r}")
    if not isinstance(rec.get("constructed"), bool):
        problems.append("constructed must be true or false")
    if not isinstance(rec.get("tags"), list) or not all(isinstance(t, str) for t in rec["tags"]):
        problems.append("tags must be a list of strings")
    return problems


def _read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _Fail([LabelProblem(path, lineno, f"invalid JSON: {exc.msg} (col {exc.colno})")]) from exc
        records.append((lineno, obj))
    return records


class _Fail(Exception):
    def __init__(self, problems: list[LabelProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def build(name: str, folder: Path = FIXTURES) -> tuple[str, list[LabelProblem]]:
    """Build the labels file content for fixture ``name``; return it with every problem found."""
    src = folder / f"{name}{SRC_SUFFIX}"
    text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    problems: list[LabelProblem] = []
    try:
        records = _read_records(src)
    except _Fail as fail:
        return "", fail.problems
    if not records:
        return "", [LabelProblem(src, 1, "empty source file")]
    out_lines = []
    counts = {"key_point": 0, "claim": 0, "stance": 0}
    for index, (lineno, rec) in enumerate(records):
        if index == 0:
            problems += [LabelProblem(src, lineno, m) for m in _check_article(rec, name)]
            out_lines.append(json.dumps({k: rec.get(k) for k in ARTICLE_KEYS}, ensure_ascii=False))
            continue
        kind = rec.get("type")
        counts[kind] = counts.get(kind, 0) + 1
        if kind in ("claim", "stance"):
            try:
                start, end = _resolve_span(text, rec)
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(LabelProblem(src, lineno, str(exc)))
                problems += [LabelProblem(src, lineno, m) for m in _check_item(rec, text)]
                continue
            if "span" not in rec and "evidence" not in rec:
                problems.append(LabelProblem(src, lineno, "needs 'evidence' or 'span'"))
                continue
            rec = {**rec, "start": start, "end": end, "evidence": text[start:end]}
            keys = CLAIM_KEYS if kind == "claim" else STANCE_KEYS
            unknown = set(rec) - set(keys) - SRC_ONLY_KEYS
            if unknown:
                problems.append(LabelProblem(src, lineno, f"unknown keys {sorted(unknown)}"))
            rec = {k: rec.get(k) for k in keys}
        problems += [LabelProblem(src, lineno, m) for m in _check_item(rec, text)]
        out_lines.append(json.dumps(rec, ensure_ascii=False))
    if not 1 <= counts["key_point"] <= 5:
        problems.append(LabelProblem(src, 1, f"{counts['key_point']} key points; want 3-5 (1-2 for a brief)"))
    return "\n".join(out_lines) + "\n", problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="fixture names (default: every *.labels.src.jsonl)")
    parser.add_argument("--dir", type=Path, default=FIXTURES, help="fixtures folder")
    parser.add_argument("--check", action="store_true", help="fail if a labels file is stale; write nothing")
    args = parser.parse_args(argv)
    folder: Path = args.dir
    names = args.names or sorted(p.name[: -len(SRC_SUFFIX)] for p in folder.glob(f"*{SRC_SUFFIX}"))
    failed = False
    for name in names:
        content, problems = build(name, folder)
        out = folder / f"{name}{OUT_SUFFIX}"
        if problems:
            failed = True
            for problem in problems:
                print(problem, file=sys.stderr)
            continue
        if args.check:
            if not out.is_file() or out.read_text(encoding="utf-8") != content:
                print(f"{out}: stale or missing; run evals/tools/build_fixture_labels.py {name}", file=sys.stderr)
                failed = True
            continue
        out.write_text(content, encoding="utf-8")
        n = content.count("\n") - 1
        print(f"{out.name}: {n} records")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
