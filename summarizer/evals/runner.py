"""Run an eval suite and score it: ``evaluate(...)`` → :class:`EvalReport`.

Suites:

* ``fixtures`` — the hand-labelled articles in ``evals/fixtures``: claims, stances, key-point
  coverage, faithfulness of the summary, evidence verification, reliability and cost.
* ``polnear`` — PolNeAR attributions as gold claims (claims P/R/F1 only).
* ``fnc1`` — stance of a body toward a headline: ``unrelated`` by lexical similarity, then
  agree / disagree / discuss scored by the model (the ``stance`` prompt, label probabilities).
* ``qags`` — validation of the faithfulness checkers against human judgements.

Model answers go through an :class:`~summarizer.evals.cache.AnswerCache`, so a second run
with the same backend, model, prompt and inputs re-scores without calling the model.

Usage::

    report = evaluate("fixtures", data="evals/fixtures", backend=FakeBackend(...))
    report.metrics["claims_f1"]

The article suites are scored in :mod:`summarizer.evals.articles`; the loaders, metrics,
results and report writing live in their own modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ..core.errors import ConfigurationError
from ..core.models import Usage
from ..core.pricing import cost_usd
from ..core.settings import Settings
from ..llm.backends import resolve_backend
from ..llm.backends.base import (
    Backend,
)
from ..pipeline import Summarizer
from .articles import (
    RecordingBackend,
    aggregate_articles,
    analyse,
    fixture_articles,
    polnear_articles,
    score_article,
)
from .cache import AnswerCache
from .faithfulness import LexicalChecker, LLMJudge, validate_on_qags
from .fixtures import load_fixtures
from .fnc1 import FNC_LABELS, RELATED, FncTask, Relatedness, load_fnc1
from .fnc1_lexical import LexicalStance
from .metrics import classification_scores
from .injection import run_injection
from .qags import load_qags
from .results import CaseResult, EvalReport, add_classification, count_sum, ratio, run_figures

__all__ = ["SUITES", "CaseResult", "EvalReport", "Suite", "evaluate"]

Suite = Literal["fixtures", "polnear", "fnc1", "qags", "injection"]
SUITES: tuple[Suite, ...] = ("fixtures", "polnear", "fnc1", "qags", "injection")
FNC1_CALIBRATION_PAIRS = 60
FNC1_LEXICAL_MIN_PER_LABEL = 10
"""Training pairs per related label the lexical classifier needs; with fewer (a tiny sample)
stage 2 is the model alone."""
FNC1_MODEL_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
"""Weights of the model's log-probabilities against the lexical classifier's, chosen on the
calibration pairs (0: the lexical classifier alone)."""
"""Related FNC-1 pairs outside the scored sample (10 per label, another seed) on which the
label prior correction is fitted before the sample is scored (0: no correction)."""
DEFAULT_DATA: dict[str, str] = {"fixtures": "evals/fixtures", "injection": "evals/injection"}
DEFAULT_LIMIT: dict[str, int | None] = {"fixtures": None, "polnear": 40, "fnc1": 80, "qags": None,
                                        "injection": None}


# -- the entry point ------------------------------------------------------------------------


@contextmanager
def _progress(enabled: bool, total: int, label: str) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def evaluate(
    suite: Suite = "fixtures",
    *,
    data: Path | str | None = None,
    backend: Backend | None = None,
    settings: Settings | None = None,
    limit: int | None = None,
    seed: int = 0,
    cache_dir: Path | str | None = None,
    judge: bool = False,
    judge_limit: int = 20,
    progress: bool = False,
) -> EvalReport:
    """Run one suite and return its scored report.

    Args:
        suite: ``fixtures``, ``polnear``, ``fnc1`` or ``qags``.
        data: the data folder; ``fixtures`` defaults to ``evals/fixtures``. When it is absent
            the report is returned with ``skipped`` set and no cases (never an error).
        backend: the model backend; ``None`` builds one from ``settings`` when the suite needs
            a model (``qags`` needs one only with ``judge=True``).
        limit: cases to run (PolNeAR: random articles; FNC-1: pairs stratified over
            the four labels; QAGS: label-stratified pairs). Defaults: PolNeAR 40, FNC-1 80
            (20 per label), others all.
        seed: seed of every sample.
        cache_dir: where model answers are cached (``None``: no cache).
        judge: QAGS only: also validate the LLM judge on ``judge_limit`` pairs.
        progress: show a progress bar on the terminal.

    Raises:
        ConfigurationError: unknown suite, or no backend can be built.
        FixtureError: a fixture file is malformed.

    Usage (needs the benchmark data)::

        report = evaluate("fnc1", data="../shared/benchmarks/fnc1", limit=6)
        report.metrics["stance_macro_f1"]
    """
    if suite not in SUITES:
        raise ConfigurationError(f"unknown suite {suite!r}", hint=f"choose one of {', '.join(SUITES)}")
    started = time.perf_counter()
    data_path = Path(data) if data is not None else (Path(DEFAULT_DATA[suite]) if suite in DEFAULT_DATA else None)
    limit = limit if limit is not None else DEFAULT_LIMIT[suite]
    report = EvalReport(suite=suite, created_at=datetime.now(UTC),
                        config={"data": str(data_path) if data_path else None, "limit": limit, "seed": seed})
    if data_path is None or not data_path.exists():
        report.skipped = (f"suite {suite!r} skipped: no data at {data_path}" if data_path
                          else f"suite {suite!r} skipped: pass --data PATH (see docs/evals.md)")
        return report
    cache = AnswerCache(cache_dir) if cache_dir is not None else None
    settings = settings or Settings()

    def get_backend() -> Backend:
        if backend is not None:
            return backend
        return resolve_backend(settings)

    if suite == "injection":
        injection = run_injection(data_path, backend=get_backend(), settings=settings, limit=limit)
        injection.config.update(report.config)
        return injection
    if suite == "qags":
        _run_qags(report, data_path, limit, seed, judge, judge_limit, get_backend, cache, progress)
    elif suite == "fnc1":
        _run_fnc1(report, data_path, limit, seed, get_backend(), cache, progress)
    else:
        if suite == "fixtures":
            fixtures = load_fixtures(data_path)
            if limit is not None:
                fixtures = fixtures[:limit]
            articles = fixture_articles(fixtures)
        else:
            articles = polnear_articles(data_path, limit, seed)
        rec = None if settings.no_model else RecordingBackend(get_backend())
        summarizer = Summarizer(backend=rec, settings=settings, strict=False)
        report.config.update(backend=summarizer.backend_name, model=summarizer.model_name,
                             prompt="none" if rec is None else str(summarizer.template.ref))
        with _progress(progress, len(articles), suite) as advance:
            for art in articles:
                analysis, case = analyse(summarizer, rec, cache, art)
                score_article(art, analysis, case)
                report.cases.append(case)
                advance()
        fixtures_suite = suite == "fixtures"
        aggregate_articles(report, stances=fixtures_suite, key_points=fixtures_suite)
    report.duration_s = round(time.perf_counter() - started, 3)
    return report


def _run_fnc1(report: EvalReport, path: Path, limit: int | None, seed: int, backend: Backend,
              cache: AnswerCache | None, progress: bool) -> None:
    """FNC-1: a label-stratified sample of all four classes (``limit=80``: 20 of each; the
    related 60 are the same pairs as a related-only sample of 60 with the same seed); the
    ``unrelated`` threshold is tuned on every other pair of the data."""
    pairs = load_fnc1(path, limit=limit, seed=seed, labels=FNC_LABELS)
    sampled = {p.id for p in pairs}
    every = load_fnc1(path, labels=FNC_LABELS)
    bodies = {p.body_id: p.body for p in every}
    relatedness = Relatedness([*bodies.values(), *{p.headline for p in every}])
    tuning = [p for p in every if p.id not in sampled]
    relatedness.tune(tuning)
    calibration = [p for p in load_fnc1(path, limit=FNC1_CALIBRATION_PAIRS + len(pairs), seed=seed + 1)
                   if p.id not in sampled][:FNC1_CALIBRATION_PAIRS] if FNC1_CALIBRATION_PAIRS else []
    # the lexical classifier learns from every related pair whose body is neither scored nor
    # used for calibration (no body is seen twice)
    held = {p.body_id for p in pairs} | {p.body_id for p in calibration}
    training = [p for p in every if p.stance in RELATED and p.body_id not in held]
    per_label = {label: sum(p.stance == label for p in training) for label in RELATED}
    enough = min(per_label.values()) >= FNC1_LEXICAL_MIN_PER_LABEL
    lexical = LexicalStance(relatedness).fit(training) if enough else None
    task = FncTask(backend=backend, relatedness=relatedness, cache=cache, lexical=lexical)  # type: ignore[arg-type]
    started = time.perf_counter()
    bias = task.calibrate(calibration, weights=FNC1_MODEL_WEIGHTS) if calibration else {}
    report.config.update(backend=backend.name, model=backend.model, prompt=str(task.template.ref),
                         unrelated_threshold=relatedness.threshold, tuning_pairs=len(tuning),
                         sentences_read=task.sentences, calibration_pairs=len(calibration),
                         lexical_training_pairs=len(training) if lexical is not None else 0,
                         model_weight=task.model_weight,
                         label_bias=bias, calibration_s=round(time.perf_counter() - started, 1))
    with _progress(progress, len(pairs), "fnc1") as advance:
        for pair in pairs:
            answer = task.run(pair)
            report.cases.append(CaseResult(
                id=pair.id, error=answer.error, labels=[(pair.stance, answer.label)],
                scores={"correct": float(answer.label == pair.stance), "similarity": answer.similarity},
                counts={"verified": int(answer.label != "invalid")},
                details={"body_id": pair.body_id, "probs": answer.probs,
                         "uncalibrated": max(answer.probs, key=answer.probs.__getitem__) if answer.probs else None,
                         "lexical_only": max(answer.lexical, key=answer.lexical.__getitem__) if answer.lexical else None,
                         "evidence_sentences": [e.sentence for e in answer.evidence]},
                usage=answer.usage, latency_s=answer.latency_s, calls=answer.calls,
                cached=answer.cached, cost_usd=_cost(backend, answer.usage),
            ))
            advance()
    add_classification(report, [lp for c in report.cases for lp in c.labels], FNC_LABELS, prefix="stance_",
                       subsets={"related": RELATED})
    # the two halves alone, on the same pairs (related gold, model asked)
    for name, field in (("model_only", "uncalibrated"), ("lexical_only", "lexical_only")):
        rows = [(g, c.details.get(field)) for c in report.cases for g, _ in c.labels
                if g in RELATED and c.details.get(field)]
        if rows:
            report.metrics[f"stance_macro_f1_related_{name}"] = classification_scores(
                [g for g, _ in rows], [p for _, p in rows], labels=RELATED).macro_f1
    gold_rel = [g != "unrelated" for c in report.cases for g, _ in c.labels]
    pred_rel = [p != "unrelated" for c in report.cases for _, p in c.labels]
    report.metrics["relatedness_accuracy"] = ratio(sum(g == p for g, p in zip(gold_rel, pred_rel, strict=True)),
                                                    len(gold_rel))
    report.metrics["evidence_verified"] = ratio(count_sum(report.cases, "verified"), len(report.cases))
    report.metrics.update(run_figures(report.cases))
    report.metrics["latency_per_pair_s"] = (round(sum(c.latency_s for c in report.cases) / len(report.cases), 3)
                                            if report.cases else None)


def _cost(backend: Backend, usage: Usage) -> float | None:
    return cost_usd(backend.name, backend.model, usage)


def _run_qags(report: EvalReport, path: Path, limit: int | None, seed: int, judge: bool, judge_limit: int,
              get_backend: Callable[[], Backend], cache: AnswerCache | None, progress: bool) -> None:
    pairs = load_qags(path, limit=limit, seed=seed)
    with _progress(progress, len(pairs), "qags (lexical)") as advance:
        lexical = validate_on_qags(LexicalChecker(), pairs, on_item=advance)
    report.metrics.update(
        lexical_balanced_accuracy=lexical.balanced_accuracy, lexical_accuracy=lexical.accuracy,
        **{f"lexical_balanced_accuracy_{k}": v for k, v in lexical.by_corpus.items()},
        cases=float(lexical.n),
    )
    report.cases = [
        CaseResult(id=str(r["id"]), labels=[(_yn(r["gold"]), _yn(r["pred"]))],
                   scores={"share": r["share"]},  # type: ignore[dict-item]
                   details={"corpus": r["corpus"], "checker": "lexical"}, latency_s=float(r["latency_s"]))  # type: ignore[arg-type]
        for r in lexical.rows
    ]
    add_classification(report, [lp for c in report.cases for lp in c.labels], ["consistent", "inconsistent"],
                    prefix="lexical_")
    if judge:
        backend = get_backend()
        sample = load_qags(path, limit=judge_limit, seed=seed)
        llm = LLMJudge(backend=backend, cache=cache)
        report.config.update(backend=backend.name, model=backend.model, judge_prompt=str(llm.template.ref),
                             judge_limit=judge_limit)
        with _progress(progress, len(sample), "qags (llm judge)") as advance:
            result = validate_on_qags(llm, sample, on_item=advance)
        report.metrics.update(llm_balanced_accuracy=result.balanced_accuracy, llm_accuracy=result.accuracy,
                              llm_n=float(result.n), prompt_tokens=float(result.usage.prompt_tokens),
                              completion_tokens=float(result.usage.completion_tokens))
        for r in result.rows:
            report.cases.append(CaseResult(
                id=f"judge:{r['id']}", labels=[(_yn(r["gold"]), _yn(r["pred"]))],
                scores={"share": r["share"]},  # type: ignore[dict-item]
                details={"corpus": r["corpus"], "checker": "llm"}, latency_s=float(r["latency_s"]),  # type: ignore[arg-type]
            ))


def _yn(flag: object) -> str:
    return "consistent" if flag else "inconsistent"
