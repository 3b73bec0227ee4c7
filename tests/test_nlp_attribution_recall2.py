"""More recall rules of the parse-based attribution (summarizer/nlp/finders.py,
phrase_cues.py), each on a made-up sentence: a request with an object and an infinitive, a
wh-clause read as an adverbial clause, a passive cue with its agent, words fronted before an
inverted cue, a cue ending in a colon whose words are in the next paragraph. Each rule also
has a sentence it must leave alone. Skips when en-core-web-sm is not pulled."""

from __future__ import annotations

from typing import Any

from tests.test_nlp_attribution_recall import _attributions, _nlp


def _one(atts: list[Any], cue: str) -> Any:
    hits = [a for a in atts if a.cue is not None and a.cue.text == cue]
    assert len(hits) == 1, [(a.cue, a.speaker, a.content) for a in atts]
    return hits[0]


def _cues(atts: list[Any]) -> list[str]:
    return [a.cue.text for a in atts if a.cue is not None]


def test_a_request_is_its_object_and_infinitive() -> None:
    text = "Governor Ana Ruiz told her aides to find a way around the state budget rules."
    a = _one(_attributions(text), "told")
    assert a.speaker == "Ana Ruiz"
    assert a.content[0].text == "her aides to find a way around the state budget rules"


def test_a_wh_clause_read_as_adverbial_clause_is_the_content() -> None:
    text = "Council members have not said when they would vote on the new parking plan."
    a = _one(_attributions(text), "said")
    assert a.content[0].text == "when they would vote on the new parking plan"


def test_a_time_clause_after_a_cue_is_not_its_content() -> None:
    text = "Senator Mark Olsen described the bill as a disaster when he was still in office."
    atts = _attributions(text)
    assert all("when he was" not in c.text or "disaster" in c.text for a in atts for c in a.content)


def test_a_passive_cue_credits_its_agent_with_its_subject() -> None:
    text = "The leak at the plant was first reported by the Daily Ledger on Monday."
    a = _one(_attributions(text), "reported")
    assert a.source is not None and a.source.text == "the Daily Ledger"
    assert a.content[0].text == "The leak at the plant"


def test_a_passive_without_a_cue_verb_is_no_attribution() -> None:
    assert _attributions("The bridge was built by a local firm in 1990.") == []


def test_words_fronted_before_an_inverted_cue_are_its_content() -> None:
    text = "Mayor Tom Reed spoke at the rally. Voters like honest leaders, he said."
    a = _one(_attributions(text), "said")
    assert a.speaker == "Tom Reed" and a.content[0].text == "Voters like honest leaders"


def test_a_fronted_time_phrase_is_not_content() -> None:
    text = "One after another, the old mining firms declared bankruptcy."
    assert all(c.text != "One after another" for a in _attributions(text) for c in a.content)


def test_a_quotation_in_the_paragraph_after_a_colon_cue() -> None:
    text = ('Mayor Tom Reed spoke first.\n\nHe said:\n\n"We will rebuild the bridge. '
            'It will take two years."\n\nThen the meeting ended.')
    said = [a for a in _attributions(text) if a.cue is not None and a.cue.text == "said"]
    assert {a.speaker for a in said} == {"Tom Reed"} and {a.kind for a in said} == {"direct"}
    # the quotation's sentences, one claim each
    assert [a.content[0].text for a in said] == ['"We will rebuild the bridge.', 'It will take two years."']


def test_a_colon_cue_takes_the_next_paragraph_when_its_line_ends() -> None:
    text = ("The radio show began at nine.\n\nGovernor Ana Ruiz added:\n\n"
            "It is typical of the council. They never listen.\n\nThe show ended at noon.")
    added = [a for a in _attributions(text) if a.cue is not None and a.cue.text == "added"]
    assert {a.speaker for a in added} == {"Ana Ruiz"}
    assert [a.content[0].text for a in added] == ["It is typical of the council.", "They never listen."]


