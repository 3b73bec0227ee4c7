"""``summarizer eval``: run an eval suite, or ``summarizer eval validate [PATH]``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..evals.fixtures import validate_fixtures
from . import app

eval_app = typer.Typer(
    name="eval",
    help="Evaluate the summarizer on labelled fixtures and external benchmarks.",
    no_args_is_help=False,
)
app.add_typer(eval_app, name="eval")

DEFAULT_FIXTURES = Path("evals/fixtures")


@eval_app.command("validate")
def validate(
    path: Path = typer.Argument(DEFAULT_FIXTURES, help="Fixture folder or one fixture file."),
) -> None:
    """Check every fixture file: JSON, label sets, offsets; report each problem with file:line."""
    problems = validate_fixtures(path)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
        raise typer.Exit(1)
    n = len(list(path.glob("*.labels.jsonl"))) if path.is_dir() else 1
    print(f"ok: {n} fixture(s) in {path}")
