"""The who-said-what speaker rule (match_claims(strict_speakers=True)) on hand-built cases."""

from __future__ import annotations

from summarizer.evals.metrics import GoldClaimRef, PredClaim, match_claims, strict_speaker_match


# -- who-said-what: strict speakers ---------------------------------------------------------


def test_strict_speakers_source_span_overlap_matches_even_a_pronoun() -> None:
    gold = GoldClaimRef("the pact is defensive", "he", 20, 41, source_spans=((10, 12),))
    assert strict_speaker_match(PredClaim("x", "he", source_spans=((10, 12),)), gold)
    assert strict_speaker_match(PredClaim("x", "Vladimir Putin", source_spans=((11, 20),)), gold)
    # a pronoun elsewhere is no wildcard
    assert not strict_speaker_match(PredClaim("x", "he", source_spans=((50, 52),)), gold)


def test_strict_speakers_names_match_without_wildcards() -> None:
    gold = GoldClaimRef("the pact is defensive", "Vladimir Putin", 20, 41, source_spans=((0, 14),))
    assert strict_speaker_match(PredClaim("x", "Putin", source_spans=((60, 65),)), gold)
    assert not strict_speaker_match(PredClaim("x", "Kim Jong-un", source_spans=((60, 65),)), gold)
    assert not strict_speaker_match(PredClaim("x", None), gold)
    assert not strict_speaker_match(PredClaim("x", "she"), gold)


def test_strict_speakers_no_gold_source_wants_no_predicted_source() -> None:
    gold = GoldClaimRef("taxes will rise", None, 0, 15)
    assert strict_speaker_match(PredClaim("x", None), gold)
    assert not strict_speaker_match(PredClaim("x", "Putin", source_spans=((20, 25),)), gold)


def test_match_claims_strict_vs_lenient_speakers() -> None:
    gold = [GoldClaimRef("The pact is defensive.", "Vladimir Putin", 0, 22, source_spans=((30, 44),))]
    pronoun = [PredClaim("the pact is defensive", "he", spans=((0, 22),), source_spans=((50, 52),))]
    assert match_claims(pronoun, gold).prf.tp == 1  # lenient: a pronoun is a wildcard
    assert match_claims(pronoun, gold, strict_speakers=True).prf.tp == 0
    right = [PredClaim("the pact is defensive", "he", spans=((0, 22),), source_spans=((30, 44),))]
    assert match_claims(right, gold, strict_speakers=True).prf.tp == 1
