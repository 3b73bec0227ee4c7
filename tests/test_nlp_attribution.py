"""Who-said-what from a spaCy parse (summarizer/nlp/attribution.py) on small hand-written
sentences, each checked by exact spans. Skips a language whose parser model is not pulled
(scripts/test.sh pulls English and French; Spanish is an optional download)."""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from summarizer.nlp.attribution import ParsedAttribution, extract_attributions, quotations

@cache
def _load(language: str) -> Any:
    """The engine's pipeline (``summarizer.nlp.parse.load_pipeline``, with its own components)
    from the pulled parsers (scripts/test.sh pulls en and fr; es is an optional download)."""
    from summarizer.nlp.parse import has_parser, load_pipeline

    parsers = Path(os.environ.get("SUMMARIZER_PARSERS_DIR", ""))
    if not has_parser(language, parsers):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # es 3.1 on spaCy 3.8 warns about its version
        return load_pipeline(language, parsers)


def _extract(text: str, language: str = "en") -> list[ParsedAttribution]:
    pytest.importorskip("spacy")
    nlp = _load(language)
    if nlp is None:
        pytest.skip(f"no parser model for {language} pulled (summarizer models pull)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = nlp(text)
    atts = extract_attributions(doc, language=language)
    for a in atts:  # every span is exact
        for s in (*a.content, a.cue, a.source):
            if s is not None:
                assert text[s.start:s.end] == s.text
    return atts


def _one(atts: list[ParsedAttribution], cue: str) -> ParsedAttribution:
    hits = [a for a in atts if a.cue is not None and a.cue.text == cue]
    assert len(hits) == 1, [(a.cue, a.content) for a in atts]
    return hits[0]


def test_quotations_pair_marks_and_close_at_paragraph_end() -> None:
    t = "“One. Two,” she said.\n“Three and on\nno.” ''Four''"
    assert [t[a:b] for a, b in quotations(t)] == ["“One. Two,”", "“Three and on", "''Four''"]


def test_x_said_y() -> None:
    text = "Mayor Ana Ruiz said the bridge would reopen in May."
    a = _one(_extract(text), "said")
    assert [c.text for c in a.content] == ["the bridge would reopen in May"]
    assert a.source is not None and a.source.text == "Mayor Ana Ruiz"
    assert (a.source.start, a.source.end) == (0, 14)
    assert a.speaker == "Ana Ruiz" and a.speaker_type == "person" and a.kind == "indirect"
    assert a.hedges == ("would",)


def test_inverted_quote_said_x() -> None:
    text = '"The budget is balanced," said Finance Minister Karl Berg.'
    a = _one(_extract(text), "said")
    assert [c.text for c in a.content] == ['"The budget is balanced,"']
    assert a.content[0].start == 0
    assert a.source is not None and a.source.text == "Finance Minister Karl Berg"
    assert a.speaker == "Karl Berg" and a.kind == "direct" and a.confidence >= 0.8


def test_multi_sentence_quote_with_pronoun_resolved() -> None:
    text = ("Senator Maria Lopez visited the flooded town on Tuesday. "
            '"We saw whole streets under water. Nobody here was warned," she added.')
    a = _one(_extract(text), "added")
    start = text.index('"We saw')
    end = text.index("warned,") + len('warned,"')
    assert [(c.start, c.end) for c in a.content] == [(start, end)]
    assert a.source is not None and a.source.text == "she"
    assert a.speaker == "Maria Lopez" and a.speaker_type == "person" and a.kind == "direct"


def test_according_to_the_ministry() -> None:
    text = "According to the health ministry, hospital waits fell by a third last year."
    a = _one(_extract(text), "According to")
    assert [c.text for c in a.content] == ["hospital waits fell by a third last year"]
    assert a.source is not None and a.source.text == "the health ministry"
    assert a.kind == "according_to" and a.speaker_type == "organization"


def test_told_reporters_that() -> None:
    text = "Coach Dan Miller told reporters that the team had trained harder than ever."
    a = _one(_extract(text), "told")
    assert [c.text for c in a.content] == ["that the team had trained harder than ever"]
    assert a.source is not None and a.source.text == "Coach Dan Miller"
    assert a.speaker == "Dan Miller"


def test_two_attributions_in_one_sentence() -> None:
    text = "Tom Harris said the plan would fail, but Ellen Park said it was working."
    atts = _extract(text)
    saids = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert len(saids) == 2
    first, second = saids
    assert first.content[0].text == "the plan would fail" and first.speaker == "Tom Harris"
    assert second.content[0].text == "it was working" and second.speaker == "Ellen Park"
    assert first.content[0].start < second.content[0].start


def test_anonymous_source() -> None:
    text = ("The contract was signed in secret, a senior official who asked not to be named "
            "said on Friday.")
    a = _one(_extract(text), "said")
    assert [c.text for c in a.content] == ["The contract was signed in secret"]
    assert a.source is not None and a.source.text.startswith("a senior official who asked not to be named")
    assert a.speaker_type == "anonymous"


def test_group_and_hedge_may() -> None:
    text = "Economists warned that prices may rise again next year."
    a = _one(_extract(text), "warned")
    assert [c.text for c in a.content] == ["that prices may rise again next year"]
    assert a.speaker_type == "group"
    assert "may" in a.hedges


def test_no_attribution_in_plain_narration() -> None:
    assert _extract("The river rose two metres overnight and closed the main road.") == []


def test_french_quote_and_selon() -> None:
    text = ("« Nous ne fermerons pas l'école », a déclaré la maire Hélène Marchetti. "
            "Selon la préfecture, la route restera fermée.")
    atts = _extract(text, "fr")
    quote = _one(atts, "déclaré")
    assert [c.text for c in quote.content] == ["« Nous ne fermerons pas l'école »"]
    assert quote.source is not None and "Hélène Marchetti" in quote.source.text
    assert quote.speaker_type == "person" and quote.kind == "direct"
    selon = _one(atts, "Selon")
    assert [c.text for c in selon.content] == ["la route restera fermée"]
    assert selon.source is not None and selon.source.text == "la préfecture"
    assert selon.speaker_type == "organization"


def test_spanish_que_clause_and_dropped_subject() -> None:
    text = ("La alcaldesa Marta Iglesias afirmó que el puente estará listo en mayo. "
            "«No habrá más retrasos», aseguró.")
    atts = _extract(text, "es")
    first = _one(atts, "afirmó")
    assert [c.text for c in first.content] == ["que el puente estará listo en mayo"]
    assert first.source is not None and first.source.text == "La alcaldesa Marta Iglesias"
    second = _one(atts, "aseguró")
    assert [c.text for c in second.content] == ["«No habrá más retrasos»"]
    assert second.source is None and second.speaker == first.speaker
