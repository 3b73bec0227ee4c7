"""Precision rules of the parse-based attribution (summarizer/nlp/finders.py) and the claims
built from it (summarizer/analysis/claims.py): a raised subject ('X is expected to ...', the
headline 'X expected to ...') is what the expectation is about, not who holds it; 'declined
to comment on X' says nothing; a headline's attribution is left to the body. Each rule has a
sentence it must leave alone. Skips when en-core-web-sm is not pulled."""

from __future__ import annotations

from typing import Any

from summarizer.analysis.claims import claims_from_attributions, heading_sentences
from summarizer.core.document import Document
from tests.test_nlp_attribution_recall import _attributions


def _by_cue(atts: list[Any]) -> dict[str, Any]:
    return {a.cue.text: a for a in atts if a.cue is not None}


def test_a_raised_subject_is_not_the_source() -> None:
    text = ("The decision is due on Thursday, and Governor Sofia Andrade is expected to hold a "
            "press conference an hour later.")
    assert "expected" not in _by_cue(_attributions(text))
    headline = "Bank of Estmark expected to hold rates as inflation cools"
    assert "expected" not in _by_cue(_attributions(headline))


def test_who_expects_something_is_still_the_source() -> None:
    atts = _by_cue(_attributions("Analysts expect the bank to cut rates in September."))
    assert atts["expect"].speaker == "Analysts"
    atts = _by_cue(_attributions("The minister is expected by analysts to resign within a week."))
    assert atts["expected"].source is not None and atts["expected"].source.text == "analysts"


def test_declining_to_comment_says_nothing_but_the_reason_given_is_a_claim() -> None:
    atts = _by_cue(_attributions(
        "Finance Minister Ortrud Lamm declined to comment on the decision, saying the bank is independent."))
    assert "comment" not in atts
    assert atts["saying"].speaker == "Ortrud Lamm"
    assert atts["saying"].content[0].text == "the bank is independent"
    assert _attributions("Officials declined to comment.") == []
    assert _attributions("Officials refused to speculate on whether the plant would close.") == []
    discuss = _by_cue(_attributions("McAuliffe declined to discuss potential appointees."))
    assert discuss["discuss"].content[0].text == "potential appointees"  # as PolNeAR labels it
    refused = _by_cue(_attributions("The union refused to accept the offer."))
    assert refused["refused"].content[0].text == "to accept the offer"  # an intention, not speech


def test_a_headline_attribution_is_left_to_the_body() -> None:
    text = ("Study links night work to diabetes; experts urge caution\n\n"
            "Experts urged caution about the study, saying it was observational.")
    doc = Document(text)
    assert heading_sentences(doc) == {1}
    claims = claims_from_attributions(doc, _attributions(text))
    assert claims and all(e.sentence != 1 for c in claims for e in c.evidence)
    assert any("observational" in c.text for c in claims)
    body = Document("A one-paragraph wire story with no headline says the port is shut.")
    assert heading_sentences(body) == set()


def test_the_speaker_is_the_head_of_the_mention_not_a_leading_adjective() -> None:
    atts = _attributions('Kestrian Deputy Prime Minister Ona Vilks said the line "belongs to the people of both nations."')
    assert [a.speaker for a in atts] == ["Ona Vilks"]
    speakers = {a.speaker for a in _attributions("The Russian foreign ministry said the talks had failed.")}
    assert speakers == {"Russian foreign ministry"}  # not 'Russian'
    speakers = {a.speaker for a in _attributions("The Indiana governor said the bill was fair.")}
    assert speakers == {"Indiana governor"}  # a person, as before


def test_a_number_or_quantifier_speaks_for_the_group_named_before() -> None:
    text = ("All 23 economists polled by Meridian this week forecast no change in the rate. "
            "Fourteen of them expect a first cut in September. Most said inflation was falling.")
    atts = _attributions(text)
    assert [a.speaker for a in atts] == ["economists"] * 3  # the group, not its count
    text = ("Two engineers who asked not to be named told the Review that operators had been told "
            "to hold water back. \u201cThe control system was fine,\u201d one of them said.")
    said = _by_cue(_attributions(text))["said"]
    assert said.speaker == "engineers" and said.speaker_type == "anonymous"  # not 'operators'
    assert _by_cue(_attributions("Two hundred people marched. Three said the march was peaceful."))[
        "said"].speaker == "people"


