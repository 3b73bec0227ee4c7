"""``summarizer eval``: run an eval suite; ``summarizer eval validate [PATH]`` checks fixtures."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import platformdirs
import typer

from ..core.errors import ConfigurationError
from ..evals.fixtures import validate_fixtures
from ..evals.report import compare, gate, load_results, load_thresholds, write_report
from ..evals.runner import evaluate
from .common import settings_from_flags
from .options import BackendName, BaseUrl, MaxReasks, Mode, Model, ModelPath, NoModel

eval_app = typer.Typer(
    name="eval",
    help="Evaluate the summarizer on labelled fixtures and external benchmarks.",
    no_args_is_help=False,
    invoke_without_command=True,
)

DEFAULT_FIXTURES = Path("evals/fixtures")


def default_cache_dir() -> Path:
    """Model answers hold benchmark text: keep them in the user cache, out of any repo."""
    return platformdirs.user_cache_path("summarizer") / "evals"


class SuiteName(str, Enum):
    fixtures = "fixtures"
    polnear = "polnear"
    fnc1 = "fnc1"
    qags = "qags"
    injection = "injection"


@eval_app.callback()
def run(
    ctx: typer.Context,
    suite: SuiteName = typer.Option(SuiteName.fixtures, "--suite", help="Which suite to run."),
    data: Path | None = typer.Option(None, "--data", help="Data folder (fixtures: evals/fixtures)."),
    out: Path | None = typer.Option(None, "--out", help="Folder for results.json, report.md, report.html."),
    limit: int | None = typer.Option(None, "--limit", help="Cases to run (polnear 40, fnc1 80 by default)."),
    seed: int = typer.Option(0, "--seed", help="Seed of every sample."),
    model: Model = None,
    base_url: BaseUrl = None,
    backend: BackendName = None,
    model_path: ModelPath = None,
    mode: Mode = None,
    max_reasks: MaxReasks = None,
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", help="Answer cache (default: the user cache folder, never the repo)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Always call the model."),
    no_model: NoModel = False,
    judge: bool = typer.Option(False, "--judge", help="qags: also validate the LLM judge on a sample."),
    judge_limit: int = typer.Option(20, "--judge-limit", help="qags: pairs for the LLM judge."),
    compare_to: Path | None = typer.Option(None, "--compare", help="An earlier results.json to diff against."),
    gate_file: Path | None = typer.Option(None, "--gate", help="thresholds.toml: exit 1 below a threshold."),
) -> None:
    """Run a suite and write results.json, report.md and report.html into --out."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise ConfigurationError("--out DIR is required", hint="e.g. summarizer eval --suite fixtures --out runs/x")
    thresholds = load_thresholds(gate_file) if gate_file is not None else None
    previous = load_results(compare_to) if compare_to is not None else None
    settings = settings_from_flags(no_model=no_model or None, model=model, base_url=base_url, backend=backend, model_path=model_path,
                                   mode=mode, max_reasks=max_reasks)
    report = evaluate(
        suite.value, data=data, settings=settings, limit=limit, seed=seed,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        judge=judge, judge_limit=judge_limit, progress=sys.stderr.isatty(),
    )
    comparison = compare(previous, report) if previous is not None else None
    paths = write_report(report, out, comparison=comparison)
    if report.skipped:
        print(f"skipped: {report.skipped}")
    else:
        shown = ["claims_f1", "stance_macro_f1", "keypoint_coverage", "faithfulness", "evidence_verified",
                 "schema_valid_first_attempt", "lexical_balanced_accuracy", "llm_balanced_accuracy"]
        summary = ", ".join(f"{k}={report.metrics[k]}" for k in shown if report.metrics.get(k) is not None)
        print(f"{report.suite}: {int(report.metrics.get('cases') or 0)} cases; {summary}")
    if comparison is not None:
        moved = [(n, d) for n, _, _, d in comparison.deltas if d]
        print("changes: " + (", ".join(f"{n} {d:+}" for n, d in moved[:12]) or "none")
              + f"; {len(comparison.changed)} case(s) changed")
    print("wrote " + ", ".join(str(p) for p in paths))
    if thresholds is not None:
        failures = gate(report, thresholds)
        for failure in failures:
            print(f"gate: {failure}", file=sys.stderr)
        if failures:
            raise typer.Exit(1)
        print("gate: passed" + (" (suite skipped)" if report.skipped else ""))


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
