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

(Over 400 lines: one section per suite — recording backend, article scoring for fixtures and
PolNeAR, FNC-1, QAGS — around :func:`evaluate`; the loaders, metrics, results and report
writing live in their own modules. A new suite with its own scoring is the point to split.)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..analysis.summary import states
from ..core.document import Document
from ..core.errors import ConfigurationError, SummarizerError
from ..core.models import ArticleAnalysis, StanceLabel, Usage
from ..core.pricing import cost_usd
from ..core.settings import Settings
from ..llm.backends import resolve_backend
from ..llm.backends.base import (
    Backend,
    ChoiceRequest,
    ChoiceScorer,
    ChoiceScores,
    Completion,
    CompletionRequest,
)
from ..pipeline import Summarizer
from .cache import AnswerCache
from .faithfulness import LexicalChecker, LLMJudge, validate_on_qags
from .fixtures import Fixture, load_fixtures
from .fnc1 import FNC_LABELS, RELATED, FncTask, Relatedness, load_fnc1
from .injection import run_injection
from .metrics import (
    GoldClaimRef,
    GoldStanceRef,
    PredClaim,
    PredStance,
    class_precision,
    class_recall,
    classification_scores,
    keypoint_coverage,
    match_claims,
    match_stances,
    prf,
)
from .polnear import load_polnear
from .qags import load_qags
from .results import CaseResult, Confusion, EvalReport

__all__ = ["SUITES", "CaseResult", "EvalReport", "Suite", "evaluate"]

Suite = Literal["fixtures", "polnear", "fnc1", "qags", "injection"]
SUITES: tuple[Suite, ...] = ("fixtures", "polnear", "fnc1", "qags", "injection")
STANCE_LABELS: list[str] = list(StanceLabel.__args__)  # type: ignore[attr-defined]
FNC1_CALIBRATION_PAIRS = 30
"""Related FNC-1 pairs outside the scored sample (10 per label, another seed) on which the
label prior correction is fitted before the sample is scored (0: no correction)."""
DEFAULT_DATA: dict[str, str] = {"fixtures": "evals/fixtures", "injection": "evals/injection"}
DEFAULT_LIMIT: dict[str, int | None] = {"fixtures": None, "polnear": 40, "fnc1": 80, "qags": None,
                                        "injection": None}


# -- recording backend ----------------------------------------------------------------------


@dataclass
class _Call:
    schema_valid: bool
    usage: Usage
    latency_s: float


class _RecordingBackend:
    """Wraps a backend and records, per call, whether the answer fit the schema at once."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.calls: list[_Call] = []

    def complete(self, request: CompletionRequest) -> Completion:
        started = time.perf_counter()
        completion = self.inner.complete(request)
        valid = completion.data is not None
        if valid:
            try:
                request.response_model.model_validate(completion.data)
            except ValidationError:
                valid = False
        self.calls.append(_Call(valid, completion.usage, time.perf_counter() - started))
        return completion

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Label scoring passes through (recorded as a valid call: there is no schema to miss)."""
        if not isinstance(self.inner, ChoiceScorer):
            raise ConfigurationError(f"the {self.name} backend cannot score labels")
        started = time.perf_counter()
        scores = self.inner.score_choices(request)
        self.calls.append(_Call(True, scores.usage, time.perf_counter() - started))
        return scores


# -- article suites (fixtures, polnear) -----------------------------------------------------


@dataclass
class _Article:
    id: str
    doc: Document
    claims: list[GoldClaimRef]
    stances: list[GoldStanceRef] | None = None
    key_points: list[str] | None = None
    keep_text: bool = True
    outlet_claims: bool = True  # the gold labels include the outlet's own assertions
    partial: bool = False  # not exhaustively labelled (precision understates)


