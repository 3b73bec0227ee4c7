from summarizer.core.document import Document, split_sentences


def test_offsets_slice_source_exactly(seed_text: str) -> None:
    doc = Document(seed_text)
    assert len(doc.sentences) == 21
    for s in doc.sentences:
        assert seed_text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_quotes_and_abbreviations_do_not_split() -> None:
    text = 'Mr. Smith said "we will win." Then U.S. officials left at 3.5 p.m. on Friday. Done!'
    assert [s.text for s in split_sentences(text)] == [
        'Mr. Smith said "we will win."',
        "Then U.S. officials left at 3.5 p.m. on Friday.",
        "Done!",
    ]


def test_lines_are_sentences_and_ids_are_one_based() -> None:
    sents = split_sentences("HEADLINE\n\nFirst sentence. Second one.\n")
    assert [(s.id, s.text) for s in sents] == [
        (1, "HEADLINE"), (2, "First sentence."), (3, "Second one."),
    ]


def test_cjk_punctuation_splits() -> None:
    sents = split_sentences("普京访问平壤。双方签署了条约！")
    assert [s.text for s in sents] == ["普京访问平壤。", "双方签署了条约！"]


def test_numbered_view_is_what_the_model_sees() -> None:
    doc = Document("One. Two.")
    assert doc.numbered() == "[1] One.\n[2] Two."
