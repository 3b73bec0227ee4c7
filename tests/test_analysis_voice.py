"""Key points read with the parse (summarizer/analysis/voice.py): fragments are rejected, a
source's words get their source back; and the summary task applies it."""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from summarizer.analysis.summary import SummaryTask
from summarizer.analysis.voice import PointReader, credit_name
from summarizer.core.document import Document
from summarizer.llm.backends.base import Completion
from summarizer.llm.prompts import load_prompt


@cache
def _nlp(language: str) -> Any:
    from summarizer.nlp.parse import has_parser, load_pipeline

    parsers = Path(os.environ.get("SUMMARIZER_PARSERS_DIR", ""))
    if not has_parser(language, parsers):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_pipeline(language, parsers)


def _reader(sources: dict[int, list[str]], language: str = "en") -> PointReader:
    pytest.importorskip("spacy")
    nlp = _nlp(language)
    if nlp is None:
        pytest.skip(f"no parser model for {language} pulled")
    return PointReader(nlp, sources, language)


SAID = "Chinese analysts said the two countries will become closer partners next year."


def test_a_sources_words_get_the_source_back() -> None:
    r = _reader({2: ["Chinese analysts"]})
    assert r.read("The two countries will become closer partners.", [2], [SAID]) == (
        "According to Chinese analysts, the two countries will become closer partners.", None)
    # a proper noun first keeps its capital
    assert r.read("Russia will become a closer partner.", [2], [SAID])[0] == (
        "According to Chinese analysts, Russia will become a closer partner.")


def test_a_key_point_that_names_its_source_or_reports_is_left_as_it_is() -> None:
    r = _reader({2: ["Chinese analysts"], 3: []})
    for text in ("Chinese analysts expect closer ties next year.",
                 "The two countries will be closer partners, experts said.",
                 "Experts warn the pact is a turning point."):
        assert r.read(text, [2], [SAID]) == (text, None)
    # the outlet's own voice (no source in a cited sentence): nobody else to credit
    assert r.read("The countries signed a treaty.", [2, 3], [SAID, "They signed it."]) == (
        "The countries signed a treaty.", None)


def test_a_fragment_is_rejected_unless_what_it_cites_is_one_too() -> None:
    r = _reader({})
    text, problem = r.read("19 bodies brought to the city's two hospitals by the evening.", [4],
                           ["Officials said 19 bodies were brought to the two hospitals by the evening."])
    assert problem is not None and "not a sentence" in problem
    assert r.read("| Liberals | 9 | -2 |", [4], ["| Liberals | 9 | -2 |"]) == ("| Liberals | 9 | -2 |", None)


def test_french_key_points_are_credited_in_french() -> None:
    r = _reader({1: ["la ministre"]}, "fr")
    text, problem = r.read("Le plan coûtera dix millions d'euros.", [1],
                           ["La ministre a affirmé que le plan coûtera dix millions d'euros."])
    assert problem is None and text == "Selon la ministre, le plan coûtera dix millions d'euros."


def test_credit_names_read_as_a_reader_expects() -> None:
    assert credit_name("Beijing-based military expert",
                       "a Beijing-based military expert who asked for anonymity", "anonymous", "en") == \
        "a Beijing-based military expert"
    assert credit_name("ministry", "The ministry", "organization", "en") == "the ministry"
    assert credit_name("Cui Heng", "he", "person", "en") == "Cui Heng"
    assert credit_name("RIA Novosti", "RIA Novosti news agency", "organization", "en") == "RIA Novosti news agency"
    assert credit_name("official", "official", "anonymous", "en") == "an official"


def test_the_summary_task_restores_attribution_and_puts_the_cited_sentence_for_a_fragment() -> None:
    doc = Document("Rail talks resumed in Kestria on Monday. Analysts said the two countries will "
                   "become closer partners next year. Officials said 19 bodies were brought to the "
                   "city's two hospitals by the evening.")
    reader = _reader({2: ["analysts"], 3: ["officials"]})
    task = SummaryTask(load_prompt("summary", "1"), doc, language="English", reader=reader)
    answer = {"h": "Rail talks resume", "a": "Rail talks resumed in Kestria on Monday.",
              "k": [{"x": "The two countries will become closer partners next year.", "e": [2]},
                    {"x": "19 bodies brought to the city's two hospitals by the evening.", "e": [3]}]}
    verdict = task.check(Completion(data=answer, text=""))
    assert verdict.value is not None and verdict.problems == []  # complete: nothing re-asked
    assert [k.text for k in verdict.value.key_points] == [
        "According to analysts, the two countries will become closer partners next year.",
        "Officials said 19 bodies were brought to the city's two hospitals by the evening."]
    assert [e.sentence for e in verdict.value.key_points[1].evidence] == [3]
    assert task.state.rejected[-1].kind == "key_point"  # the fragment stays on record
    assert "stands in its place" in task.state.rejected[-1].reasons[0]