def _analyse(summarizer: Summarizer, rec: _RecordingBackend | None, cache: AnswerCache | None,
             art: _Article) -> tuple[ArticleAnalysis | None, CaseResult]:
    case = CaseResult(id=art.id)
    doc = summarizer.prepare(art.doc)
    key = summarizer.cache_key(doc)
    if cache is not None and (hit := cache.get(key)) is not None:
        case.cached = True
        analysis = ArticleAnalysis.model_validate(hit["analysis"]) if hit.get("analysis") else None
        case.error = hit.get("error")
        calls = [_Call(c["schema_valid"], Usage.model_validate(c["usage"]), c["latency_s"]) for c in hit["calls"]]
    else:
        if rec is not None:
            rec.calls = []
        started = time.perf_counter()
        analysis = None
        try:
            analysis = summarizer.summarize(doc, strict=False)
        except SummarizerError as exc:
            case.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        calls = list(rec.calls) if rec is not None else []
        case.latency_s = round(time.perf_counter() - started, 4)
        if cache is not None and not _transient(case.error):
            cache.put(key, {
                "analysis": analysis.model_dump(mode="json") if analysis else None,
                "error": case.error,
                "calls": [{"schema_valid": c.schema_valid, "usage": c.usage.model_dump(),
                           "latency_s": c.latency_s} for c in calls],
            })
    if case.error and not art.keep_text:
        case.error = case.error.split(":")[0]  # messages quote the (copyrighted) article
    if case.cached:
        case.latency_s = round(sum(c.latency_s for c in calls), 4)
    case.calls = len(calls)
    case.first_valid = calls[0].schema_valid if calls else None
    for c in calls:
        case.usage = case.usage + c.usage
    if analysis is not None:
        case.reasks = analysis.meta.reasks
        case.cost_usd = analysis.meta.cost_usd
    else:
        case.reasks = max(0, len(calls) - 1)
    return analysis, case


def _key_point_supported(text: str, evidence: Sequence[Any]) -> bool:
    """The harness's own check that a key point's cited text states it (recomputed from the
    output with the library's one content check, not taken from the library's verdict)."""
    return bool(evidence) and states(text, (e.text for e in evidence))


def _transient(error: str | None) -> bool:
    """Provider failures are not cached (a retry later may succeed); bad output is."""
    return error is not None and error.startswith(("ProviderError", "TruncatedOutputError"))


def _spans(evidence: Sequence[Any]) -> tuple[tuple[int, int], ...]:
    return tuple((e.start, e.end) for e in evidence)


