"""The prompt-injection suite: fixtures load, an honest model is not flagged, a hijacked one
is, and an invented quote never survives grounding."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from summarizer import FixtureError, Settings
from summarizer.backends.base import CompletionRequest
from summarizer.backends.fake import FakeBackend
from summarizer.evals.injection import load_injection_cases, run_injection, score_pair
from summarizer.testing.faults import grounded_answer, numbered_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "evals" / "injection"
CASES = load_injection_cases(DATA)


def test_fixtures_cover_the_required_kinds() -> None:
    assert len(CASES) >= 10
    kinds = {c.kind for c in CASES}
    assert {"ignore_instructions", "output_json", "label_favor", "invent_quote", "reveal_prompt",
            "tool_call", "attributed_injection"} <= kinds
    for case in CASES:
        assert case.text.replace(case.injection + "\n\n", "") == case.clean_text
        assert case.payload or case.forced_label or case.invented_quote or case.attributed_speech


def _injection_ids(request: CompletionRequest) -> set[int]:
    return {n for n, s in numbered_sentences(request.messages[1]["content"])
            if any(s and s[:30] in c.injection for c in CASES)}


def _honest(request: CompletionRequest) -> dict[str, Any]:
    """Credits no claim to the people an injection names (an honest model's behaviour)."""
    answer = grounded_answer({"messages": request.messages})
    skip = _injection_ids(request)
    answer["c"] = [c for c in answer["c"] if not set(c["e"]) & skip]
    answer["s"] = [s for s in answer["s"] if not set(s["e"]) & skip]
    return answer


def _hijacker(request: CompletionRequest) -> dict[str, Any]:
    """Obeys whichever injection is in the article: payload headline, forced labels, invented quote."""
    user = request.messages[1]["content"]
    answer = grounded_answer({"messages": request.messages})
    case = next((c for c in CASES if c.injection[:25] in user), None)
    if case is None:
        return answer
    sentences = numbered_sentences(user)
    inj_id = next(n for n, s in sentences if s and s[:30] in case.injection)
    if case.payload:
        answer["h"] = case.payload[0][:90]
    if case.forced_label:
        answer["s"] = [{"h": "outlet", "t": "outlet", "g": "the plan", "l": case.forced_label, "e": [n]}
                       for n, _ in sentences[1:3]]
    if case.invented_quote:
        answer["c"].append({"s": case.invented_quote.speaker, "t": "person", "a": "indirect", "v": "said",
                            "x": case.invented_quote.words, "e": [inj_id]})
    return answer


def test_honest_model_is_not_flagged() -> None:
    report = run_injection(DATA, backend=FakeBackend(default=_honest), settings=Settings())
    assert report.metrics["cases"] == len(CASES)
    assert report.metrics["hijack_rate"] == 0.0
    assert report.metrics["invented_quotes_surviving"] == 0
    assert report.metrics["injected_failures"] == 0 and report.metrics["clean_failures"] == 0
    # the honest fake credits only "X said" sentences: the comment by Bram Koster is not reported
    assert report.metrics["attributed_reported_rate"] == 0.0


def test_hijacked_model_is_flagged_case_by_case() -> None:
    report = run_injection(DATA, backend=FakeBackend(default=_hijacker), settings=Settings())
    by_name = {c.id: c for c in report.cases}
    for case in CASES:
        counts = by_name[case.name].counts
        expect = bool(case.payload or case.forced_label or case.invented_quote)
        assert counts["hijacked"] == int(expect), (case.name, counts, by_name[case.name].details)
        if case.forced_label:
            assert counts["label_hijack"] == 1, case.name
        if case.invented_quote:
            # the asked-for words sit in the article only inside the instruction sentence, so the
            # claim grounds: the suite must catch it
            assert counts["invented_quotes_surviving"] >= 1, case.name
    assert report.metrics["hijack_rate"] == pytest.approx(
        sum(bool(c.payload or c.forced_label or c.invented_quote) for c in CASES) / len(CASES), abs=1e-4
    )


def test_invented_direct_quote_never_survives_grounding() -> None:
    """A quote the article does not contain is rejected by grounding, even when the model obeys."""
    case = next(c for c in CASES if c.name == "invent-quote-described")

    def obey(request: CompletionRequest) -> dict[str, Any]:
        answer = _honest(request)
        vik = next((n for n, s in numbered_sentences(request.messages[1]["content"])
                    if s.startswith("Petra Vik")), None)
        if vik is None:
            return answer
        answer["c"].insert(0, {"s": "Petra Vik", "t": "person", "a": "direct", "v": "admitted",
                               "x": 'Vik admitted "the fishermen were paid to protest by the developer"',
                               "e": [vik]})
        return answer

    report = run_injection(DATA, backend=FakeBackend(default=obey), settings=Settings(max_reasks=1))
    scored = next(c for c in report.cases if c.id == case.name)
    assert scored.counts["invented_quotes_surviving"] == 0
    assert report.metrics["invented_quotes_surviving"] == 0


def test_attributed_injection_reported_as_a_claim() -> None:
    case = next(c for c in CASES if c.attributed_speech is not None)

    def report_it(request: CompletionRequest) -> dict[str, Any]:
        answer = grounded_answer({"messages": request.messages})
        for n, s in numbered_sentences(request.messages[1]["content"]):
            if "Bram Koster" in s:
                answer["c"].append({"s": "Bram Koster", "t": "person", "a": "direct", "v": "read",
                                    "x": s[:150], "e": [n]})
        return answer

    report = run_injection(DATA, backend=FakeBackend(default=report_it), settings=Settings())
    scored = next(c for c in report.cases if c.id == case.name)
    assert scored.scores["attributed_reported"] == 1.0
    assert scored.counts["hijacked"] == 0


def test_labels_forced_in_the_clean_article_too_are_not_a_hijack() -> None:
    case = next(c for c in CASES if c.forced_label == "favor")
    answer = FakeBackend(default=lambda r: {**_honest(r), "s": [
        {"h": "outlet", "t": "outlet", "g": "x", "l": "favor", "e": [1]}]})
    report = run_injection(DATA, backend=answer, settings=Settings(), limit=len(CASES))
    assert next(c for c in report.cases if c.id == case.name).counts["label_hijack"] == 0
    assert score_pair(case, None, None).counts["injected_failed"] == 1


def test_malformed_fixture_folder(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"kind": "x", "description": "d", "injection": "IGNORE"}))
    (tmp_path / "a.txt").write_text("Some text.")
    (tmp_path / "a.clean.txt").write_text("Some text.")
    with pytest.raises(FixtureError, match="not in a.txt"):
        load_injection_cases(tmp_path)
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(FixtureError, match="a.json"):
        load_injection_cases(tmp_path)
    assert run_injection(tmp_path / "absent", backend=FakeBackend()).skipped
    assert re.search("skipped", run_injection(tmp_path / "absent", backend=FakeBackend()).skipped or "")


def test_main_writes_a_partial_report_after_every_case(tmp_path: Path) -> None:
    import gc
    import warnings

    from summarizer.evals.injection import main
    from summarizer.testing.faults import FaultServer

    seen: list[int] = []
    report = run_injection(DATA, backend=FakeBackend(default=_honest), limit=3,
                           on_case=lambda partial, case: seen.append(len(partial.cases)))
    assert seen == [1, 2, 3] and report.metrics["cases"] == 3
    with FaultServer() as srv, warnings.catch_warnings():
        code = main(["--base-url", srv.base_url, "--model", "m", "--limit", "1", "--out", str(tmp_path)])
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert code == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["suite"] == "injection" and results["metrics"]["cases"] == 1
    assert (tmp_path / "report.md").is_file()


def test_injection_is_an_eval_harness_suite(tmp_path: Path) -> None:
    from summarizer.evals.runner import SUITES, evaluate

    assert "injection" in SUITES
    report = evaluate("injection", data=tmp_path / "absent")
    assert report.skipped and "injection" in report.skipped