def test_a_fragment_whose_cited_sentence_is_long_is_re_asked() -> None:
    long = ("Officials said 19 bodies were brought to the city's two hospitals by the evening, "
            "while divers searched the river and engineers, police officers, firefighters and "
            "volunteers from across the region worked through the night to reach the cars that "
            "fell from the bridge.")
    doc = Document(f"Rail talks resumed in Kestria on Monday. {long}")
    task = SummaryTask(load_prompt("summary", "1"), doc, language="English", reader=_reader({}))
    answer = {"h": "Rail talks resume", "a": "Rail talks resumed in Kestria on Monday.",
              "k": [{"x": "Talks resumed in Kestria on Monday.", "e": [1]},
                    {"x": "19 bodies brought to the city's two hospitals by the evening.", "e": [2]}]}
    verdict = task.check(Completion(data=answer, text=""))
    assert [k.text for k in verdict.value.key_points] == ["Talks resumed in Kestria on Monday."]
    assert any("k[1]" in p and "not a sentence" in p for p in verdict.problems)  # asked again


def test_only_the_speakers_of_the_sentences_that_state_it_are_credited() -> None:
    r = _reader({2: ["the Transport Authority"], 3: ["engineers who examined the wreckage"]})
    text, problem = r.read("The bridge had passed its last safety inspection in 2023.", [2, 3], [
        "The Transport Authority said the bridge had passed its last safety inspection in 2023.",
        "Engineers who examined the wreckage blamed corrosion."])
    assert problem is None
    assert text == "According to the Transport Authority, the bridge had passed its last safety inspection in 2023."


def test_a_sentence_initial_common_word_is_lowered_in_the_credit() -> None:
    assert credit_name("Engineers", "Engineers who examined the wreckage", "group", "en",
                       common_first=True) == "engineers who examined the wreckage"
    assert credit_name("Chinese experts", "Chinese experts", "group", "en") == "Chinese experts"


def test_a_key_point_cut_at_the_length_cap_becomes_the_sentence_it_copied() -> None:
    from summarizer.analysis.summary import KEY_POINT_MAX_CHARS

    long = ("A former inspector at the Alvora Transport Authority, who spoke on condition of "
            "anonymity, said inspections had been rushed for years.")
    doc = Document("The bridge collapsed on Thursday morning in Alvora. " + long +
                   " Engineers blamed corrosion in the steel supports of the bridge.")
    cut = long[:107]  # the grammar stops at the last whole token before the cap
    task = SummaryTask(load_prompt("summary", "1"), doc, language="English")
    answer = {"h": "Bridge collapses", "a": "The bridge collapsed on Thursday morning in Alvora.",
              "k": [{"x": cut, "e": [2]},
                    {"x": ("The steel supports of the bridge had corrosion, and engineers blamed the "
                           "corrosion in the steel supports for the coll")[:KEY_POINT_MAX_CHARS], "e": [3]}]}
    verdict = task.check(Completion(data=answer, text=""))
    assert verdict.value is not None
    assert verdict.value.key_points[0].text == long  # whole, never "... said inspections"
    # not a copy of its sentence and cut at the cap: rejected
    assert any("k[1]" in p and "cut off" in p for p in verdict.problems)


def test_a_cue_noun_is_not_a_credit() -> None:
    r = _reader({8: ["RIA Novosti news agency"]})
    said = "Russia and North Korea signed an agreement on Wednesday, RIA Novosti news agency reported."
    assert r.read("Russia and North Korea signed an agreement.", [8], [said])[0] == (
        "According to RIA Novosti news agency, Russia and North Korea signed an agreement.")


def test_a_cited_sentence_that_adds_nothing_to_the_key_point_credits_no_one() -> None:
    # the seed run: "According to RIA Novosti news agency and Chinese experts, Russia and North
    # Korea signed ..." — the experts' sentence shares words with it but states a forecast
    r = _reader({8: ["RIA Novosti news agency"], 9: ["Chinese experts"]})
    signed = "Russia and North Korea signed a partnership agreement on Wednesday, RIA Novosti news agency reported."
    forecast = ("Chinese experts said by signing the agreement, Russia and North Korea will become "
                "closer partners.")
    assert r.read("Russia and North Korea signed a partnership agreement.", [8, 9], [signed, forecast])[0] == (
        "According to RIA Novosti news agency, Russia and North Korea signed a partnership agreement.")
    # a key point that joins what two sources each say credits both
    r = _reader({3: ["the mayor"], 4: ["the union"]})
    text = "Backing for the depot plan meets fears of job losses."
    both = r.read(text, [3, 4], ["The mayor said she is backing the depot plan.",
                                 "The union said it fears job losses."])[0]
    assert both.startswith("According to the mayor and the union, "), both


def test_a_name_the_cited_sentences_do_not_contain_is_not_added() -> None:
    r = _reader({4: ["Carla Jennings"]})
    said = "“Every dollar we spend heating empty classrooms is wasted,” she told the board."
    text = "Every dollar spent heating empty classrooms is wasted."
    assert r.read(text, [4], [said]) == (text, None)  # "she" → Jennings is not in the sentence