def _score_article(art: _Article, analysis: ArticleAnalysis | None, case: CaseResult) -> None:
    if analysis is not None:
        # one line per part: a key point without an end mark (one made from a title line)
        # must not merge with the next into a single "sentence"
        summary_text = "\n".join([analysis.summary.abstract, *[kp.text for kp in analysis.summary.key_points]])
        verdict = LexicalChecker().check(art.doc.text, summary_text)
        case.counts.update(summary_sentences=len(verdict.supported), summary_supported=sum(verdict.supported))
        case.scores["faithfulness"] = verdict.share
        kept = len(analysis.claims) + len(analysis.stances) + len(analysis.summary.key_points)
        case.counts.update(items_verified=kept, items_total=kept + len(analysis.rejected))
        case.scores["evidence_verified"] = round(kept / (kept + len(analysis.rejected)), 4) if kept else None
        if art.keep_text:
            case.details["headline"] = analysis.summary.headline
        points = analysis.summary.key_points
        supported = sum(_key_point_supported(kp.text, kp.evidence) for kp in points)
        case.counts.update(keypoints_supported=supported, keypoints_total=len(points))
    claims = analysis.claims if analysis else []
    if not art.outlet_claims:  # PolNeAR annotates attributions only, not the outlet's voice
        claims = [c for c in claims if c.speaker_type != "outlet"]
    # A claim is located by all its spans: the content, and the source mention and cue that
    # make it an attribution (gold spans of the fixtures cover the whole attribution).
    preds = [PredClaim(c.text, c.speaker, c.speaker_type, c.attribution,
                       _spans([*c.evidence, *(e for e in (c.mention, c.cue_span) if e)]),
                       source_spans=_spans([c.mention]) if c.mention else ()) for c in claims]
    cs = match_claims(preds, art.claims)
    case.counts.update(claims_tp=cs.prf.tp, claims_pred=cs.prf.n_pred, claims_gold=cs.prf.n_gold,
                       speaker_type_correct=cs.speaker_type_correct, speaker_type_total=cs.speaker_type_total,
                       attribution_correct=cs.attribution_correct, attribution_total=cs.attribution_total)
    case.scores.update(claims_precision=cs.prf.precision, claims_recall=cs.prf.recall, claims_f1=cs.prf.f1)
    wsw = match_claims(preds, art.claims, strict_speakers=True)  # who said what: speaker counted
    case.counts.update(wsw_tp=wsw.prf.tp)
    case.scores["who_said_what_f1"] = wsw.prf.f1
    if art.partial:
        case.details["partially_labelled"] = True
    if not art.keep_text:
        # External benchmarks are copyrighted research data: results keep ids and numbers only.
        case.details["matched"] = [[m.pred, m.gold] for m in cs.matches]
        return
    case.details["claims"] = [
        {"gold": art.claims[m.gold].text[:120], "speaker": art.claims[m.gold].speaker,
         "pred": claims[m.pred].text[:120], "pred_speaker": claims[m.pred].speaker, "score": m.score}
        for m in cs.matches
    ]
    matched_gold = {m.gold for m in cs.matches}
    case.details["missed_claims"] = [
        {"speaker": g.speaker, "text": g.text[:120]} for k, g in enumerate(art.claims) if k not in matched_gold
    ]
    matched_pred = {m.pred for m in cs.matches}
    case.details["extra_claims"] = [
        {"speaker": c.speaker, "text": c.text[:120]} for k, c in enumerate(claims) if k not in matched_pred
    ]
    if art.stances is not None:
        stances = analysis.stances if analysis else []
        sp = [PredStance(s.holder, s.target, s.label, s.holder_type, _spans(s.evidence)) for s in stances]
        detection, pairs = match_stances(sp, art.stances)
        case.counts.update(stances_tp=detection.tp, stances_pred=detection.n_pred, stances_gold=detection.n_gold)
        case.scores["stances_f1"] = detection.f1
        case.labels = [(art.stances[j].label, stances[i].label) for i, j in pairs]
        if pairs:
            case.scores["stance_accuracy"] = round(sum(g == p for g, p in case.labels) / len(pairs), 4)
        if art.keep_text:
            case.details["stances"] = [
                {"holder": art.stances[j].holder, "target": art.stances[j].target, "gold": art.stances[j].label,
                 "pred_holder": stances[i].holder, "pred_target": stances[i].target, "pred": stances[i].label}
                for i, j in pairs
            ]
            paired_gold, paired_pred = {j for _, j in pairs}, {i for i, _ in pairs}
            case.details["missed_stances"] = [
                {"holder": g.holder, "target": g.target, "label": g.label}
                for j, g in enumerate(art.stances) if j not in paired_gold
            ]
            case.details["extra_stances"] = [
                {"holder": s.holder, "target": s.target, "label": s.label}
                for i, s in enumerate(stances) if i not in paired_pred
            ]
    if art.key_points is not None:
        units: list[str] = []
        if analysis is not None:
            units = [analysis.summary.headline, *[kp.text for kp in analysis.summary.key_points]]
            units += [s.text for s in Document(analysis.summary.abstract).sentences]
        coverage, flags = keypoint_coverage(art.key_points, units)
        case.counts.update(keypoints_covered=sum(flags), keypoints_gold=len(flags))
        case.scores["keypoint_coverage"] = coverage
        case.details["uncovered_key_points"] = [k for k, f in zip(art.key_points, flags, strict=True) if not f]


def _fixture_articles(fixtures: Sequence[Fixture]) -> list[_Article]:
    out = []
    for fx in fixtures:
        doc = Document(fx.text, id=fx.name, title=fx.meta.title, outlet=fx.meta.outlet)
        claims = [GoldClaimRef(c.text, c.speaker, c.start, c.end, c.speaker_type, c.attribution, c.evidence)
                  for c in fx.claims]
        stances = [GoldStanceRef(s.holder, s.target, s.label, s.start, s.end, s.holder_type) for s in fx.stances]
        out.append(_Article(fx.name, doc, claims, stances, [kp.text for kp in fx.key_points],
                            partial="partially-labelled" in fx.meta.tags))
    return out


