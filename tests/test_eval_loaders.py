"""Benchmark loaders on tiny samples written for the tests (never copies of the real data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from summarizer.backends.fake import FakeBackend
from summarizer.errors import ConfigurationError
from summarizer.evals.fnc1 import StanceTask, load_fnc1
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


def test_stance_task_grounds_evidence_ids_and_reasks() -> None:
    fake = FakeBackend([{"l": "agree", "e": [9]}, {"l": "agree", "e": [1]}])
    answer = StanceTask(backend=fake).run("Panda is pregnant", "The panda is pregnant. Keepers are happy.")
    assert answer.label == "agree" and answer.reasks == 1 and not answer.first_valid
    assert answer.evidence[0].text == "The panda is pregnant."
    assert "do not exist" in fake.requests[1].messages[-1]["content"]
    missing = StanceTask(backend=FakeBackend(default={"l": "discuss", "e": []})).run("x", "Some text here.")
    assert missing.label is None and missing.error is not None and missing.calls == 2


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
