"""Metrics on hand-computed cases, including the empty and duplicate edge cases."""

from __future__ import annotations

import pytest

from summarizer.evals.faithfulness import LexicalChecker, balanced_accuracy
from summarizer.evals.metrics import (
    GoldClaimRef,
    GoldStanceRef,
    PredClaim,
    PredStance,
    classification_scores,
    keypoint_coverage,
    match_claims,
    match_stances,
    prf,
    span_overlap,
    speakers_match,
)

TEXT = 'Putin said the treaty is purely defensive. "We will help," Kim said. Experts doubt it.'
G_PUTIN = GoldClaimRef("The treaty is purely defensive.", "Vladimir Putin", 0, 42, "person", "indirect")
G_KIM = GoldClaimRef("North Korea will help Russia.", "Kim Jong Un", 43, 68, "person", "direct")


def test_prf_edge_cases() -> None:
    assert prf(tp=0, n_pred=0, n_gold=0) == prf(tp=0, n_pred=0, n_gold=0)
    empty = prf(tp=0, n_pred=0, n_gold=0)
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    no_pred = prf(tp=0, n_pred=0, n_gold=3)
    assert (no_pred.precision, no_pred.recall, no_pred.f1) == (1.0, 0.0, 0.0)
    no_gold = prf(tp=0, n_pred=2, n_gold=0)
    assert (no_gold.precision, no_gold.recall, no_gold.f1) == (0.0, 1.0, 0.0)
    s = prf(tp=2, n_pred=3, n_gold=4)
    assert (s.precision, s.recall, s.f1) == (0.6667, 0.5, 0.5714)
    with pytest.raises(ValueError):
        prf(tp=3, n_pred=2, n_gold=5)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Putin", "Vladimir Putin", True),
        ("President Vladimir Putin", "Vladimir Putin", True),
        ("V. Putin", "Vladimir Putin", True),
        ("Kim Jong-un", "Kim Jong Un", True),
        ("she", "Maria Zakharova", True),  # pronouns are wildcards (no coreference)
        ("Chinese experts", "Chinese analysts", False),
        ("Vladimir Putin", "Dmitry Peskov", False),
        ("Joe Biden", "Hunter Biden", False),
    ],
)
def test_speakers_match(a: str, b: str, same: bool) -> None:
    assert speakers_match(a, b) is same
    assert speakers_match(b, a) is same


def test_outlet_voice_matches_regardless_of_name() -> None:
    assert speakers_match("outlet", "Global Times", pred_type="outlet", gold_type="outlet")
    assert not speakers_match("outlet", "Global Times", pred_type="person", gold_type="outlet")


def test_span_overlap() -> None:
    assert span_overlap([], 0, 10) == 0.0
    assert span_overlap([(0, 100)], 10, 20) == 1.0
    assert span_overlap([(0, 5), (8, 20)], 3, 13) == 0.7


def test_match_claims_perfect_partial_and_types() -> None:
    preds = [
        PredClaim("the treaty is defensive", "Putin", "person", "direct", ((0, 42),)),
        PredClaim("Kim promised help", "Kim Jong-un", "person", "direct", ((43, 68),)),
    ]
    scores = match_claims(preds, [G_PUTIN, G_KIM])
    assert (scores.prf.tp, scores.prf.f1) == (2, 1.0)
    assert (scores.speaker_type_correct, scores.speaker_type_total) == (2, 2)
    # Putin's claim was 'indirect' in gold: attribution accuracy 1/2
    assert (scores.attribution_correct, scores.attribution_total) == (1, 2)


def test_match_claims_wrong_speaker_is_not_a_match() -> None:
    preds = [PredClaim("the treaty is purely defensive", "Chinese experts", "group", None, ((0, 42),))]
    scores = match_claims(preds, [G_PUTIN])
    assert scores.prf.tp == 0 and scores.prf.precision == 0.0 and scores.prf.recall == 0.0


def test_match_claims_text_only_match_without_span() -> None:
    preds = [PredClaim("Putin: the treaty is purely defensive", "Putin", spans=((200, 240),))]
    assert match_claims(preds, [G_PUTIN]).prf.tp == 1
    unrelated = [PredClaim("Sanctions will hit oil exports", "Putin", spans=((200, 240),))]
    assert match_claims(unrelated, [G_PUTIN]).prf.tp == 0


def test_match_claims_duplicates_count_once() -> None:
    dup = PredClaim("the treaty is defensive", "Putin", spans=((0, 42),))
    scores = match_claims([dup, dup, dup], [G_PUTIN])
    assert (scores.prf.tp, scores.prf.n_pred, scores.prf.precision, scores.prf.recall) == (1, 3, 0.3333, 1.0)


def test_match_claims_empty_sides() -> None:
    assert match_claims([], [G_PUTIN]).prf.f1 == 0.0
    assert match_claims([PredClaim("x y z", "Putin")], []).prf.precision == 0.0
    assert match_claims([], []).prf.f1 == 1.0