def _polnear_articles(path: Path, limit: int | None, seed: int) -> list[_Article]:
    out = []
    for a in load_polnear(path, limit=limit, seed=seed):
        doc = Document(a.text, id=a.id, title=a.title, outlet=a.outlet)
        claims = [GoldClaimRef(c.text, c.speaker, c.start, c.end, evidence=c.text,
                               source_spans=c.source_pieces) for c in a.claims]
        out.append(_Article(a.id, doc, claims, keep_text=False, outlet_claims=False))
    return out


# -- aggregation ----------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _sum(cases: Sequence[CaseResult], key: str) -> int:
    return sum(c.counts.get(key, 0) for c in cases)


def _run_figures(cases: Sequence[CaseResult]) -> dict[str, float | None]:
    called = [c for c in cases if c.first_valid is not None]
    latencies = [c.latency_s for c in cases if c.calls]
    costs = [c.cost_usd for c in cases if c.calls]
    known = [c for c in costs if c is not None]
    return {
        "cases": float(len(cases)),
        "errors": float(sum(c.error is not None for c in cases)),
        "schema_valid_first_attempt": _ratio(sum(bool(c.first_valid) for c in called), len(called)),
        "reasks_total": float(sum(c.reasks for c in cases)),
        "reasks_mean": round(sum(c.reasks for c in cases) / len(cases), 4) if cases else None,
        "prompt_tokens": float(sum(c.usage.prompt_tokens for c in cases)),
        "completion_tokens": float(sum(c.usage.completion_tokens for c in cases)),
        "latency_mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_total_s": round(sum(latencies), 3),
        "cost_usd": None if not known or len(known) < len(costs) else round(sum(known), 6),
        "cache_hits": float(sum(c.cached for c in cases)),
    }


def _aggregate_articles(report: EvalReport, *, stances: bool, key_points: bool) -> None:
    cases = report.cases
    claims = prf(tp=_sum(cases, "claims_tp"), n_pred=_sum(cases, "claims_pred"), n_gold=_sum(cases, "claims_gold"))
    m = report.metrics
    m.update(claims_precision=claims.precision, claims_recall=claims.recall, claims_f1=claims.f1,
             claims_f1_macro=_mean([c.scores.get("claims_f1") for c in cases]))
    wsw = prf(tp=_sum(cases, "wsw_tp"), n_pred=_sum(cases, "claims_pred"), n_gold=_sum(cases, "claims_gold"))
    m.update(who_said_what_precision=wsw.precision, who_said_what_recall=wsw.recall,
             who_said_what_f1=wsw.f1)
    full = [c for c in cases if not c.details.get("partially_labelled")]
    if len(full) < len(cases):
        ex = prf(tp=_sum(full, "claims_tp"), n_pred=_sum(full, "claims_pred"), n_gold=_sum(full, "claims_gold"))
        m["claims_f1_exhaustive"] = ex.f1  # only the exhaustively labelled articles
    m["keypoints_verified"] = _ratio(_sum(cases, "keypoints_supported"), _sum(cases, "keypoints_total"))
    m["speaker_type_accuracy"] = _ratio(_sum(cases, "speaker_type_correct"), _sum(cases, "speaker_type_total"))
    m["attribution_accuracy"] = _ratio(_sum(cases, "attribution_correct"), _sum(cases, "attribution_total"))
    if stances:
        det = prf(tp=_sum(cases, "stances_tp"), n_pred=_sum(cases, "stances_pred"), n_gold=_sum(cases, "stances_gold"))
        m.update(stances_precision=det.precision, stances_recall=det.recall, stances_f1=det.f1)
        _classification(report, [lp for c in cases for lp in c.labels], STANCE_LABELS, prefix="stance_")
    if key_points:
        m["keypoint_coverage"] = _ratio(_sum(cases, "keypoints_covered"), _sum(cases, "keypoints_gold"))
    m["faithfulness"] = _ratio(_sum(cases, "summary_supported"), _sum(cases, "summary_sentences"))
    m["evidence_verified"] = _ratio(_sum(cases, "items_verified"), _sum(cases, "items_total"))
    m.update(_run_figures(cases))


