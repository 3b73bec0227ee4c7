"""Benchmark loaders on tiny samples written for the tests (never copies of the real data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from summarizer.llm.backends.fake import FakeBackend
from summarizer.core.errors import ConfigurationError
from summarizer.evals.fnc1 import FNC_LABELS, FncPair, FncTask, Relatedness, load_fnc1
from summarizer.evals.neus import load_neus
from summarizer.evals.polnear import load_polnear, parse_brat
from summarizer.evals.qags import load_qags

DATA = Path(__file__).parent / "data" / "eval_benchmarks"
REAL = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def test_polnear_claims_from_brat() -> None:
    (article,) = load_polnear(DATA / "polnear")
    assert article.id == "town_bridge" and article.annotator == "aa11"
    assert (article.outlet, article.title) == ("Town Courier", "Bridge to reopen")
    speakers = [c.speaker for c in article.claims]
    assert speakers == ["Mayor Lena Ortiz", "Engineers", "she"]
    first = article.claims[0]
    assert article.text[first.start : first.end] == first.text == "the bridge will reopen in May"
    assert first.cue == "said"
    quote = article.claims[2]
    assert len(quote.pieces) == 2 and quote.text == "We are ready ,"
    for claim in article.claims:  # the Source and Cue spans' offsets come along
        (src_start, src_end), = claim.source_pieces
        assert article.text[src_start:src_end] == claim.speaker
        assert " ".join(article.text[a:b] for a, b in claim.cue_pieces) == claim.cue


def test_polnear_rejects_offsets_outside_the_text() -> None:
    with pytest.raises(ConfigurationError, match="outside the text"):
        parse_brat("T1\tContent 0 99\tx\n", "short", source="x.ann")


def test_fnc1_stratified_sample_is_balanced_and_seeded() -> None:
    pairs = load_fnc1(DATA / "fnc1", limit=3, seed=1)
    assert Counter(p.stance for p in pairs) == {"agree": 1, "disagree": 1, "discuss": 1}
    assert [p.id for p in pairs] == [p.id for p in load_fnc1(DATA / "fnc1", limit=3, seed=1)]
    assert all(p.stance != "unrelated" for p in load_fnc1(DATA / "fnc1"))
    everything = load_fnc1(DATA / "fnc1", labels=["agree", "disagree", "discuss", "unrelated"])
    assert len(everything) == 7


def _pair(headline: str, body: str, stance: str = "agree") -> FncPair:
    return FncPair("p", headline, "1", body, stance)


def test_relatedness_tunes_the_threshold_for_balanced_accuracy() -> None:
    pairs = load_fnc1(DATA / "fnc1", labels=FNC_LABELS)
    rel = Relatedness([p.body for p in pairs] + [p.headline for p in pairs], threshold=0.9)
    assert rel.similarity("Zoo panda is pregnant", pairs[0].body) > rel.similarity("Stock market hits record",
                                                                                    pairs[0].body)
    threshold = rel.tune(pairs)
    # every related pair of the tiny data is above it, the unrelated one below: balanced accuracy 1
    assert all(rel.related(p.headline, p.body) == (p.stance != "unrelated") for p in pairs)
    assert 0 < threshold < 0.9
    assert Relatedness(["x"], threshold=0.3).tune([_pair("a", "b")]) == 0.3  # one class: unchanged


def test_fnc_task_reads_the_closest_sentences_and_scores_labels() -> None:
    body = "The zoo panda is pregnant, keepers confirmed. Lunch is at noon. A birth is due in August."
    rel = Relatedness([body, "Zoo panda pregnant"], threshold=0.05)
    fake = FakeBackend(default_distribution={"agree": 0.7, "discuss": 0.2, "disagree": 0.1})
    task = FncTask(backend=fake, relatedness=rel, sentences=1)
    answer = task.run(_pair("Zoo panda pregnant", body))
    assert answer.label == "agree" and answer.probs == {"agree": 0.7, "disagree": 0.1, "discuss": 0.2}
    assert [e.sentence for e in answer.evidence] == [1] and body[answer.evidence[0].start:answer.evidence[0].end] == \
        answer.evidence[0].text
    (request,) = fake.choice_requests
    assert request.choices == ("agree", "disagree", "discuss")
    assert "keepers confirmed" in request.messages[-1]["content"] and "Lunch" not in request.messages[-1]["content"]
    # a prior correction moves the decision; unrelated needs no model call
    assert FncTask(backend=fake, relatedness=rel, bias={"discuss": 2.0}).decide(answer.probs) == "discuss"
    assert task.run(_pair("Stock market record", body)).label == "unrelated" and len(fake.choice_requests) == 1


def test_calibration_corrects_a_label_prior_on_dev_pairs() -> None:
    # a model that always leans 'disagree' but ranks the right label second-best
    def biased(request: object) -> dict[str, float]:
        text = request.messages[-1]["content"]  # type: ignore[attr-defined]
        if "confirmed" in text:
            return {"agree": 0.4, "disagree": 0.5, "discuss": 0.1}
        if "claims" in text:
            return {"agree": 0.1, "disagree": 0.5, "discuss": 0.4}
        return {"agree": 0.1, "disagree": 0.8, "discuss": 0.1}

    dev = [p for p in load_fnc1(DATA / "fnc1")]
    rel = Relatedness([p.body for p in dev], threshold=0.0)
    task = FncTask(backend=FakeBackend(default_distribution=biased), relatedness=rel)
    assert [task.decide(biased(_req(task, p))) for p in dev[:3]] == ["disagree"] * 3
    # a handful of pairs is too few to fit offsets: nothing is fitted by default
    assert FncTask(backend=FakeBackend(default_distribution=biased), relatedness=rel).calibrate(dev) == {
        "agree": 0.0, "disagree": 0.0, "discuss": 0.0}
    bias = task.calibrate(dev, min_pairs=1)
    assert [task.run(p).label for p in dev[:3]] == ["agree", "disagree", "discuss"]
    assert bias["agree"] == 0.0 and bias["disagree"] < 0


def _req(task: FncTask, pair: FncPair) -> object:
    from summarizer.llm.backends.base import ChoiceRequest

    excerpt = "\n".join(e.text for e in task.evidence(pair.headline, pair.body))
    return ChoiceRequest(messages=task.template.render(claim=pair.headline, excerpt=excerpt).messages,
                         choices=("agree", "disagree", "discuss"))


def test_fnc_task_needs_a_label_scorer_and_reports_provider_failures() -> None:
    from summarizer.core.errors import ProviderError

    rel = Relatedness(["a b"], threshold=0.0)

    class NoScores:
        name, model = "plain", "m"

    with pytest.raises(ConfigurationError, match="cannot score labels"):
        FncTask(backend=NoScores(), relatedness=rel)  # type: ignore[arg-type]
    failing = FakeBackend(default_distribution=ProviderError("down", backend="fake", cause="timeout"))
    answer = FncTask(backend=failing, relatedness=rel).run(_pair("panda pregnant", "The panda is pregnant."))
    assert answer.label == "invalid" and answer.error is not None and answer.error.startswith("ProviderError")


def test_qags_labels_and_stratified_limit() -> None:
    pairs = load_qags(DATA / "qags")
    assert [p.consistent for p in pairs] == [True, False, True, False]
    sample = load_qags(DATA / "qags", limit=2, seed=3)
    assert sorted(p.consistent for p in sample) == [False, True]


def test_neus_events() -> None:
    events = load_neus(DATA / "neus", limit=1)
    assert len(events) == 1 and len(events[0].articles) == 3
    assert events[0].articles[1].title == "Delay on vote"
    assert events[0].reference.text == "The vote was postponed."


@pytest.mark.parametrize("loader", [load_polnear, load_fnc1, load_qags, load_neus])
def test_missing_path_is_a_configuration_error(loader: object, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        loader(tmp_path / "absent")  # type: ignore[operator]


@pytest.mark.skipif(not (REAL / "fnc1").is_dir(), reason="real FNC-1 data not present")
def test_real_fnc1_sample_is_20_20_20() -> None:
    pairs = load_fnc1(REAL / "fnc1", limit=60, seed=0)
    assert Counter(p.stance for p in pairs) == {"agree": 20, "disagree": 20, "discuss": 20}


@pytest.mark.skipif(not (REAL / "polnear").is_dir(), reason="real PolNeAR data not present")
def test_real_polnear_offsets_slice_the_text() -> None:
    for article in load_polnear(REAL / "polnear", limit=5, seed=0):
        assert article.claims
        for claim in article.claims:
            assert article.text[claim.pieces[0][0] : claim.pieces[0][1]] in claim.text