def test_a_speech_verb_whose_object_is_the_message() -> None:
    atts = _attributions("Mayor Tom Reed stressed the need for cheaper housing in the city. "
                         "Senator Ana Ruiz accused the council of wasting public money.")
    assert _one(atts, "stressed").content[0].text == "the need for cheaper housing in the city"
    accused = _one(atts, "accused")
    assert accused.speaker == "Ana Ruiz"
    assert accused.content[0].text == "the council of wasting public money"


def test_what_an_institution_does_inside_a_persons_words_is_part_of_them() -> None:
    text = "Mayor Ana Ruiz said that the city council supports the new tram line."
    atts = _attributions(text)
    assert [a.speaker for a in atts] == ["Ana Ruiz"]
    assert atts[0].content[0].text == "that the city council supports the new tram line"


def test_a_person_inside_the_sources_relative_clause_is_not_the_speaker() -> None:
    text = ("The old senator, who has campaigned for Maria Lopez since May, "
            "said the tax plan was a disgrace.")
    a = _one(_attributions(text), "said")
    assert a.speaker != "Maria Lopez"


def test_continued_is_a_cue_next_to_a_quotation_only() -> None:
    text = ('Mayor Tom Reed opened the meeting. "We will not raise taxes," he continued. '
            "Prices continued to rise all year.")
    atts = _attributions(text)
    a = _one(atts, "continued")
    assert a.speaker == "Tom Reed" and a.content[0].text == '"We will not raise taxes,"'


def test_an_answer_with_or_by_is_the_content_a_request_for_comment_is_not() -> None:
    atts = _attributions("Senator Ana Ruiz responded with sharp attacks on the governor's budget. "
                         "The mayor's office did not respond to a request for comment.")
    a = _one(atts, "responded")
    assert a.speaker == "Ana Ruiz" and a.content[0].text == "sharp attacks on the governor's budget"
    assert all("request for comment" not in c.text for b in atts for c in b.content)


def test_in_a_poll_credits_the_clause_to_the_poll() -> None:
    text = "In the latest Harbor Tribune poll, the mayor leads her rival by six points."
    a = _one(_attributions(text), "In the latest Harbor Tribune poll")
    assert a.source is not None and "poll" in a.source.text
    assert a.content[0].text == "the mayor leads her rival by six points"


def test_in_a_statement_credits_the_clause_to_its_subject() -> None:
    text = "In a statement on Tuesday, Senator Ana Ruiz was more cautious than her colleagues."
    a = _one(_attributions(text), "In a statement")
    assert a.speaker == "Ana Ruiz"
    assert a.content[0].text == "was more cautious than her colleagues"


def test_in_a_statement_with_a_cue_verb_is_the_verbs_attribution() -> None:
    text = "In a statement, Senator Ana Ruiz said the budget was a disgrace."
    atts = _attributions(text)
    assert _cues(atts) == ["said"]


def test_a_cue_noun_owned_by_a_by_phrase() -> None:
    text = "This political decision by the council to close the library hurts families."
    a = _one(_attributions(text), "decision")
    assert a.source is not None and a.source.text == "the council"
    assert a.content[0].text == "to close the library"


def test_a_possessed_cue_noun_of_conclusion() -> None:
    text = "Judge Mark Olsen's conclusion that the law was void is not shared by other courts."
    a = _one(_attributions(text), "conclusion")
    assert a.speaker == "Mark Olsen" and a.content[0].text == "that the law was void"


def test_a_verb_conjoined_after_the_infinitive_shares_the_cue() -> None:
    text = "Mayor Tom Reed has pledged to cut bus fares and expand night service next year."
    a = _one(_attributions(text), "pledged")
    assert " ".join(c.text for c in a.content).endswith("expand night service next year")


def _split_doc(words: list[str], second: int) -> Any:
    """A doc with a sentence boundary forced before ``words[second]`` (as the parser puts one)."""
    from spacy.tokens import Doc

    starts = [k in (0, second) for k in range(len(words))]
    return Doc(_nlp().vocab, words=words, sent_starts=starts)


