"""Quotations whose cue comes after several sentences, and views held without a reporting verb
(engine parser-8): a quotation that opens before its cue's sentence is the cue's whole content;
the noun phrase between a closing quotation mark and a cue the parse left without a subject is
the source; adjectives of belief or feeling ('are afraid that'), a reporting gerund after a
preposition ('by telling them that'), verbs of judging ('dismissed X as'), 'called X a "liar"',
'want X', 'agreed with X' and a cue noun after a light verb ('raising questions about X') are
attributions. Each rule has a sentence it must leave alone. Skips when en-core-web-sm is not
pulled."""

from __future__ import annotations

from typing import Any

from tests.test_nlp_attribution_recall import _attributions


def _by_cue(atts: list[Any]) -> dict[str, Any]:
    return {a.cue.text: a for a in atts if a.cue is not None}


def _content(a: Any) -> str:
    return " … ".join(c.text for c in a.content)


def test_a_quotation_opened_before_its_cues_sentence_is_all_the_cues() -> None:
    text = ("“You should resign. You should give back the money you took while this scam was going on,” "
            "Warren told Stumpf, after he admitted he hadn’t yet been held personally accountable.")
    told = _by_cue(_attributions(text))["told"]
    assert told.speaker == "Warren" and told.kind == "direct"
    assert _content(told).startswith("“You should resign. You should give back")
    assert "admitted" not in _content(told)  # the adverbial clause after the cue is not quoted
    # a cue with a real complement of its own after it still does not take the quotation before it
    two = _attributions("“We will appeal.” She says the ruling ignores the evidence.")
    assert _content(_by_cue(two)["says"]) == "the ruling ignores the evidence"


def test_the_noun_phrase_after_a_closing_quotation_mark_is_the_source() -> None:
    text = ("“He is absolutely right. There is a severe disconnect between this White House and our "
            "military,” Flynn, a top Trump surrogate, said Thursday morning on Fox News.")
    said = _by_cue(_attributions(text))["said"]
    assert said.speaker == "Flynn" and said.source is not None
    assert said.source.text == "Flynn, a top Trump surrogate"
    assert _content(said).startswith("“He is absolutely right.")
    text = ("“I will just make this promise to you: We will achieve justice in this case,” Tulsa police "
            "Chief Chuck Jordan said Monday.")
    said = _by_cue(_attributions(text))["said"]
    assert said.source is not None and said.source.text == "Tulsa police Chief Chuck Jordan"
    assert "Tulsa" not in _content(said)


def test_adjectives_of_belief_and_feeling_are_cues() -> None:
    afraid = _by_cue(_attributions("Many Democrats are afraid that the edge among black voters may be "
                                   "undercut by apathy."))["afraid"]
    assert afraid.speaker == "Democrats" and _content(afraid).startswith("that the edge")
    critical = _by_cue(_attributions("Graham has been critical of Trump."))["critical"]
    assert critical.speaker == "Graham" and _content(critical) == "Trump"
    # no holder, a prediction about the subject, a reaction to a short definite noun phrase,
    # and a feeling inside someone's reported words are not
    for text in ("It is clear that the plan failed.", "The mayor is sure to win.",
                 "Independent analysts were sceptical of the performance claim."):
        assert not [a for a in _attributions(text) if a.cue is not None], text
    said = _attributions("His lawyer, Ines Couto, said she was confident the ban would be suspended.")
    assert [a.cue.text for a in said if a.cue is not None] == ["said"]


def test_a_reporting_gerund_after_a_preposition_speaks_for_the_verbs_subject() -> None:
    text = ("He recently pitched himself to African-Americans by telling them that their lives are "
            "about as terrible as can be.")
    telling = _by_cue(_attributions(text))["telling"]
    assert telling.speaker == "He" or telling.source is not None and telling.source.text == "He"
    praised = _by_cue(_attributions("The senator praised Kim for saying that the deal was dead."))
    assert praised["saying"].speaker == "Kim"  # 'praised her for saying': the object said it
    # an action gerund is not a statement ('By promoting ties, Moscow is sending a signal')
    acts = _attributions("By promoting ties with Pyongyang, Moscow is releasing a signal to the US.")
    assert "promoting" not in _by_cue(acts)


def test_a_passive_conjunct_does_not_inherit_the_active_subject() -> None:
    text = "Oz appeared at a Senate hearing and was criticized for saying that the extract was a magic cure."
    by = _by_cue(_attributions(text))
    assert "criticized" not in by  # Oz did not criticize
    assert by["saying"].speaker == "Oz"


def test_verbs_of_judging_naming_wanting_and_agreeing_take_their_object() -> None:
    dismissed = _by_cue(_attributions("Gingrich cynically dismissed NATO member Estonia as being in the "
                                      "suburbs of St. Petersburg."))["dismissed"]
    assert dismissed.speaker == "Gingrich" and "Estonia as being" in _content(dismissed)
    called = _by_cue(_attributions('Cruz called Trump a "pathological liar" who is "utterly amoral."'))["called"]
    assert called.speaker == "Cruz" and _content(called).startswith("Trump a")
    want = _by_cue(_attributions("Democrats want policies that create more revenue."))["want"]
    assert want.speaker == "Democrats" and _content(want).startswith("policies")
    agreed = _by_cue(_attributions("Anderson largely agreed with McLenny."))["agreed"]
    assert agreed.speaker == "Anderson" and _content(agreed) == "McLenny"
    # 'spoke with reporters' names an addressee, not a topic
    assert not [a for a in _attributions("The mayor spoke with reporters on Tuesday.") if a.cue is not None]


def test_a_cue_noun_after_a_light_verb_is_a_view_of_its_holder() -> None:
    raising = _attributions("Donald Trump is raising questions about his microphone problems.")
    assert [(a.speaker, _content(a)) for a in raising] == [("Donald Trump", "his microphone problems")]
    support = _attributions("The union threw its support behind the nominee.")
    assert [(a.speaker, _content(a)) for a in support] == [("union", "the nominee")]
    # a thing holds no view; 'a question for X' names an addressee
    assert not _attributions("Trump's decision inevitably raises questions about what he might be concealing.")
    assert not _attributions("During a town hall, Tina Houchins had a question for the president.")


def test_a_figure_someone_puts_at_a_number_is_their_claim() -> None:
    # the briefing compares "12" with "at least 19": the governor's figure must carry her name
    put = _by_cue(_attributions("Regional governor Elena Marsh earlier put the death toll at 12."))["put"]
    assert put.speaker == "Elena Marsh" and _content(put) == "the death toll at 12"
    placed = _by_cue(_attributions("Officials placed the number of dead at 30."))["placed"]
    assert _content(placed) == "the number of dead at 30"
    # not an estimate: no number after "at", no estimate noun, or a thing as the holder
    for text in ("He put the book at the end of the shelf.",
                 "The council set the meeting at noon.",
                 "The storm put the damage at risk of rising."):
        assert not [a for a in _attributions(text) if a.cue is not None and a.cue.text in ("put", "set")], text