def _mean(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.fmean(vals), 4) if vals else None


def _classification(report: EvalReport, pairs: Sequence[tuple[str, str]], labels: list[str], *, prefix: str,
                    subsets: dict[str, Sequence[str]] | None = None) -> None:
    """Accuracy, macro-F1 (over the gold classes of the sample), per-class scores, confusion.

    ``subsets`` adds one macro-F1 per named subset of classes, e.g. ``{"related": [...]}``
    gives ``{prefix}macro_f1_related``. A class with neither gold items nor predictions is
    undefined: its metrics are ``None`` (shown as "–"), never a perfect score."""
    scores = classification_scores([g for g, _ in pairs], [p for _, p in pairs], labels=labels)
    report.metrics[f"{prefix}accuracy"] = scores.accuracy
    report.metrics[f"{prefix}macro_f1"] = scores.macro_f1
    for name, classes in (subsets or {}).items():
        report.metrics[f"{prefix}macro_f1_{name}"] = scores.macro_over(classes)
    report.metrics[f"{prefix}n"] = float(scores.n)
    for name, s in scores.per_class.items():
        report.metrics[f"{prefix}f1_{name}"] = s.f1 if s is not None else None
        report.per_class[name] = (
            {"precision": class_precision(s), "recall": class_recall(s), "f1": s.f1, "support": float(s.n_gold)}
            if s is not None else {"precision": None, "recall": None, "f1": None, "support": 0.0}
        )
    report.confusion = Confusion(labels=scores.labels, matrix=scores.confusion)


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
            articles = _fixture_articles(fixtures)
        else:
            articles = _polnear_articles(data_path, limit, seed)
        rec = None if settings.no_model else _RecordingBackend(get_backend())
        summarizer = Summarizer(backend=rec, settings=settings, strict=False)
        report.config.update(backend=summarizer.backend_name, model=summarizer.model_name,
                             prompt="none" if rec is None else str(summarizer.template.ref))
        with _progress(progress, len(articles), suite) as advance:
            for art in articles:
                analysis, case = _analyse(summarizer, rec, cache, art)
                _score_article(art, analysis, case)
                report.cases.append(case)
                advance()
        fixtures_suite = suite == "fixtures"
        _aggregate_articles(report, stances=fixtures_suite, key_points=fixtures_suite)
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
    task = FncTask(backend=backend, relatedness=relatedness, cache=cache)  # type: ignore[arg-type]
    calibration = [p for p in load_fnc1(path, limit=FNC1_CALIBRATION_PAIRS + len(pairs), seed=seed + 1)
                   if p.id not in sampled][:FNC1_CALIBRATION_PAIRS] if FNC1_CALIBRATION_PAIRS else []
    started = time.perf_counter()
    bias = task.calibrate(calibration) if calibration else {}
    report.config.update(backend=backend.name, model=backend.model, prompt=str(task.template.ref),
                         unrelated_threshold=relatedness.threshold, tuning_pairs=len(tuning),
                         sentences_read=task.sentences, calibration_pairs=len(calibration),
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
                         "evidence_sentences": [e.sentence for e in answer.evidence]},
                usage=answer.usage, latency_s=answer.latency_s, calls=answer.calls,
                cached=answer.cached, cost_usd=_cost(backend, answer.usage),
            ))
            advance()
    _classification(report, [lp for c in report.cases for lp in c.labels], FNC_LABELS, prefix="stance_",
                    subsets={"related": RELATED})
    gold_rel = [g != "unrelated" for c in report.cases for g, _ in c.labels]
    pred_rel = [p != "unrelated" for c in report.cases for _, p in c.labels]
    report.metrics["relatedness_accuracy"] = _ratio(sum(g == p for g, p in zip(gold_rel, pred_rel, strict=True)),
                                                    len(gold_rel))
    report.metrics["evidence_verified"] = _ratio(_sum(report.cases, "verified"), len(report.cases))
    report.metrics.update(_run_figures(report.cases))
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
    _classification(report, [lp for c in report.cases for lp in c.labels], ["consistent", "inconsistent"],
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
