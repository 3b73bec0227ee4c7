"""The briefing's own judgement on the three example articles: conflicts found by the parse,
labels that agree with their explanations, unrelated pairs dropped, clean prose (no ids, no cut
sentences), editorial sentences in the outlet's voice. Fake model; spaCy English model needed
for the parse (skipped when absent)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.briefing import conflicts as bc
from summarizer.llm.backends.base import CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.briefing import WireBluf, WireComparison
from summarizer.briefing.briefer import BOTTOM_LINE_MIN_CONFIDENCE
from summarizer.briefing.tasks import COMPARE_CHOICES
from summarizer.core.errors import ProviderError
from summarizer.briefing.text import clean_text, label_conflicts_reason, whole_sentences
from summarizer.render.briefing_md import briefing_markdown
from summarizer.llm.wire import WireSummary

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_briefing import analysis_answers, compare_scores, fake_model, make_briefing

needs_nlp = pytest.mark.skipif(not bc.nlp_available(), reason="spaCy English model not installed")


# -- pure functions --------------------------------------------------------------------------


def test_clean_text_removes_ids_and_markup() -> None:
    assert clean_text("[5] Engineers said corrosion was the cause [A:2].") == \
        "Engineers said corrosion was the cause."
    assert clean_text("(contradict) Toll differs [G1, D2] {source: officials}") == "Toll differs"
    assert clean_text("</sources> Text") == "Text"


def test_whole_sentences_never_cuts_mid_sentence() -> None:
    assert whole_sentences("At least 19 died, according to hospital officials. The") == \
        "At least 19 died, according to hospital officials."
    assert whole_sentences("Dr. Okafor said 19 died. Divers searched. More", 30) == "Dr. Okafor said 19 died."
    assert whole_sentences("A headline without a full stop") == "A headline without a full stop"


def test_label_must_agree_with_its_explanation() -> None:
    assert label_conflicts_reason("contradict", "Both sources agree that corrosion in the steel "
                                  "supports was the most likely cause.")
    assert label_conflicts_reason("contradict", "The Ledger says 12 died, but NBS says 19.") is None
    assert label_conflicts_reason("agree", "The sources contradict each other on the toll.")
    assert label_conflicts_reason("agree", "Both sources report the same cause.") is None


@needs_nlp
def test_counts_with_modifiers_compare_as_intervals() -> None:
    def st(article: str, n: int, text: str, speaker: str) -> bc.Statement:
        return bc.Statement(article, n, text, speaker, "person")

    facts = bc.extract_facts([
        st("a", 1, "Regional governor Elena Marsh said the death toll stood at 12.", "Elena Marsh"),
        st("b", 1, "At least 19 people died, according to hospital officials.", "hospital officials"),
        st("b", 2, "Dr. Samir Okafor said 19 bodies had been brought to hospitals.", "Samir Okafor"),
        st("c", 1, "Officials said the bridge was last inspected in 2021.", "officials"),
        st("d", 1, "The bridge was last inspected in 2023, the authority said.", "the authority"),
        st("e", 1, "More than 40 people were injured.", "police"),
        st("f", 1, "About 42 people were injured, doctors said.", "doctors"),
    ])
    found = {(f.statement.article, f.kind, f.measure, f.value) for f in facts}
    assert ("a", "count", "deaths", "12") in found
    assert ("b", "count", "deaths", "at least 19") in found
    assert ("b", "count", "deaths", "19") in found  # 'bodies' count deaths
    disputes = {d.measure: d for d in bc.find_disputes(facts)}
    toll = disputes["deaths"]
    assert toll.conflict and len(toll.positions) == 2
    assert [p.speakers for p in toll.positions] == [["Elena Marsh"], ["hospital officials", "Samir Okafor"]]
    assert disputes["inspect"].conflict  # 2021 vs 2023
    assert not disputes["injuries"].conflict and disputes["injuries"].agreement  # >40 and ~42 overlap


# -- the note on the three example articles --------------------------------------------------


@needs_nlp
def test_the_12_vs_19_conflict_is_found_with_both_sides_and_their_speakers() -> None:
    note, _ = make_briefing()
    toll = next(g for g in note.comparisons if g.measure == "deaths")
    assert toll.found_by == "parse" and toll.relation == "contradict"
    sides = {(m.article, m.speaker, m.value) for m in toll.members}
    assert ("ledger", "Elena Marsh", "12") in sides
    assert ("post", "regional government", "12") in sides
    assert ("nbs", "hospital officials", "at least 19") in sides
    assert ("nbs", "Samir Okafor", "19") in sides
    for m in toll.members:  # every side cites its own sentence
        assert m.citations and m.value is not None
        assert m.value.split()[-1] in m.citations[0].text or m.value == "12"
    assert {c.article for c in toll.evidence} == {"ledger", "nbs", "post"}
    assert "12 (" in (toll.reason or "") and "at least 19 (hospital officials)" in (toll.reason or "")
    # the reader learns it from the bottom line
    assert any("G1" in s.basis for s in note.bottom_line)


@needs_nlp
def test_a_contradict_whose_text_says_agree_is_reasked_and_no_group_contradicts_its_text() -> None:
    calls: list[int] = []

    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireComparison:
            calls.append(1)
            if len(calls) == 1:
                shown = re.findall(r"^\[([A-Z]):(\d+)\]", request.messages[-1]["content"], re.MULTILINE)
                return {"r": "contradict",
                        "y": "Both sources agree that corrosion in the steel supports was the cause.",
                        "e": [{"a": a, "s": [int(s)]} for a, s in dict(shown).items()]}
        return fake_model(request)

    backend = FakeBackend(default=model)
    note, _ = make_briefing(backend, compare_by="generate")
    compares = [r for r in backend.requests if r.response_model is WireComparison]
    assert "r is 'contradict' but y says the sources agree" in compares[1].messages[-1]["content"]
    for g in note.comparisons:
        assert g.relation is None or label_conflicts_reason(g.relation, g.reason or "") is None


@needs_nlp
def test_a_scored_comparison_explains_itself_in_its_members_words() -> None:
    backend = FakeBackend(default=fake_model, default_distribution=compare_scores)
    note, _ = make_briefing(backend)
    assert not any(r.response_model is WireComparison for r in backend.requests)  # nothing generated
    scored = [r for r in backend.choice_requests if r.choices == tuple(COMPARE_CHOICES)]
    judged = [g for g in note.comparisons if g.found_by == "model"]
    assert scored and len(judged) == len(scored)
    for request in scored:  # a short one-word question over the shown sentences only
        user = request.messages[-1]["content"]
        assert user.rstrip().endswith("Relation (agree, contradict, add or unrelated):")
        assert re.search(r"^\[A:\d+\] ", user, re.MULTILINE) and re.search(r"^\[B:\d+\] ", user, re.MULTILINE)
    inspection = next(g for g in judged if any("rushed" in m.text for m in g.members))
    assert inspection.relation == "contradict" and inspection.confidence == 0.8
    assert inspection.reason is not None and inspection.reason.startswith("The sources contradict each other: ")
    for m in inspection.members:  # every side in its own words, cited
        assert m.text.rstrip(".").split(" ", 1)[1] in inspection.reason
        assert {c.key for c in m.citations} <= {c.key for c in inspection.evidence}
    assert len({c.article for c in inspection.evidence}) >= 2
    agreed = [g for g in judged if g.relation == "agree"]
    assert agreed and all(g.reason.startswith("The sources agree: ") for g in agreed if g.reason)
    for g in judged:  # a label can never disagree with its own text
        assert label_conflicts_reason(g.relation or "", g.reason or "") is None
        assert clean_text(g.reason or "") == g.reason and whole_sentences(g.reason or "") == g.reason


@needs_nlp
def test_one_speaker_on_every_side_is_not_read_as_a_contradiction() -> None:
    def scores(request: Any) -> dict[str, float]:
        if request.choices == tuple(COMPARE_CHOICES):
            return {"contradict": 0.6, "add": 0.3, "agree": 0.1}
        return {"none": 1.0}

    note, _ = make_briefing(FakeBackend(default=fake_model, default_distribution=scores))
    judged = [g for g in note.comparisons if g.found_by == "model"]
    one_voice = [g for g in judged if len({m.speaker for m in g.members}) == 1]
    several = [g for g in judged if len({m.speaker for m in g.members}) > 1]
    assert one_voice and several  # the residents' two wordings; the inspection dispute
    assert all(g.relation == "add_detail" and g.confidence == 0.75 for g in one_voice)
    assert all(g.relation == "contradict" and g.confidence == 0.6 for g in several)
    assert any("not read as a contradiction (model: contradict 0.60)" in n for n in note.methods.notes)
    # a contradiction the model is unsure of (0.60) stays out of the bottom line
    assert not any(s.text.startswith("The sources contradict each other") for s in note.bottom_line)


@needs_nlp
def test_a_confident_contradiction_between_named_sources_leads_the_bottom_line() -> None:
    note, _ = make_briefing(FakeBackend(default=fake_model, default_distribution=compare_scores))
    inspection = next(g for g in note.comparisons if any("rushed" in m.text for m in g.members))
    assert inspection.confidence is not None and inspection.confidence >= BOTTOM_LINE_MIN_CONFIDENCE
    assert any(inspection.id in s.basis and s.text.startswith("The sources contradict each other")
               for s in note.bottom_line)


@needs_nlp
def test_a_failed_scoring_leaves_the_relation_undecided_and_says_why() -> None:
    def scores(request: Any) -> Any:
        if request.choices == tuple(COMPARE_CHOICES):
            raise ProviderError("server said 500", backend="fake", cause="server")
        return {"none": 1.0}

    note, _ = make_briefing(FakeBackend(default=fake_model, default_distribution=scores))
    judged = [g for g in note.comparisons if g.found_by == "model"]
    assert judged and all(g.relation is None and "ProviderError" in (g.problem or "") for g in judged)
    assert any("relation not decided" in n for n in note.methods.notes)
    assert all(g.relation is not None for g in note.comparisons if g.found_by != "model")


@needs_nlp
def test_unrelated_pairs_never_form_a_group() -> None:
    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireComparison:
            return {"r": "unrelated", "y": "They are about different things.",
                    "e": [{"a": "A", "s": [1]}, {"a": "B", "s": [1]}]}
        return fake_model(request)

    for backend, how in ((FakeBackend(default=model), "generate"),
                         (FakeBackend(default=model, default_distribution={"unrelated": 0.7, "agree": 0.3}),
                          "score")):
        note, _ = make_briefing(backend, compare_by=how)
        assert all(g.found_by in ("parse", "match") for g in note.comparisons), how
        assert any("unrelated" in n for n in note.methods.notes), how
        # the claims that are about different things are not grouped at all
        for g in note.comparisons:
            texts = " ".join(m.text for m in g.members)
            assert not ("accounted for" in texts and "national standard" in texts)


_LEAKS = re.compile(r"\[(?:[A-Z]:)?\d+\]|\[[DG]\d+\]|\{source:|</?(?:article|sources|points)>")


@needs_nlp
def test_no_id_leaks_and_no_cut_sentences_in_the_rendered_note() -> None:
    answers = analysis_answers()
    led = answers["The Alvora Ledger"]
    led["k"][1]["x"] = "[5] Engineers who examined the wreckage blame corrosion [A:5]."
    nbs = answers["Northern Broadcasting Service"]
    nbs["k"][0]["x"] = "At least 19 people died, according to hospital officials. The"

    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireSummary:
            outlet = re.search(r'outlet="([^"]+)"', " ".join(m["content"] for m in request.messages))
            assert outlet is not None
            answer = answers[outlet.group(1)]
            if request.response_model is WireSummary:
                return {"h": answer["h"], "a": answer["a"], "k": answer["k"]}
            return answer
        if request.response_model is WireBluf:
            return {"b": [{"x": "[D1] The bridge collapsed; engineers blame corrosion in the "
                                "steel supports.", "d": ["D1"]},
                          {"x": "The sources disagree on the death toll: 12 or at least 19.",
                           "d": ["G1"]}]}
        return fake_model(request)

    note, _ = make_briefing(FakeBackend(default=model), use_model_bottom_line=True)
    text = briefing_markdown(note)
    body = re.sub(r"\[\^\d+\]", "", text.split("\n[^1]:")[0])  # footnote markers are fine
    assert not _LEAKS.search(body), _LEAKS.search(body)
    prose = [s.text for s in note.bottom_line] + [d.text for d in note.developments] + \
        [g.reason or "" for g in note.comparisons]
    for t in prose:
        assert not _LEAKS.search(t)
        assert not re.search(r"\.\s+\w+$", t), t  # no fragment after the last full stop
    assert "At least 19 people died, according to hospital officials." in [d.text for d in note.developments]
    assert note.bottom_line[0].text.startswith("The bridge collapsed")


@needs_nlp
def test_every_bottom_line_and_development_sentence_is_cited_and_supported() -> None:
    from summarizer.briefing.text import supported

    note, _ = make_briefing()
    for s in note.bottom_line:
        assert s.citations
        assert supported(s.text, [c.text for c in s.citations] + [
            g.reason or "" for g in note.comparisons if g.id in s.basis])
    for d in note.developments:
        assert d.citations and supported(d.text, [c.text for c in d.citations])


def test_an_editorial_sentence_is_the_outlets_voice() -> None:
    answers = analysis_answers()
    post = answers["Riverside Daily Post"]
    for c in post["c"]:
        if c["x"].startswith("The inquiry should examine"):
            c["s"], c["t"], c["a"], c["v"] = "Elena Marsh", "person", "indirect", "promised"

    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireSummary:
            outlet = re.search(r'outlet="([^"]+)"', " ".join(m["content"] for m in request.messages))
            assert outlet is not None
            answer = answers[outlet.group(1)]
            if request.response_model is WireSummary:
                return {"h": answer["h"], "a": answer["a"], "k": answer["k"]}
            return answer
        return fake_model(request)

    note, _ = make_briefing(FakeBackend(default=model))
    marsh = [c.text for sp in note.speakers if sp.name == "Elena Marsh" for c in sp.claims]
    assert not any("examine" in t for t in marsh)
    post_voice = next(sp for sp in note.speakers if sp.name == "Riverside Daily Post")
    assert post_voice.speaker_type == "outlet"
    assert any("examine" in c.text for c in post_voice.claims)


def test_a_note_on_cached_analyses_makes_no_model_call(tmp_path: Path) -> None:
    from test_briefing import EXAMPLES

    from summarizer.briefing import brief, load_articles
    from summarizer.pipeline import Summarizer
    from summarizer.core.settings import Settings
    from summarizer.store import Store

    def run() -> tuple[Any, FakeBackend]:
        backend = FakeBackend(default=fake_model, default_distribution=compare_scores)
        with Store(tmp_path / "store.db") as store:
            s = Summarizer(backend=backend, settings=Settings(max_reasks=1), strict=False, cache=store)
            docs, _ = load_articles([EXAMPLES])
            return brief(docs, topic="Tessel bridge collapse", summarizer=s), backend

    first, b1 = run()
    second, b2 = run()
    assert len(b1.requests) == 3 and len(b1.choice_requests) > 3  # summaries; stances, compares
    assert b2.requests == [] and b2.choice_requests == []
    assert second.methods.cached == 3 and second.methods.model_calls == 0
    assert [g.reason for g in second.comparisons] == [g.reason for g in first.comparisons]
    assert [s.text for s in second.bottom_line] == [s.text for s in first.bottom_line]


@needs_nlp
def test_constructed_event_sets_keep_their_conflict_scores(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util
    import json

    path = Path(__file__).resolve().parent.parent / "evals" / "tools" / "briefing_conflicts_eval.py"
    spec = importlib.util.spec_from_file_location("briefing_conflicts_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["sets"] == 5
    assert figures["precision"] == 1.0  # no conflict invented on these sets
    assert figures["recall_parse_detectable"] >= 0.875
    assert figures["conflicts_on_planted_agreements"] == 0


def test_a_failed_bottom_line_is_not_asked_again_on_a_cached_run(tmp_path: Path) -> None:
    from test_briefing import EXAMPLES

    from summarizer.briefing import brief, load_articles
    from summarizer.pipeline import Summarizer
    from summarizer.core.settings import Settings
    from summarizer.store import Store

    def model(request: CompletionRequest) -> Any:
        if request.response_model is WireBluf:
            return {"b": [{"x": "Forty people died in an earthquake.", "d": ["D1"]},
                          {"x": "Markets fell sharply.", "d": ["D9"]}]}
        return fake_model(request)

    def run() -> tuple[Any, FakeBackend]:
        backend = FakeBackend(default=model)
        with Store(tmp_path / "store.db") as store:
            s = Summarizer(backend=backend, settings=Settings(max_reasks=1), strict=False, cache=store)
            docs, _ = load_articles([EXAMPLES])
            return brief(docs, summarizer=s, use_model_bottom_line=True), backend

    first, b1 = run()
    second, b2 = run()
    assert first.methods.bottom_line_by == second.methods.bottom_line_by == "extractive"
    assert any(r.response_model is WireBluf for r in b1.requests)
    assert b2.requests == []  # the same request failed before: not asked again
    assert any("cached failure" in n for n in second.methods.notes)
