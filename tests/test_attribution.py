"""The rule-based attribution cues on the patterns news copy uses."""

import pytest

from summarizer.attribution import detect_all, hints, speaker_type
from summarizer.document import Document


@pytest.mark.parametrize(("sentence", "source", "cue"), [
    ("Chinese experts said by signing the agreement, the two will become closer.", "Chinese experts", "said"),
    ("The treaty will help both sides, said Chinese analysts.", "Chinese analysts", "said"),
    ('The deal implies "mutual assistance," Putin explained, according to Sputnik.', "Putin", "explained"),
    ("During talks with Kim, Putin said the document would last.", "Putin", "said"),
    ("Cui Heng, a research fellow at a university, told the Global Times on Wednesday that ties grew.",
     "Cui Heng", "told"),
    ("Kim, for his part, emphasized that Pyongyang supports Russia.", "Kim", "emphasized"),
    ("According to TASS, the delegation was large.", "TASS", "according to"),
    ("Business groups have urged the bank to act.", "Business groups", "urged"),
    ("A law professor who advised the city, and who asked not to be named, said the opinion was sound.",
     "A law professor who advised the city", "said"),
])
def test_detects_the_source_and_cue(sentence: str, source: str, cue: str) -> None:
    found = detect_all(Document(sentence).sentences)
    assert (found[1].source, found[1].cue) == (source, cue)


@pytest.mark.parametrize("sentence", [
    "The forecast shows more rain until Friday.",  # a noun, not a cue verb
    '"Today\'s decision confirms our view."',  # the cue word is inside the quotation
    "The governor promised an inquiry and said the report would follow.",  # a clause, not a source
    "The bridge reopened on Monday.",
])
def test_no_source_where_there_is_none(sentence: str) -> None:
    assert detect_all(Document(sentence).sentences) == {}


def test_pronoun_resolves_to_the_source_just_before_or_is_dropped() -> None:
    doc = Document("Judge Martin Obi dissented. He argued that owners deserved compensation. "
                   "The ban took effect in 2022. Rents rose. Prices fell. She said nothing changed.")
    found = detect_all(doc.sentences)
    assert found[2].source == "Judge Martin Obi" and found[2].pronoun
    assert 6 not in found  # "She" has no named source within three sentences


@pytest.mark.parametrize(("source", "kind"), [
    ("Chinese experts", "group"), ("Residents", "group"), ("six", "group"),
    ("Putin", "person"), ("company spokeswoman Lena Fischer", "person"),
    ("RIA Novosti news agency", "organization"), ("The Estmark Chamber of Commerce", "organization"),
    ("a Beijing-based military expert who asked for anonymity", "anonymous"),
    ("a senior nurse in the department", "anonymous"),
])
def test_speaker_type_heuristic(source: str, kind: str) -> None:
    assert speaker_type(source, "") == kind


def test_hints_only_for_english() -> None:
    assert hints(Document("Analysts said prices would rise.", language="en")) == {1: "source: Analysts"}
    assert hints(Document("Los analistas dijeron que subirán.", language="es")) == {}