def test_content_goes_on_over_a_sentence_split_inside_its_clause() -> None:
    from summarizer.nlp.shapes import _run_on

    words = "The chief mentioned harsh remarks the mayor had made about the union .".split()
    doc = _split_doc(words, 5)
    first = next(iter(doc.sents))
    carried = _run_on(doc, [first[3], first[4]], first)
    assert [t.text for t in carried] == words[5:]


def test_content_does_not_run_on_over_an_end_mark() -> None:
    from summarizer.nlp.shapes import _run_on

    words = "The chief mentioned harsh remarks . the mayor left early .".split()
    doc = _split_doc(words, 6)
    first = next(iter(doc.sents))
    assert _run_on(doc, [first[3], first[4]], first) == []


def test_the_speakers_own_belief_inside_the_statement_is_not_a_second_claim() -> None:
    text = "Mayor Tom Reed said he expected to finish the bridge by May."
    atts = _attributions(text)
    assert _cues(atts) == ["said"]
    assert atts[0].content[0].text == "he expected to finish the bridge by May"


def test_another_speaker_inside_the_statement_stays() -> None:
    text = "Spokesman Tom Reed said that Governor Ana Ruiz has long called for lower bus fares."
    assert sorted(_cues(_attributions(text))) == ["called", "said"]


def test_hopes_is_a_cue_although_the_lemmatizer_reads_hop() -> None:
    a = _one(_attributions("Mayor Tom Reed hopes to open the bridge by May."), "hopes")
    assert a.speaker == "Tom Reed" and a.content[0].text == "to open the bridge by May"


def test_voted_to_and_encouraged_to() -> None:
    atts = _attributions("The city council voted to close the old library. "
                         "Governor Ana Ruiz encouraged voters to register early.")
    assert _one(atts, "voted").content[0].text == "to close the old library"
    assert _one(atts, "encouraged").content[0].text == "voters to register early"


def test_what_a_speech_verb_says_can_be_its_object() -> None:
    atts = _attributions("Only 40 percent trust the mayor, while 55 percent said the same of "
                         "the governor.")
    assert _one(atts, "said").content[0].text == "the same of the governor"


def test_the_addressee_of_told_is_not_what_was_said() -> None:
    atts = _attributions("Mayor Tom Reed told reporters on Monday.")
    assert all(c.text != "reporters" for a in atts for c in a.content)


def test_an_inverted_cue_after_two_conjoined_clauses_takes_both() -> None:
    text = "The mayor wanted a new bridge, but the council rejected the plan, the official added."
    a = _one(_attributions(text), "added")
    assert a.content[0].text == "The mayor wanted a new bridge, but the council rejected the plan"


def test_an_agentless_passive_cue_credits_no_one_named() -> None:
    atts = _attributions("The treasurer was accused of hiding losses from the board.")
    a = _one(atts, "accused")
    assert a.source is None and a.speaker is None and a.speaker_type == "anonymous"
    assert [c.text for c in a.content] == ["The treasurer", "of hiding losses from the board"]


def test_a_negated_agentless_passive_is_no_attribution() -> None:
    assert _attributions("The treasurer has not been charged with any crime.") == []


def test_a_section_heading_with_a_colon_is_no_speaker_label() -> None:
    text = ("Budget.\n\nThe Gap Goes On: The city spent more than it raised for a third year. "
            "The mayor said he would cut costs.")
    atts = _attributions(text)
    assert all(a.speaker != "The Gap Goes On" for a in atts)
    assert _one(atts, "said").content[0].text == "he would cut costs"


def test_a_transcript_name_label_still_speaks() -> None:
    text = "Mike Pence: We will win this state in November."
    atts = _attributions(text)
    assert [a.speaker for a in atts] == ["Mike Pence"]


def test_a_title_with_a_place_or_party_before_it_is_a_person_not_the_place() -> None:
    atts = _attributions("The Ohio senator said the budget was a disgrace.")
    a = _one(atts, "said")
    assert a.speaker != "Ohio" and a.speaker_type == "person"
