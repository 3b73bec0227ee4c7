"""The eval harness end to end on a FakeBackend: scores, cache, reports, compare, gate, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.llm.backends.fake import FakeBackend
from summarizer.cli import main
from summarizer.evals.fixtures import load_fixtures
from summarizer.evals.oracle import oracle_answerer
from summarizer.evals.report import compare, gate, load_results, load_thresholds, write_report
from summarizer.evals.runner import evaluate
from summarizer.core.settings import Settings

FIXTURES = Path(__file__).parent / "data" / "eval_fixtures"
BENCH = Path(__file__).parent / "data" / "eval_benchmarks"
NO_MODEL = Settings(no_model=True)  # claims from the parse alone, an extractive summary
CLAIM_METRICS = ("claims_precision", "claims_recall", "claims_f1", "who_said_what_f1",
                 "speaker_type_accuracy", "attribution_accuracy")


def _oracle() -> FakeBackend:
    return FakeBackend(default=oracle_answerer(load_fixtures(FIXTURES)))


def test_oracle_run_scores_the_ceiling(tmp_path: Path) -> None:
    report = evaluate("fixtures", data=FIXTURES, backend=_oracle(), cache_dir=tmp_path / "cache")
    m = report.metrics
    assert report.skipped is None and len(report.cases) == 2
    # the summary (the model's only task) is at the ceiling, first time
    assert m["keypoint_coverage"] == 1.0 and m["keypoints_verified"] == 1.0 and m["faithfulness"] == 1.0
    assert m["evidence_verified"] == 1.0
    assert m["schema_valid_first_attempt"] == 1.0 and m["reasks_total"] == 0
    assert m["prompt_tokens"] and m["prompt_tokens"] > 0
    by_id = {c.id: c for c in report.cases}
    assert by_id["ferry"].details["headline"] == "Harbour town approves new ferry link"
    assert all(c.details["uncovered_key_points"] == [] for c in report.cases)
    # claims come from the parse: the same with or without a model
    parse_only = evaluate("fixtures", data=FIXTURES, settings=NO_MODEL)
    assert {k: m[k] for k in CLAIM_METRICS} == {k: parse_only.metrics[k] for k in CLAIM_METRICS}
    # ferry's three gold claims are all found, with their speakers (how well the parse does
    # beyond that is the parser's own figure, checked above to be the no-model one)
    ferry = by_id["ferry"].details
    assert ferry["missed_claims"] == []
    assert [(c["speaker"], c["pred_speaker"]) for c in ferry["claims"]] == [
        ("Anna Kowal", "Anna Kowal"), ("Local fishermen", "Local fishermen"), ("Test Gazette", "Test Gazette")]
    # what was missed and what was extra is listed for fixtures (our own text), to read failures
    for case in report.cases:
        assert len(case.details["missed_claims"]) == case.counts["claims_gold"] - case.counts["claims_tp"]
        assert len(case.details["extra_claims"]) == case.counts["claims_pred"] - case.counts["claims_tp"]


def test_wrong_answers_score_low_and_count_reasks() -> None:
    # First answer is not schema-valid (missing keys); the re-ask answers with key points that
    # cite the wrong sentences (sentence 5 is the cost, sentence 2 the vote).
    wrong = {"h": "Harbour town approves new ferry link",
             "a": "The council of Lowmere voted to fund a ferry link to Brack.",
             "k": [{"x": "Lowmere council voted to fund a ferry link to Brack.", "e": [5]},
                   {"x": "Fishermen worry the ferry could disturb fishing grounds.", "e": [2]}]}
    fake = FakeBackend([{"h": "x"}, wrong], default=wrong)
    report = evaluate("fixtures", data=FIXTURES, backend=fake, limit=1, settings=Settings(max_reasks=1))
    m = report.metrics
    assert m["schema_valid_first_attempt"] == 0.0 and m["reasks_total"] == 1 and len(fake.requests) == 2
    # both key points were rejected: they are on record, and the summary fell back to the
    # article's own sentences
    assert m["evidence_verified"] is not None and m["evidence_verified"] < 1.0
    case = report.cases[0]
    assert case.counts["items_total"] - case.counts["items_verified"] == 2
    # a wrong summary leaves the parser's claims as they are
    parse_only = evaluate("fixtures", data=FIXTURES, limit=1, settings=NO_MODEL)
    assert {k: m[k] for k in CLAIM_METRICS} == {k: parse_only.metrics[k] for k in CLAIM_METRICS}
    # no stance scored (the fake abstains on label requests): every label class is undefined
    # ("–"), never F1 = 1
    assert m["stances_recall"] == 0.0 and m["stance_accuracy"] is None
    assert m["stance_macro_f1"] is None and m["stance_f1_favor"] is None
    assert all(v["f1"] is None for v in report.per_class.values())
    from summarizer.evals.report import render_markdown

    assert "| favor | – | – | – | 0 |" in render_markdown(report)


def test_cache_rescoring_makes_no_model_calls(tmp_path: Path) -> None:
    first = _oracle()
    evaluate("fixtures", data=FIXTURES, backend=first, cache_dir=tmp_path)
    assert len(first.requests) == 2
    second = _oracle()
    again = evaluate("fixtures", data=FIXTURES, backend=second, cache_dir=tmp_path)
    assert second.requests == [] and again.metrics["cache_hits"] == 2
    assert again.metrics["claims_f1"] == evaluate("fixtures", data=FIXTURES, settings=NO_MODEL).metrics["claims_f1"]
    assert again.metrics["schema_valid_first_attempt"] == 1.0 and again.metrics["keypoint_coverage"] == 1.0


def test_missing_data_is_skipped_not_an_error(tmp_path: Path) -> None:
    report = evaluate("polnear", data=tmp_path / "absent", backend=FakeBackend())
    assert report.skipped and "no data" in report.skipped and report.cases == []
    assert gate(report, {"polnear": {"min": {"claims_f1": 0.9}, "max": {}}}) == []


def test_fnc1_suite_on_a_tiny_sample() -> None:
    # the model scores labels of the pairs stage 1 (lexical similarity) finds related
    def dist(request: object) -> dict[str, float]:
        text = request.messages[-1]["content"]  # type: ignore[attr-defined]
        if "confirmed" in text:
            return {"agree": 0.8, "disagree": 0.1, "discuss": 0.1}
        return {"agree": 0.1, "disagree": 0.8, "discuss": 0.1}

    fake = FakeBackend(default_distribution=dist)
    report = evaluate("fnc1", data=BENCH / "fnc1", backend=fake, limit=4)
    m = report.metrics
    by_gold = {c.labels[0][0]: c.labels[0][1] for c in report.cases}
    # 'Panda expecting a cub' shares one word with body 3: stage 1 calls it unrelated (a miss)
    assert by_gold == {"agree": "agree", "disagree": "disagree", "discuss": "unrelated", "unrelated": "unrelated"}
    # the label prior correction is fitted on the related pairs outside the sample first
    assert report.config["calibration_pairs"] == 3 and report.config["label_bias"]["agree"] == 0.0
    # the calibration pairs stage 1 finds related are scored (at most 3), then the 2 related pairs
    assert 2 < len(fake.choice_requests) <= 3 + 2 and m["evidence_verified"] == 1.0
    assert m["stance_accuracy"] == 0.75 and report.per_class["discuss"]["recall"] == 0.0
    assert report.per_class["discuss"]["precision"] is None  # never predicted: undefined
    # macro-F1 over the four gold classes: agree 1, disagree 1, discuss 0, unrelated 2/3 (P .5 R 1)
    assert m["stance_macro_f1"] == round((1 + 1 + 0 + 0.6667) / 4, 4)
    assert m["stance_macro_f1_related"] == round((1 + 1 + 0) / 3, 4)
    assert m["relatedness_accuracy"] == 0.75
    assert report.confusion is not None and report.confusion.labels == ["agree", "disagree", "discuss", "unrelated"]
    assert report.config["tuning_pairs"] == 3
    assert m["schema_valid_first_attempt"] is None  # labels are scored, no schema to fit


def test_polnear_suite_on_a_tiny_sample() -> None:
    # "Mayor Lena Ortiz said the bridge will reopen in May. Engineers warned that cracks
    # remain. "We are ready," she said."
    answer = {"h": "Bridge to reopen", "a": "The bridge will reopen in May.",
              "k": [{"x": "The bridge will reopen in May.", "e": [1]},
                    {"x": "Engineers warned that cracks remain.", "e": [2]},
                    {"x": "The mayor said they are ready.", "e": [1, 3]}]}
    fake = FakeBackend(default=answer)
    report = evaluate("polnear", data=BENCH / "polnear", backend=fake)
    m = report.metrics
    assert len(fake.requests) == 1 and m["reasks_total"] == 0
    # the parse finds all three attributions, and credits "she" to Lena Ortiz
    assert m["claims_precision"] == 1.0 and m["claims_recall"] == 1.0 and m["who_said_what_f1"] == 1.0
    parse_only = evaluate("polnear", data=BENCH / "polnear", settings=NO_MODEL)
    assert {k: m.get(k) for k in CLAIM_METRICS} == {k: parse_only.metrics.get(k) for k in CLAIM_METRICS}
    # the regex rules (no parser) find the spans but cannot resolve the pronoun
    ruled = evaluate("polnear", data=BENCH / "polnear", settings=Settings(no_model=True, parser="off"))
    assert ruled.metrics["who_said_what_f1"] < m["who_said_what_f1"]


def test_qags_suite_with_lexical_and_judge() -> None:
    judge = FakeBackend(default={"v": ["y"]})
    report = evaluate("qags", data=BENCH / "qags", backend=judge, judge=True, judge_limit=4)
    assert report.metrics["lexical_balanced_accuracy"] == 1.0
    assert report.metrics["llm_balanced_accuracy"] == 0.5  # always 'y': all consistent
    assert len(judge.requests) == 4


def test_reports_compare_and_gate(tmp_path: Path) -> None:
    good = evaluate("fixtures", data=FIXTURES, backend=_oracle())
    paths = write_report(good, tmp_path / "good")
    assert sorted(p.name for p in paths) == ["report.html", "report.md", "results.json"]
    html = (tmp_path / "good" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "claims_f1" in (tmp_path / "good" / "report.md").read_text(encoding="utf-8")
    loaded = load_results(tmp_path / "good")
    assert loaded.metrics == good.metrics

    # a model whose summaries never verify: a placeholder headline, and a key point citing a
    # sentence that does not state it
    unsupported = {"h": "Headline", "a": "Abstract.", "k": [{"x": "A key point.", "e": [1]}]}
    bad = evaluate("fixtures", data=FIXTURES, backend=FakeBackend(default=unsupported),
                   settings=Settings(max_reasks=0))
    cmp = compare(loaded, bad)
    delta = {name: d for name, _, _, d in cmp.deltas}
    assert delta["evidence_verified"] < 0
    assert delta["claims_f1"] == 0.0  # claims come from the parse
    assert {c["id"] for c in cmp.changed} == {"ferry", "library"}

    thresholds_file = tmp_path / "t.toml"
    thresholds_file.write_text("[fixtures]\nevidence_verified = 0.9\n[fixtures.max]\nreasks_mean = 1.0\n",
                               encoding="utf-8")
    thresholds = load_thresholds(thresholds_file)
    assert gate(good, thresholds) == []
    (failure,) = gate(bad, thresholds)
    assert failure.metric == "evidence_verified" and "below the minimum 0.9" in str(failure)


def test_cli_eval_compare_and_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI builds its backend from settings: route it to the oracle fake.
    monkeypatch.setattr("summarizer.evals.runner.resolve_backend", lambda settings: _oracle())
    out = tmp_path / "run1"
    assert main(["eval", "--suite", "fixtures", "--data", str(FIXTURES), "--out", str(out),
                 "--cache-dir", str(out / "cache")]) == 0
    printed = capsys.readouterr().out
    metrics = json.loads((out / "results.json").read_text(encoding="utf-8"))["metrics"]
    assert "fixtures: 2 cases" in printed and f"claims_f1={metrics['claims_f1']}" in printed
    assert "keypoint_coverage=1.0" in printed and metrics["schema_valid_first_attempt"] == 1.0

    strict = tmp_path / "strict.toml"
    strict.write_text("[fixtures]\nclaims_f1 = 0.5\ncache_hits = 5\n", encoding="utf-8")
    code = main(["eval", "--suite", "fixtures", "--data", str(FIXTURES), "--out", str(tmp_path / "run2"),
                 "--cache-dir", str(out / "cache"), "--compare", str(out / "results.json"),
                 "--gate", str(strict)])
    captured = capsys.readouterr()
    assert code == 1 and "gate: cache_hits = 2 is below the minimum 5.0" in captured.err
    assert "changes:" in captured.out
    assert (tmp_path / "run2" / "comparison.json").exists()

    skipped = main(["eval", "--suite", "polnear", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "s"),
                    "--gate", str(strict)])
    assert skipped == 0 and "skipped" in capsys.readouterr().out


def test_repo_thresholds_file_is_valid() -> None:
    thresholds = load_thresholds(Path(__file__).parents[1] / "evals" / "thresholds.toml")
    assert {"fixtures", "fnc1", "qags"} <= set(thresholds)


def test_committed_baselines_pass_the_repo_gate() -> None:
    """Every committed baseline of the current engine passes the repo gate (thresholds sit
    below them, not above); only the legacy engine's runs, which no code can reproduce, are
    exempt (evals/baselines/legacy-engine/README.md)."""
    from summarizer.evals.report import gate_section

    root = Path(__file__).parents[1]
    thresholds = load_thresholds(root / "evals" / "thresholds.toml")
    baselines = root / "evals" / "baselines"
    results = sorted(p for p in baselines.rglob("results.json")
                     if "legacy-engine" not in p.relative_to(baselines).parts)
    suites = {(load_results(r).suite, gate_section(load_results(r))) for r in results}
    assert {("fixtures", "fixtures-no-model"), ("polnear", "polnear-no-model"), ("fnc1", "fnc1")} <= suites
    for path in results:
        report = load_results(path)
        assert gate_section(report) in thresholds, f"{path}: no [{gate_section(report)}] thresholds"
        assert gate(report, thresholds) == [], path