def test_writing_for_the_majority_names_on_whose_behalf_not_what() -> None:
    atts = _attributions("Writing for the majority, Judge Celia Navarro said the ordinance was reasonable.")
    assert [c.text for a in atts for c in a.content] == ["the ordinance was reasonable"]
    called = _by_cue(_attributions("The union called for a strike at the port."))["called"]
    assert "a strike" in called.content[0].text  # 'called for' still states what


def test_a_mere_reaction_and_a_short_body_sentence_are_the_outlets_report() -> None:
    from summarizer.analysis.claims import outlet_assertions

    text = ("Court upholds rental ban\n\nCity Attorney Grace Whitfield welcomed the ruling. Judge Martin Obi "
            "dissented. Business was divided.\n\nThe mayor welcomed the ruling and said that it was fair.\n\n"
            "Staff Reporter\n")
    doc = Document(text)
    said = [c.text for c in outlet_assertions(doc, [])]
    assert said == ["City Attorney Grace Whitfield welcomed the ruling.", "Judge Martin Obi dissented.",
                    "Business was divided."]  # not the headline, the byline or a stated proposition


def test_according_to_data_credits_who_published_it() -> None:
    atts = _attributions("Markets expect a cut by August, according to data from the Port Alden Stock Exchange. "
                         "Unemployment fell, according to figures released by the Labour Office. "
                         "Prices rose, according to the data.")
    assert [a.speaker for a in atts][:2] == ["the Port Alden Stock Exchange", "the Labour Office"]
    assert [c.text for c in atts[0].content] == ["Markets expect a cut by August"]
    assert atts[2].speaker == "data"  # no publisher named: the data itself


def test_two_reported_propositions_joined_by_and_that_are_two_claims() -> None:
    atts = _attributions("His lawyer, Ines Couto, said an appeal would be filed this week and that she was "
                         "confident the ban would be suspended.")
    assert [(a.speaker, a.content[0].text) for a in atts] == [
        ("Ines Couto", "an appeal would be filed this week"),
        ("Ines Couto", "that she was confident the ban would be suspended")]
    # not inside a quotation
    quoted = _attributions('Couto said the ruling was "wrong, and that is the end of it."')
    assert len(quoted) == 1


def test_nobody_and_a_date_are_no_source() -> None:
    for text in ("Nobody knows exactly how much water is being pumped from the aquifer.",
                 "No government wants to be the one to shut those wells, officials say privately."):
        assert all((a.speaker or "").lower() not in ("nobody", "government", "no government")
                   for a in _attributions(text))
    # a real source in the same shape stays
    assert _by_cue(_attributions("Officials say the wells will be metered."))["say"].speaker == "Officials"


def test_a_quote_splits_after_its_cue_sentence_only() -> None:
    later = ('"We have promised the same water to three people," said Irena Kowal. '
             '"Everybody has a piece of paper. The river does not read the paper."')
    said = [a for a in _attributions(later) if a.cue is not None and a.cue.text == "said"]
    assert [a.content[0].text for a in said] == ['"We have promised the same water to three people,"',
                                                 '"Everybody has a piece of paper.',
                                                 'The river does not read the paper."']
    before = ('"There was no deal on Monday. There was a list of open questions," he told '
              'reporters outside parliament.')
    told = [a for a in _attributions(before) if a.cue is not None and a.cue.text == "told"]
    assert len(told) == 1 and len(told[0].content[0].text) > len('"There was no deal on Monday.')


def test_a_hypothesis_and_unowned_data_are_the_outlets_voice() -> None:
    hypo = "If the inquiry finds that the licence was breached, Nordvolt could face a fine."
    assert "finds" not in _by_cue(_attributions(hypo))
    assert "finds" in _by_cue(_attributions("The inquiry finds that the licence was breached."))
    assert "show" not in _by_cue(_attributions("Gauge data show that the river fell below its minimum."))
    owned = _by_cue(_attributions("The ministry's figures show that waits fell in March."))
    assert "show" in owned and "ministry" in (owned["show"].speaker or "").lower()
