"""The article suites (``fixtures``, ``polnear``): analyse each article with the pipeline,
score its claims, stances, key points and summary against the gold labels, aggregate.

:func:`analyse` runs one article through a :class:`~summarizer.pipeline.Summarizer` whose
backend is wrapped in a :class:`RecordingBackend` (whether each answer fit its schema at once,
tokens, latency), reading and writing the :class:`~summarizer.evals.cache.AnswerCache`;
:func:`score_article` fills the :class:`~summarizer.evals.results.CaseResult`;
:func:`aggregate_articles` the report's metrics. The matching rules are in
:mod:`summarizer.evals.metrics`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..analysis.summary import states
from ..core.document import Document
from ..core.errors import ConfigurationError, SummarizerError
from ..core.models import ArticleAnalysis, StanceLabel, Usage
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
from .faithfulness import LexicalChecker
from .fixtures import Fixture
from .metrics import (
    GoldClaimRef,
    GoldStanceRef,
    PredClaim,
    PredStance,
    keypoint_coverage,
    match_claims,
    match_stances,
    prf,
)
from .polnear import load_polnear
from .results import CaseResult, EvalReport, add_classification, count_sum, ratio, run_figures

__all__ = ["Article", "Call", "RecordingBackend", "aggregate_articles", "analyse", "fixture_articles",
           "polnear_articles", "score_article"]

STANCE_LABELS: list[str] = list(StanceLabel.__args__)  # type: ignore[attr-defined]


# -- recording backend ----------------------------------------------------------------------


@dataclass
class Call:
    schema_valid: bool
    usage: Usage
    latency_s: float


class RecordingBackend:
    """Wraps a backend and records, per call, whether the answer fit the schema at once."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.calls: list[Call] = []

    def complete(self, request: CompletionRequest) -> Completion:
        started = time.perf_counter()
        completion = self.inner.complete(request)
        valid = completion.data is not None
        if valid:
            try:
                request.response_model.model_validate(completion.data)
            except ValidationError:
                valid = False
        self.calls.append(Call(valid, completion.usage, time.perf_counter() - started))
        return completion

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Label scoring passes through (recorded as a valid call: there is no schema to miss)."""
        if not isinstance(self.inner, ChoiceScorer):
            raise ConfigurationError(f"the {self.name} backend cannot score labels")
        started = time.perf_counter()
        scores = self.inner.score_choices(request)
        self.calls.append(Call(True, scores.usage, time.perf_counter() - started))
        return scores


# -- article suites (fixtures, polnear) -----------------------------------------------------


@dataclass
class Article:
    id: str
    doc: Document
    claims: list[GoldClaimRef]
    stances: list[GoldStanceRef] | None = None
    key_points: list[str] | None = None
    keep_text: bool = True
    outlet_claims: bool = True  # the gold labels include the outlet's own assertions
    partial: bool = False  # not exhaustively labelled (precision understates)
    per_attribution: bool = False
    """The gold unit is an attribution (one cue, one content: PolNeAR), not a proposition (the
    fixtures split "said A and that B" and a quote's later sentences into several claims):
    predicted claims that share a cue are scored as one, their spans united."""


def _per_attribution(claims: list[Any], preds: list[PredClaim]) -> tuple[list[Any], list[PredClaim]]:
    """Claims of one attribution (same speaker, same cue offsets) merged into one prediction:
    their texts joined, all their spans. Claims without a cue stay as they are."""
    groups: dict[tuple[Any, ...], int] = {}
    out_c: list[Any] = []
    out_p: list[PredClaim] = []
    for c, p in zip(claims, preds):
        cue = c.cue_span
        key = (c.speaker, cue.start, cue.end) if cue is not None else None
        if key is not None and key in groups:
            k = groups[key]
            out_p[k] = replace(out_p[k], text=f"{out_p[k].text} {p.text}",
                               spans=_merge_spans([*out_p[k].spans, *p.spans]))
            continue
        if key is not None:
            groups[key] = len(out_p)
        out_c.append(c)
        out_p.append(p)
    return out_c, out_p


def _merge_spans(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted(set(spans)))


def analyse(summarizer: Summarizer, rec: RecordingBackend | None, cache: AnswerCache | None,
             art: Article) -> tuple[ArticleAnalysis | None, CaseResult]:
    case = CaseResult(id=art.id)
    doc = summarizer.prepare(art.doc)
    key = summarizer.cache_key(doc)
    if cache is not None and (hit := cache.get(key)) is not None:
        case.cached = True
        analysis = ArticleAnalysis.model_validate(hit["analysis"]) if hit.get("analysis") else None
        case.error = hit.get("error")
        calls = [Call(c["schema_valid"], Usage.model_validate(c["usage"]), c["latency_s"]) for c in hit["calls"]]
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


def score_article(art: Article, analysis: ArticleAnalysis | None, case: CaseResult) -> None:
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
        # (the outlet's own reports stay: 'POLITICO reported', 'a Times poll found')
        claims = [c for c in claims if c.speaker_type != "outlet" or c.mention is not None]
    # A claim is located by all its spans: the content, and the source mention and cue that
    # make it an attribution (gold spans of the fixtures cover the whole attribution).
    preds = [PredClaim(c.text, c.speaker, c.speaker_type, c.attribution,
                       _spans([*c.evidence, *(e for e in (c.mention, c.cue_span) if e)]),
                       source_spans=_spans([c.mention]) if c.mention else ()) for c in claims]
    if art.per_attribution:
        claims, preds = _per_attribution(claims, preds)
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


def fixture_articles(fixtures: Sequence[Fixture]) -> list[Article]:
    out = []
    for fx in fixtures:
        doc = Document(fx.text, id=fx.name, title=fx.meta.title, outlet=fx.meta.outlet)
        claims = [GoldClaimRef(c.text, c.speaker, c.start, c.end, c.speaker_type, c.attribution, c.evidence)
                  for c in fx.claims]
        stances = [GoldStanceRef(s.holder, s.target, s.label, s.start, s.end, s.holder_type) for s in fx.stances]
        out.append(Article(fx.name, doc, claims, stances, [kp.text for kp in fx.key_points],
                            partial="partially-labelled" in fx.meta.tags))
    return out


def polnear_articles(path: Path, limit: int | None, seed: int) -> list[Article]:
    out = []
    for a in load_polnear(path, limit=limit, seed=seed):
        doc = Document(a.text, id=a.id, title=a.title, outlet=a.outlet)
        claims = [GoldClaimRef(c.text, c.speaker, c.start, c.end, evidence=c.text,
                               source_spans=c.source_pieces) for c in a.claims]
        out.append(Article(a.id, doc, claims, keep_text=False, outlet_claims=False, per_attribution=True))
    return out


def aggregate_articles(report: EvalReport, *, stances: bool, key_points: bool) -> None:
    cases = report.cases
    claims = prf(tp=count_sum(cases, "claims_tp"), n_pred=count_sum(cases, "claims_pred"), n_gold=count_sum(cases, "claims_gold"))
    m = report.metrics
    m.update(claims_precision=claims.precision, claims_recall=claims.recall, claims_f1=claims.f1,
             claims_f1_macro=_mean([c.scores.get("claims_f1") for c in cases]))
    wsw = prf(tp=count_sum(cases, "wsw_tp"), n_pred=count_sum(cases, "claims_pred"), n_gold=count_sum(cases, "claims_gold"))
    m.update(who_said_what_precision=wsw.precision, who_said_what_recall=wsw.recall,
             who_said_what_f1=wsw.f1)
    full = [c for c in cases if not c.details.get("partially_labelled")]
    ex = prf(tp=count_sum(full, "claims_tp"), n_pred=count_sum(full, "claims_pred"), n_gold=count_sum(full, "claims_gold"))
    m["claims_f1_exhaustive"] = ex.f1  # only the exhaustively labelled articles (all, when none is partial)
    m["keypoints_verified"] = ratio(count_sum(cases, "keypoints_supported"), count_sum(cases, "keypoints_total"))
    m["speaker_type_accuracy"] = ratio(count_sum(cases, "speaker_type_correct"), count_sum(cases, "speaker_type_total"))
    m["attribution_accuracy"] = ratio(count_sum(cases, "attribution_correct"), count_sum(cases, "attribution_total"))
    if stances:
        det = prf(tp=count_sum(cases, "stances_tp"), n_pred=count_sum(cases, "stances_pred"), n_gold=count_sum(cases, "stances_gold"))
        m.update(stances_precision=det.precision, stances_recall=det.recall, stances_f1=det.f1)
        add_classification(report, [lp for c in cases for lp in c.labels], STANCE_LABELS, prefix="stance_")
    if key_points:
        m["keypoint_coverage"] = ratio(count_sum(cases, "keypoints_covered"), count_sum(cases, "keypoints_gold"))
    m["faithfulness"] = ratio(count_sum(cases, "summary_supported"), count_sum(cases, "summary_sentences"))
    m["evidence_verified"] = ratio(count_sum(cases, "items_verified"), count_sum(cases, "items_total"))
    m.update(run_figures(cases))


def _mean(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.fmean(vals), 4) if vals else None
