"""Who speaks for a document, a share and the outlet (engine parser-7): a document's author
speaks for it ('a report by the audit office found'), the people of a share speak for it
('58 percent of residents said'), a count is not part of a group's name, the outlet's own
'we', its dated timeline entries and a consent ('agreed to be identified') are the outlet's
voice, and a person named as the object of a document speaks for themselves ('emails show a
lawyer warning that'). Each rule has a sentence it must leave alone. Skips when
en-core-web-sm is not pulled."""

from __future__ import annotations

from typing import Any

from summarizer.analysis.claims import claims_from_attributions, outlet_assertions
from summarizer.core.document import Document
from tests.test_nlp_attribution_recall import _attributions


def _by_cue(atts: list[Any]) -> dict[str, Any]:
    return {a.cue.text: a for a in atts if a.cue is not None}


def _claims(text: str, outlet: str = "Riverland Review") -> list[Any]:
    doc = Document(text, outlet=outlet)
    claims = claims_from_attributions(doc, _attributions(text))
    return sorted([*claims, *outlet_assertions(doc, claims)], key=lambda c: c.evidence[0].start)


def test_a_document_speaks_with_its_authors_voice() -> None:
    found = _by_cue(_attributions("A report by the national audit office in 2022 found that the city "
                                  "lost about 27 percent of its water through leaks."))["found"]
    assert found.speaker.endswith("national audit office") and found.speaker_type == "organization"
    assert found.source is not None and found.source.text.startswith("A report by")  # as written
    text = ("Dr. Ewa Marczak, a hydrologist at the Institute of Water Research, has spent two decades "
            "measuring the river. Her work shows that the summer flow has fallen by 30 percent.")
    assert _by_cue(_attributions(text))["shows"].speaker == "Ewa Marczak"
    # a document with no author in its mention keeps its own name
    assert _by_cue(_attributions("Some studies suggest that delays raise the risk of death."))[
        "suggest"].speaker == "studies"


def test_a_document_the_outlet_obtained_is_the_outlets_report() -> None:
    claims = _claims("Permit records obtained by the Review through a freedom-of-information request "
                     "show that the authority issued 2,340 new permits between 2003 and 2018.")
    assert [(c.speaker, c.speaker_type, c.attribution) for c in claims] == [
        ("Riverland Review", "outlet", "assertion")]
    other = _claims("Permit records obtained by the Daily Ledger show that the authority issued 2,340 new permits.")
    assert [c.speaker_type for c in other] != ["outlet"]  # another outlet's records are a source


def test_the_people_of_a_share_speak_for_it() -> None:
    text = ("In a survey commissioned by the Review, 58 percent of residents said they opposed "
            "water trading, and 29 percent supported it.")
    by = _by_cue(_attributions(text))
    assert by["said"].speaker == "residents" and by["said"].speaker_type == "group"
    assert by["supported"].speaker == "residents"


def test_a_count_is_not_part_of_a_groups_name() -> None:
    said = _by_cue(_attributions("All 23 economists polled by Meridian said the bank would hold."))["said"]
    assert said.speaker == "economists"
    # one person keeps the word that makes them one
    assert _by_cue(_attributions("One official said the bank would hold."))["said"].speaker == "One official"


def test_the_outlets_we_and_its_timeline_are_its_own_voice() -> None:
    claims = _claims("Where a volume was missing, we used the maximum daily rate, which is why we "
                     "describe the gap as approximate.")
    assert claims and all(c.speaker_type == "outlet" for c in claims)
    quoted = _by_cue(_attributions('"We will appeal the ruling," said Mayor Ana Ruiz.'))["said"]
    assert quoted.speaker == "Ana Ruiz"  # a quoted 'we' belongs to its speaker
    timeline = _claims("Timeline\n\nNext March: The lawsuit is due to be heard in the administrative court.\n")
    assert [(c.speaker_type, c.attribution) for c in timeline if "lawsuit" in c.text] == [("outlet", "assertion")]
    label = _attributions("WALLACE: Let us begin with the economy tonight.\n")
    assert [a.speaker for a in label] == ["WALLACE"]


def test_consent_is_no_statement() -> None:
    claims = _claims("All people quoted by name agreed to be identified.")
    assert [(c.speaker_type, c.attribution) for c in claims] == [("outlet", "assertion")]
    agreed = _by_cue(_attributions("The minister agreed that the plan had failed."))
    assert agreed["agreed"].speaker == "minister"


def test_a_person_shown_by_a_document_speaks_for_themselves() -> None:
    text = ("Internal emails from 2016, seen by the Review, show a senior lawyer at the authority "
            "warning that compensation could exceed 300 million crowns.")
    warning = _by_cue(_attributions(text))["warning"]
    assert warning.speaker == "senior lawyer"
