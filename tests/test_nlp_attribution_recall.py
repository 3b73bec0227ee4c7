"""Recall rules of the parse-based attribution (summarizer/nlp/finders.py, resolve.py), each on
a made-up sentence: nested statements of two speakers, a quotation before a cue that has its own
complement, a quotation continued after an aside, signing dashes, the rest of a cue's clause,
and a parenthetical cue in the middle of its clause. Skips when en-core-web-sm is not pulled."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from summarizer.nlp.models import CATALOGUE, ParserStore
from summarizer.core.settings import default_models_dir


def _nlp() -> Any:
    parsers = Path(os.environ.get("SUMMARIZER_PARSERS_DIR", default_models_dir() / "parsers"))
    if not ParserStore(parsers).is_pulled(CATALOGUE["en-core-web-sm"].name):
        pytest.skip("en-core-web-sm is not pulled (summarizer models pull en-core-web-sm)")
    from summarizer.nlp.parse import load_pipeline

    return load_pipeline("en", parsers)


def _attributions(text: str) -> list[Any]:
    from summarizer.nlp.attribution import extract_attributions
    from summarizer.nlp.resolve import resolve

    doc = _nlp()(text)
    out = resolve(doc, extract_attributions(doc))
    for a in out:  # every span is exact
        for s in (*a.content, a.cue, a.source):
            if s is not None:
                assert text[s.start:s.end] == s.text
    return out


def _by_cue(atts: list[Any], cue: str) -> Any:
    hits = [a for a in atts if a.cue is not None and a.cue.text == cue]
    assert len(hits) == 1, [(a.cue, a.speaker, a.content) for a in atts]
    return hits[0]


def test_a_speaker_reporting_another_speaker_keeps_both_statements() -> None:
    text = "Spokesman Tom Reed said that Governor Ana Ruiz has long called for lower bus fares."
    atts = _attributions(text)
    outer, inner = _by_cue(atts, "said"), _by_cue(atts, "called")
    assert outer.speaker == "Tom Reed"
    assert outer.content[0].text == "that Governor Ana Ruiz has long called for lower bus fares"
    assert inner.speaker == "Ana Ruiz" and inner.content[0].text == "for lower bus fares"


def test_a_thing_inside_a_speakers_words_is_no_source() -> None:
    text = "Minister Lars Holm said the new treaty shows that the two countries trust each other."
    atts = _attributions(text)
    assert [a.speaker for a in atts] == ["Lars Holm"]
    assert atts[0].content[0].text == "the new treaty shows that the two countries trust each other"


def test_a_quote_before_a_cue_with_its_own_complement_is_not_its_content() -> None:
    text = ('Mayor Lena Park says the budget is "a disaster for the town." '
            "She says it shows that the council has run out of money.")
    atts = [a for a in _attributions(text) if a.cue is not None and a.cue.start > text.index("She")]
    second = _by_cue(atts, "says")
    assert second.content[0].text == "it shows that the council has run out of money"
    assert second.speaker == "Lena Park"


def test_a_quote_goes_on_after_an_aside_of_the_cue() -> None:
    text = ('"Every time you repeat that figure," Senator Joe Brand said, pointing at the chart, '
            '"you make the case for breaking up the bank."')
    a = _by_cue(_attributions(text), "said")
    assert [c.text for c in a.content] == ['"Every time you repeat that figure,"',
                                          '"you make the case for breaking up the bank."']
    assert a.speaker == "Joe Brand" and a.kind == "direct"


def test_a_dash_signature_after_a_no_break_space() -> None:
    text = ("Readers wrote to us about the debate.\n"
            "“He does not understand our town at all.”\u00a0― Maria Lopez\u00a0\n"
            "“I will vote for the first time this year.”― Daniel Okafor\n")
    atts = _attributions(text)
    assert [(a.speaker, a.content[0].text) for a in atts if a.cue is not None and a.cue.text == "―"] == [
        ("Maria Lopez", "“He does not understand our town at all.”"),
        ("Daniel Okafor", "“I will vote for the first time this year.”"),
    ]


def test_an_object_cue_takes_the_rest_of_its_clause() -> None:
    text = "Senator Ana Ruiz called her vote in favor of the war a mistake."
    a = _by_cue(_attributions(text), "called")
    assert a.content[0].text == "her vote in favor of the war a mistake" and a.speaker == "Ana Ruiz"


def test_a_topic_cue_takes_the_rest_of_its_clause() -> None:
    text = "The candidate Tom Hale complained about his microphone the morning after the debate."
    a = _by_cue(_attributions(text), "complained")
    assert a.content[0].text == "his microphone the morning after the debate"


def test_a_parenthetical_cue_in_the_middle_of_its_clause() -> None:
    text = "The mill was a giant, Mr. Clarke said, until it went bankrupt in 1999."
    a = _by_cue(_attributions(text), "said")
    assert [c.text for c in a.content] == ["The mill was a giant", "until it went bankrupt in 1999"]
    assert a.speaker == "Clarke"


def test_a_quote_with_its_own_cue_after_a_title_does_not_continue_the_previous_one() -> None:
    text = ('"The plan is a mistake," said Mr. Dale Byrne.\n\n'
            '"Nobody asked the drivers," Mr. Byrne said. "They will pay for it."')
    atts = _attributions(text)
    first = [a for a in atts if a.cue is not None and a.cue.start < text.index("\n")]
    assert [[c.text for c in a.content] for a in first] == [['"The plan is a mistake,"']]
    second = [a for a in atts if a.cue is not None and a.cue.start > text.index("\n")]
    # the quote goes on after its cue's sentence: one claim per sentence, both with that cue
    assert [[c.text for c in a.content] for a in second] == [['"Nobody asked the drivers,"'],
                                                             ['"They will pay for it."']]
    assert {a.cue.text for a in second} == {"said"} and {a.speaker for a in second} == {"Byrne"}


def test_a_complement_stays_in_the_paragraph_of_its_cue() -> None:
    text = ("All the engineers I met said the bridge was safe.\n\n"
            '"It has been inspected twice," Ines Varga, a surveyor, said of the bridge.')
    a = [a for a in _attributions(text) if a.cue is not None and a.cue.start < text.index("\n")]
    assert [[c.text for c in x.content] for x in a] == [["the bridge was safe"]]


def test_a_partial_quote_before_its_cue_takes_its_whole_clause() -> None:
    text = 'However noble the aim, raising the fuel tax "is the wrong approach," said Mr. Olsen.'
    a = _by_cue(_attributions(text), "said")
    assert [c.text for c in a.content] == ['However noble the aim, raising the fuel tax "is the wrong approach,"']
    assert a.kind == "direct"


def test_a_complement_that_opens_a_quote_is_still_the_cues_own() -> None:
    text = ('Mayor Ines Holt said the ruling "will force us to act." '
            'She said that if "the court insists on it, we will appeal."')
    atts = [a for a in _attributions(text) if a.cue is not None and a.cue.start > text.index("She")]
    assert [c.text for c in _by_cue(atts, "said").content] == [
        'that if "the court insists on it, we will appeal']


def test_a_time_stamp_line_is_not_parsed_into_the_next_sentence() -> None:
    text = "9:40 a.m.\n\nGovernor Ana Ruiz says the new bridge will open in the spring."
    a = _by_cue(_attributions(text), "says")
    assert a.speaker == "Ana Ruiz" and a.content[0].text == "the new bridge will open in the spring"


def test_a_dateline_is_not_the_subject() -> None:
    text = ("TESSEL — A regional court on Monday upheld the town's ban on night flights, ruling "
            "that the airport had ignored its own noise limits.")
    a = _by_cue(_attributions(text), "ruling")
    assert a.source is not None and a.source.text.startswith("A regional court")
    assert a.speaker == "regional court"
    assert a.content[0].text == "that the airport had ignored its own noise limits"


def test_a_plan_told_by_a_source_keeps_the_source() -> None:
    text = "According to a campaign aide, Senator Ana Ruiz plans to visit the flooded town on Sunday."
    atts = _attributions(text)
    told = _by_cue(atts, "According to")
    assert told.source is not None and told.source.text == "a campaign aide"
    assert "Ana Ruiz plans to visit the flooded town" in told.content[0].text
    assert _by_cue(atts, "plans").speaker == "Ana Ruiz"


def test_a_document_that_shows_or_finds_something_is_a_source() -> None:
    atts = _attributions("New polls show a close race in the northern districts.")
    a = _by_cue(atts, "show")
    assert a.content[0].text == "a close race in the northern districts"
    assert a.source is not None and a.source.text == "New polls"
    b = _by_cue(_attributions("A 2019 study by the university found 31 cases of fraud."), "found")
    assert b.content[0].text == "31 cases of fraud"


def test_a_person_who_finds_an_object_is_no_source() -> None:
    assert _attributions("The police found a gun in the car on Friday.") == []


def test_cues_of_shouting_seeking_and_understanding() -> None:
    shout = _by_cue(_attributions("Protesters shouted that the mayor had lied to them."), "shouted")
    assert shout.content[0].text == "that the mayor had lied to them"
    seek = _by_cue(_attributions("The union seeks to block the new contract."), "seeks")
    assert seek.content[0].text == "to block the new contract"
    grasp = _by_cue(_attributions("Ms. Lund understood that the deal was off."), "understood")
    assert grasp.speaker == "Lund" and grasp.content[0].text == "that the deal was off"


def test_he_refers_to_the_nearest_subject_not_only_to_earlier_speakers() -> None:
    text = ("Judge Ana Ruiz said the ban was lawful. Judge Robert Miller dissented. "
            "He wrote that the ban went too far.")
    assert _by_cue(_attributions(text), "wrote").speaker == "Robert Miller"


def test_a_subject_inside_a_quotation_is_no_antecedent() -> None:
    text = ('Coach Tom Hale denied any wrongdoing. "I left the room whenever Altamira Sports '
            'was discussed," he said.')
    assert _by_cue(_attributions(text), "said").speaker == "Tom Hale"


def test_a_transcript_label_is_a_speaker_even_when_its_line_reports_others() -> None:
    text = ("Partial transcript as follows:\n\n"
            '"HARRIS: Let us start with the news. After the council announced that it was '
            'closing the bridge, the mayor invited the engineers to a meeting."')
    atts = _attributions(text)
    labels = [a for a in atts if a.cue is not None and a.cue.text == ":"]
    # the label's line, one claim per sentence (the second reports the council and the mayor)
    assert {a.speaker for a in labels} == {"HARRIS"}
    assert labels[0].content[0].text.startswith("Let us start with the news.")


def test_a_place_that_opens_a_headline_is_no_speaker() -> None:
    text = "Tessel: the council adopts the cycling plan despite the shopkeepers' anger\n\nThe vote was close."
    assert [a for a in _attributions(text) if a.cue is not None and a.cue.text == ":"] == []


def test_a_name_that_opens_the_headline_speaks() -> None:
    text = "Obama: The economy is stronger than it was eight years ago\n\nThe president spoke in Ohio."
    a = _by_cue(_attributions(text), ":")
    assert a.speaker == "Obama" and a.content[0].text == "The economy is stronger than it was eight years ago"


def test_a_date_after_a_topic_cue_is_no_content() -> None:
    assert [a for a in _attributions("Senator Ana Ruiz spoke on Tuesday.") if a.cue is not None
            and a.cue.text == "spoke"] == []
    a = _by_cue(_attributions("Senator Ana Ruiz spoke about the flood on Tuesday."), "spoke")
    assert a.content[0].text == "the flood on Tuesday"


def test_a_mere_reaction_to_an_event_is_no_attribution() -> None:
    atts = _attributions("City Attorney Grace Whitfield welcomed the ruling.")
    assert [a for a in atts if a.cue is not None and a.cue.text == "welcomed"] == []
    a = _by_cue(_attributions("City Attorney Grace Whitfield welcomed the plan to rebuild the pier."),
                "welcomed")
    assert a.content[0].text == "the plan to rebuild the pier"


def test_she_refers_to_an_unnamed_source() -> None:
    text = ("The Tessel Courier reported the closures on Monday.\n\n"
            "A senior nurse in the ward, who asked not to be named, said the corridors were full. "
            "“We are treating people in places never meant for patients,” she said.")
    a = _by_cue([x for x in _attributions(text) if x.cue is not None and x.cue.start > text.index("“")], "said")
    assert a.speaker_type == "anonymous" and "senior nurse" in (a.speaker or "")


def test_a_quote_goes_on_after_the_cue_sentence() -> None:
    text = ("“There is no crisis at the hospital,” a ministry spokesman, Peter Hansen, said in a "
            "statement. “Waiting times have improved in each of the past three weeks.”")
    said = [a for a in _attributions(text) if a.cue is not None and a.cue.text == "said"]
    # one claim per sentence (the evals' unit), both Hansen's with the same cue
    assert [[c.text for c in a.content] for a in said] == [
        ["“There is no crisis at the hospital,”"],
        ["“Waiting times have improved in each of the past three weeks.”"]]
    assert {a.speaker for a in said} == {"Peter Hansen"}


def test_the_anonymity_clause_of_a_source_is_no_statement() -> None:
    text = ("A law professor who has advised the city, and who asked not to be named because of "
            "that work, said the opinion was carefully written.")
    atts = _attributions(text)
    assert [a.cue.text for a in atts if a.cue is not None] == ["said"]
    text = ("David Kamin, a law professor who emphasized that the plan would simplify returns, "
            "said it was fair.")
    assert sorted(a.cue.text for a in _attributions(text) if a.cue is not None) == ["emphasized", "said"]


def test_a_relay_gives_way_to_the_speaker_it_quotes_even_on_a_tie() -> None:
    text = ('The treaty means "help in case of attack against either side," Putin explained, '
            "according to Sputnik.")
    assert [a.speaker for a in _attributions(text)] == ["Putin"]


def test_a_list_of_named_people_is_a_thing_not_a_speaker() -> None:
    text = ("Cui Heng told the Global Times that according to the list of Russian delegates, the "
            "cooperation will focus on energy and transport.")
    assert [a.speaker for a in _attributions(text)] == ["Cui Heng"]


def test_a_duration_before_the_topic_is_not_the_topic() -> None:
    a = _by_cue(_attributions("Residents complained for years about cracks in the road surface."), "complained")
    assert a.content[0].text == "cracks in the road surface"
