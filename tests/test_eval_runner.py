"""The eval harness end to end on a FakeBackend: scores, cache, reports, compare, gate, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.backends.fake import FakeBackend
from summarizer.cli import main
from summarizer.evals.fixtures import load_fixtures
from summarizer.evals.oracle import oracle_answerer
from summarizer.evals.report import compare, gate, load_results, load_thresholds, write_report
from summarizer.evals.runner import evaluate
from summarizer.settings import Settings

FIXTURES = Path(__file__).parent / "data" / "eval_fixtures"
BENCH = Path(__file__).parent / "data" / "eval_benchmarks"
MODEL_ONLY = Settings(rule_claims=False)  # scores of the model's own claims


def _oracle() -> FakeBackend:
    return FakeBackend(default=oracle_answerer(load_fixtures(FIXTURES)))


def test_oracle_run_scores_the_ceiling(tmp_path: Path) -> None:
    report = evaluate("fixtures", data=FIXTURES, backend=_oracle(), cache_dir=tmp_path / "cache")
    m = report.metrics
    assert report.skipped is None and len(report.cases) == 2
    assert m["claims_f1"] == 1.0 and m["speaker_type_accuracy"] == 1.0 and m["attribution_accuracy"] == 1.0
    assert m["stances_f1"] == 1.0 and m["stance_macro_f1"] == 1.0
    assert m["keypoint_coverage"] == 1.0 and m["evidence_verified"] == 1.0
    assert m["schema_valid_first_attempt"] == 1.0 and m["reasks_total"] == 0
    assert m["prompt_tokens"] and m["prompt_tokens"] > 0
    assert report.confusion is not None and report.confusion.matrix[1][1] == 2  # two 'against'
    for case in report.cases:
        assert case.details["missed_claims"] == case.details["extra_claims"] == []
        assert case.details["missed_stances"] == case.details["extra_stances"] == []
        assert all(s["gold"] == s["pred"] for s in case.details["stances"])


def test_wrong_answers_score_low_and_count_reasks() -> None:
    # First answer is not schema-valid (missing keys); the re-ask answers with a wrong claim.
    wrong = {"h": "Ferry", "a": "A ferry.", "k": [{"x": "A ferry.", "e": [1]}],
             "c": [{"s": "The council of Lowmere", "t": "org", "a": "indirect", "v": "voted",
                    "x": "The council voted to fund a ferry link to Brack", "e": [2]}], "s": []}
    fake = FakeBackend([{"h": "x"}, wrong], default=wrong)
    report = evaluate("fixtures", data=FIXTURES, backend=fake, limit=1, settings=MODEL_ONLY)
    m = report.metrics
    assert m["claims_precision"] == 0.0 and m["claims_recall"] == 0.0
    assert m["schema_valid_first_attempt"] == 0.0 and m["reasks_total"] == 1
    assert m["stances_recall"] == 0.0 and m["stance_accuracy"] is None
    # no stance matched: every label class is undefined ("–"), never F1 = 1
    assert m["stance_macro_f1"] is None and m["stance_f1_favor"] is None
    assert all(v["f1"] is None for v in report.per_class.values())
    from summarizer.evals.report import render_markdown

    assert "| favor | – | – | – | 0 |" in render_markdown(report)
    # what was missed and what was extra is listed for fixtures (our own text), to read failures
    details = report.cases[0].details
    assert [c["speaker"] for c in details["extra_claims"]] == ["The council of Lowmere"]
    assert details["missed_claims"] and details["extra_stances"] == [] and details["stances"] == []
    assert len(details["missed_stances"]) == report.cases[0].counts["stances_gold"] > 0


def test_cache_rescoring_makes_no_model_calls(tmp_path: Path) -> None:
    first = _oracle()
    evaluate("fixtures", data=FIXTURES, backend=first, cache_dir=tmp_path)
    assert len(first.requests) == 2
    second = _oracle()
    again = evaluate("fixtures", data=FIXTURES, backend=second, cache_dir=tmp_path)
    assert second.requests == [] and again.metrics["cache_hits"] == 2
    assert again.metrics["claims_f1"] == 1.0 and again.metrics["schema_valid_first_attempt"] == 1.0


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
    assert len(fake.choice_requests) == 3 + 2 and m["evidence_verified"] == 1.0
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
    answer = {"h": "Bridge to reopen", "a": "The bridge will reopen in May.",
              "k": [{"x": "The bridge will reopen in May.", "e": [1]}],
              "c": [{"s": "Lena Ortiz", "t": "person", "a": "indirect", "v": "said",
                     "x": "The bridge will reopen in May", "e": [1]}], "s": []}
    report = evaluate("polnear", data=BENCH / "polnear", backend=FakeBackend(default=answer),
                      settings=MODEL_ONLY)
    assert report.metrics["claims_precision"] == 1.0 and report.metrics["claims_recall"] == 0.3333
    # the attribution rules find the other attributions of the sample
    ruled = evaluate("polnear", data=BENCH / "polnear", backend=FakeBackend(default=answer))
    assert ruled.metrics["claims_recall"] > report.metrics["claims_recall"]


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

    empty = {"h": "Ferry", "a": "A ferry.", "k": [{"x": "A ferry.", "e": [1]}], "c": [], "s": []}
    bad = evaluate("fixtures", data=FIXTURES, backend=FakeBackend(default=empty), settings=MODEL_ONLY)
    cmp = compare(loaded, bad)
    delta = {name: d for name, _, _, d in cmp.deltas}
    assert delta["claims_f1"] == -1.0
    assert {c["id"] for c in cmp.changed} == {"ferry", "library"}

    thresholds_file = tmp_path / "t.toml"
    thresholds_file.write_text("[fixtures]\nclaims_f1 = 0.5\n[fixtures.max]\nreasks_mean = 1.0\n", encoding="utf-8")
    thresholds = load_thresholds(thresholds_file)
    assert gate(good, thresholds) == []
    (failure,) = gate(bad, thresholds)
    assert failure.metric == "claims_f1" and "below the minimum 0.5" in str(failure)


def test_cli_eval_compare_and_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI builds its backend from settings: route it to the oracle fake.
    from summarizer import backends

    monkeypatch.setattr(backends, "resolve_backend", lambda settings: _oracle())
    out = tmp_path / "run1"
    assert main(["eval", "--suite", "fixtures", "--data", str(FIXTURES), "--out", str(out),
                 "--cache-dir", str(out / "cache")]) == 0
    printed = capsys.readouterr().out
    assert "fixtures: 2 cases" in printed and "claims_f1=1.0" in printed
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["metrics"]["claims_f1"] == 1.0

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
    """The gate's thresholds sit below the committed embedded-model baseline, not above it."""
    root = Path(__file__).parents[1]
    thresholds = load_thresholds(root / "evals" / "thresholds.toml")
    # the newest baseline of each suite: the parser-first engine's where it has one
    newest = {r.parent.name: r for r in sorted((root / "evals" / "baselines" / "qwen2.5-coder-1.5b").glob("*/results.json"))}
    newest.update({r.parent.name: r for r in (root / "evals" / "baselines" / "qwen2.5-coder-1.5b-parser").glob(
        "*/results.json")})
    results = sorted(newest.values())
    suites = {load_results(r).suite for r in results}
    assert {"fixtures", "fnc1"} <= suites
    for path in results:
        report = load_results(path)
        if report.suite in thresholds:
            assert gate(report, thresholds) == [], path
