"""The second pass over parsed attributions: nested reports, labels, speakers as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.nlp.models import CATALOGUE, ParserStore
from summarizer.core.settings import default_models_dir


def _nlp():  # type: ignore[no-untyped-def]
    import os

    parsers = Path(os.environ.get("SUMMARIZER_PARSERS_DIR", default_models_dir() / "parsers"))
    if not ParserStore(parsers).is_pulled(CATALOGUE["en-core-web-sm"].name):
        pytest.skip("en-core-web-sm is not pulled (summarizer models pull en-core-web-sm)")
    from summarizer.nlp.parse import load_pipeline

    return load_pipeline("en", parsers)


def _who(text: str) -> list[tuple[str | None, str]]:
    from summarizer.nlp.attribution import extract_attributions
    from summarizer.nlp.resolve import resolve

    doc = _nlp()(text)
    return [(a.speaker, a.content[0].text) for a in resolve(doc, extract_attributions(doc))]


def test_the_speaker_inside_an_according_to_report_is_credited() -> None:
    got = _who("According to Sputnik's report on Wednesday, Putin stressed at the meeting that "
               "Moscow appreciates the support of its partners.")
    assert [s for s, _ in got] == ["Putin"]
    assert "Moscow appreciates the support" in got[0][1] and "Sputnik" not in got[0][1]


def test_the_reporter_of_a_quote_is_not_its_speaker() -> None:
    got = _who('Kim, for his part, emphasized that Pyongyang expresses "full support for the '
               'operation," Sputnik reported.')
    assert [s for s, _ in got] == ["Kim"]


def test_a_thing_is_not_the_speaker_of_a_quote() -> None:
    got = _who('The agreement implies "mutual assistance in case of aggression," Putin explained.')
    assert [s for s, _ in got] == ["Putin"]


def test_metadata_labels_are_not_speakers() -> None:
    got = _who("Published: Jun 19, 2024 10:55 PM\n\nThe mayor said the bridge would reopen in May.")
    assert [s for s, _ in got] == ["mayor"] or all(s != "Published" for s, _ in got)
    assert all(s != "Published" for s, _ in got)


def test_a_named_person_inside_a_long_mention_is_the_speaker() -> None:
    got = _who("Russian presidential aide Yuri Ushakov said earlier that the agreement would "
               "outline future cooperation.")
    assert got and got[0][0] == "Yuri Ushakov"