def test_greedy_prefers_the_best_pair() -> None:
    # One prediction could match both gold claims by span; it must take the closer one.
    wide = PredClaim("North Korea will help Russia", "Kim", spans=((0, 68),))
    scores = match_claims([wide], [G_PUTIN, GoldClaimRef("North Korea will help Russia.", "Kim", 43, 68)])
    assert [(m.pred, m.gold) for m in scores.matches] == [(0, 1)]


def test_match_stances_and_labels() -> None:
    gold = [GoldStanceRef("Putin", "the treaty", "favor", 0, 42), GoldStanceRef("Experts", "the treaty", "against", 69, 86)]
    pred = [
        PredStance("Vladimir Putin", "Russia-DPRK treaty", "favor", spans=((0, 42),)),
        PredStance("Experts", "the treaty", "neutral"),
        PredStance("Experts", "the treaty", "neutral"),  # duplicate: a false positive
    ]
    detection, pairs = match_stances(pred, gold)
    assert pairs == [(0, 0), (1, 1)]
    assert (detection.tp, detection.precision, detection.recall) == (2, 0.6667, 1.0)


def test_classification_scores_hand_computed() -> None:
    gold = ["agree", "agree", "disagree", "discuss", "discuss", "discuss"]
    pred = ["agree", "discuss", "disagree", "discuss", "agree", "discuss"]
    s = classification_scores(gold, pred, labels=["agree", "disagree", "discuss", "unrelated"])
    assert s.accuracy == 0.6667
    # agree P=1/2 R=1/2 F1=.5; disagree 1/1/1; discuss P=2/3 R=2/3 F1=.6667; unrelated absent: skipped
    assert s.per_class["agree"].f1 == 0.5 and s.per_class["discuss"].f1 == 0.6667
    assert s.macro_f1 == round((0.5 + 1.0 + 0.6667) / 3, 4)
    assert s.confusion == [[1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]


def test_classification_scores_edge_cases() -> None:
    empty = classification_scores([], [], labels=["a", "b"])
    assert empty.accuracy is None and empty.macro_f1 is None and empty.confusion == [[0, 0], [0, 0]]
    # a class with neither gold nor predictions is undefined, never F1 = 1
    assert empty.per_class == {"a": None, "b": None}
    # an invalid answer is wrong (it costs 'a' its recall) but is not a class: no F1, no average
    invalid = classification_scores(["a", "a"], ["a", "invalid"], labels=["a", "b"])
    assert invalid.labels == ["a", "b", "invalid"] and invalid.accuracy == 0.5
    assert "invalid" not in invalid.per_class and invalid.per_class["b"] is None
    assert invalid.macro_f1 == invalid.per_class["a"].f1 == 0.6667  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        classification_scores(["a"], [], labels=["a"])


def test_macro_f1_averages_the_gold_classes_only() -> None:
    # 'b' is predicted once but never gold: its F1 (0) is not averaged, the miss costs 'a' recall
    s = classification_scores(["a", "a", "c"], ["a", "b", "c"], labels=["a", "b", "c", "d"])
    assert s.per_class["b"] is not None and s.per_class["b"].f1 == 0.0 and s.per_class["d"] is None
    assert s.macro_f1 == round((0.6667 + 1.0) / 2, 4)
    assert s.macro_over(["a", "b"]) == 0.6667 and s.macro_over(["d"]) is None


def test_polnear_scores_the_claims_of_one_attribution_as_one() -> None:
    from types import SimpleNamespace

    from summarizer.evals.articles import _per_attribution

    cue = SimpleNamespace(start=40, end=44)
    claims = [SimpleNamespace(speaker="Kowal", cue_span=cue), SimpleNamespace(speaker="Kowal", cue_span=cue),
              SimpleNamespace(speaker="Mendes", cue_span=SimpleNamespace(start=90, end=94)),
              SimpleNamespace(speaker="Review", cue_span=None), SimpleNamespace(speaker="Review", cue_span=None)]
    preds = [PredClaim("a", "Kowal", spans=((0, 30),)), PredClaim("b", "Kowal", spans=((46, 70),)),
             PredClaim("c", "Mendes", spans=((72, 89),)), PredClaim("d", "Review", spans=((100, 120),)),
             PredClaim("e", "Review", spans=((121, 140),))]
    kept, merged = _per_attribution(claims, preds)
    assert [p.text for p in merged] == ["a b", "c", "d", "e"]  # same cue merged; no cue stays apart
    assert merged[0].spans == ((0, 30), (46, 70)) and len(kept) == 4


def test_a_resolved_speaker_matches_through_its_annotated_mention() -> None:
    # PolNeAR annotates the mention as written ('Only 52 percent'); a prediction that names
    # the people of the share ('registered voters') from the same mention is the same source
    gold = GoldClaimRef("Clinton is healthy enough to serve", "Only 52 percent", 40, 74,
                        source_spans=((0, 15),))
    pred = PredClaim("Clinton is healthy enough to serve", "registered voters", spans=((40, 74),),
                     source_spans=((0, 15),))
    assert match_claims([pred], [gold]).prf.tp == 1
    elsewhere = PredClaim("Clinton is healthy enough to serve", "registered voters", spans=((40, 74),),
                          source_spans=((80, 95),))
    assert match_claims([elsewhere], [gold]).prf.tp == 0
