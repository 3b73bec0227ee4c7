"""Fixture loader, validator (file + line) and the locate_span helper."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summarizer.cli import main
from summarizer.core.errors import FixtureError
from summarizer.evals.fixtures import load_fixture, load_fixtures, locate_span, validate_fixtures

DATA = Path(__file__).parent / "data" / "eval_fixtures"


def test_locate_span_exact_ambiguous_and_absent() -> None:
    text = "a cat and a cat"
    assert locate_span(text, "and") == (6, 9)
    with pytest.raises(ValueError, match="occurs 2 times"):
        locate_span(text, "cat")
    assert locate_span(text, "cat", occurrence=1) == (12, 15)
    with pytest.raises(ValueError, match="not found"):
        locate_span(text, "dog")
    with pytest.raises(ValueError, match="out of range"):
        locate_span(text, "cat", occurrence=2)


def test_in_repo_fixtures_load() -> None:
    fixtures = load_fixtures(DATA)
    assert [f.name for f in fixtures] == ["ferry", "library"]
    ferry = fixtures[0]
    assert len(ferry.claims) == 3 and len(ferry.stances) == 2 and len(ferry.key_points) == 2
    for claim in ferry.claims:
        assert ferry.text[claim.start : claim.end] == claim.evidence
    assert load_fixture(DATA / "library.txt").meta.id == "library"


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "fx"
    shutil.copytree(DATA, dest)
    return dest


def test_validator_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    labels = folder / "ferry.labels.jsonl"
    lines = labels.read_text(encoding="utf-8").splitlines()
    bad_offsets = json.loads(lines[3])
    bad_offsets["start"] += 1  # line 4: offsets no longer slice the evidence
    bad_label = json.loads(lines[6])
    bad_label["label"] = "support"  # line 7: label outside the allowed set
    lines[3] = json.dumps(bad_offsets)
    lines[6] = json.dumps(bad_label)
    lines.append("{not json")  # line 9
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "orphan.txt").write_text("no labels", encoding="utf-8")

    problems = validate_fixtures(folder)
    where = sorted((Path(p.path).name, p.line) for p in problems)
    assert where == [("ferry.labels.jsonl", 4), ("ferry.labels.jsonl", 7),
                     ("ferry.labels.jsonl", 9), ("orphan.txt", None)]
    by_line = {p.line: str(p) for p in problems}
    assert "ferry.labels.jsonl:4:" in by_line[4] and "found at start=" in by_line[4]
    assert "label" in by_line[7]
    with pytest.raises(FixtureError) as info:
        load_fixtures(folder)
    assert len(info.value.problems) == 4


def test_validator_checks_first_line_and_id(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    labels = folder / "library.labels.jsonl"
    lines = labels.read_text(encoding="utf-8").splitlines()
    meta = json.loads(lines[0])
    meta["id"] = "other"
    lines[0] = json.dumps(meta)
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = validate_fixtures(labels)
    assert problem.line == 1 and "does not match file name" in str(problem)

    labels.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    (problem,) = validate_fixtures(labels)
    assert problem.line == 1 and "must be the 'article' record" in str(problem)


def test_cli_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "validate", str(DATA)]) == 0
    assert "ok: 2 fixture(s)" in capsys.readouterr().out
    folder = _copy(tmp_path)
    (folder / "library.txt").write_text("changed text", encoding="utf-8")
    assert main(["eval", "validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "library.labels.jsonl:3:" in err and "problem(s)" in err
