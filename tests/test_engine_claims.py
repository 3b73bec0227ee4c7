"""Claims from parsed attributions (exact spans, mention and cue kept) and the outlet's voice."""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.analysis.claims import (
    claims_from_attributions,
    claims_from_rules,
    hedges_in,
    outlet_assertions,
)
from summarizer.analysis.grounding import content_words, normalize
from summarizer.core.document import Document

TEXT = ("The council approved the budget on Monday. "
        "\"We will fix every road,\" the mayor said. "
        "Critics may challenge the plan in court, according to a lawyer who asked not to be named.")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def span(sub: str) -> Span:
    i = TEXT.index(sub)
    return Span(i, i + len(sub), sub)


@dataclass(frozen=True)
class Attr:
    content: tuple[Span, ...]
    cue: Span | None
    source: Span | None
    speaker: str | None
    speaker_type: str
    kind: str
    hedges: tuple[str, ...] = ()


def test_parsed_attributions_become_claims_with_exact_spans() -> None:
    doc = Document(TEXT, outlet="Daily", language="en")
    attrs = [
        Attr((span("We will fix every road,"),), span("said"), span("the mayor"), "Mayor Ana Ruiz",
             "person", "direct"),
        Attr((span("Critics may challenge the plan in court"),), span("according to"),
             span("a lawyer who asked not to be named"), None, "anonymous", "according_to"),
    ]
    claims = claims_from_attributions(doc, attrs)
    assert [c.speaker for c in claims] == ["Mayor Ana Ruiz", "a lawyer who asked not to be named"]
    first = claims[0]
    assert first.attribution == "direct" and first.origin == "parser" and first.cue == "said"
    assert first.mention is not None and first.mention.text == "the mayor"
    assert first.evidence[0].sentence == 2
    for c in claims:
        for e in [*c.evidence, c.mention, c.cue_span]:
            assert e is not None and TEXT[e.start:e.end] == e.text
    assert claims[1].attribution == "indirect" and claims[1].hedges == ["may"]


def test_uncovered_prose_is_the_outlets_own_voice() -> None:
    doc = Document(TEXT, outlet="Daily", language="en")
    attrs = [Attr((span("We will fix every road,"),), span("said"), span("the mayor"), "the mayor",
                  "person", "direct")]
    claims = claims_from_attributions(doc, attrs)
    own = outlet_assertions(doc, claims)
    # sentence 1 is the outlet's; sentence 3 carries a cue ("according to"), so it is not
    assert [(c.speaker, c.attribution, c.evidence[0].sentence) for c in own] == [("Daily", "assertion", 1)]


def test_rules_give_sentence_level_claims_where_there_is_no_parser() -> None:
    doc = Document("El alcalde dijo que la obra terminará en mayo.", language="es")
    claims = claims_from_rules(doc)
    assert claims and claims[0].origin == "rules" and claims[0].evidence[0].sentence == 1


def test_hedges() -> None:
    assert hedges_in("The plan is expected to pass, but it may reportedly fail.") == [
        "is expected to", "may", "reportedly"]


def test_rules_credit_the_seed_articles_sources(seed_text: str) -> None:
    # the no-parser fallback (what grounding's rule pass did for the legacy engine)
    doc = Document(seed_text)
    by_sentence = {c.evidence[0].sentence: c for c in claims_from_rules(doc)}
    assert by_sentence[14].speaker == "Chinese analysts" and by_sentence[14].speaker_type == "group"
    assert by_sentence[16].speaker_type == "anonymous"  # "... who asked for anonymity"
    assert by_sentence[20].speaker == "Cui Heng" and by_sentence[21].speaker == "Cui Heng"  # "he said"
    assert by_sentence[10].attribution == "direct"  # the sentence carries a quotation
    assert all(doc.text[e.start:e.end] == e.text for c in by_sentence.values() for e in c.evidence)


def test_rules_in_spanish_and_none_for_a_language_without_cues() -> None:
    doc = Document("El ministro dijo que el plan fracasará.", language="es")
    assert [(c.speaker, c.speaker_type, c.cue, c.origin) for c in claims_from_rules(doc)] == [
        ("El ministro", "anonymous", "dijo", "rules")]
    assert claims_from_rules(Document("Der Minister sagte, der Plan werde scheitern.", language="de")) == []


def test_normalize_unifies_quotes_dashes_and_space() -> None:
    assert normalize("“Hello”  —  ‘world’\n") == "\"hello\" - 'world'"
    assert content_words("The minister said: “Prices rise!”") == {"minis", "price", "rise"}
