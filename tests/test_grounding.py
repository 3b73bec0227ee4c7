from typing import Any

from summarizer.core.document import Document
from summarizer.analysis.grounding import ground, normalize, reask_message
from summarizer.llm.wire import WireArticle


def _ground(wire: WireArticle, doc: Document) -> Any:
    """Model claims only: the attribution rules are tested on their own below."""
    return ground(wire, doc, rule_claims=False)


def _wire(answer: dict[str, Any], **changes: Any) -> WireArticle:
    return WireArticle.model_validate({**answer, **changes})


def test_correct_answer_grounds_and_offsets_slice(seed_text: str, seed_answer: dict[str, Any]) -> None:
    doc = Document(seed_text)
    g = _ground(_wire(seed_answer), doc)
    assert g.ok, [p.instruction() for p in g.problems]
    assert len(g.claims) == len(seed_answer["c"])
    for item in [*g.claims, *g.stances, *g.key_points]:
        for e in item.evidence:
            assert seed_text[e.start : e.end] == e.text
            assert e.sentence is not None and doc.sentences[e.sentence - 1].text == e.text


def test_nonexistent_sentence_id_is_a_problem(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][0], "e": [99]}
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    assert [p.kind for p in g.problems] == ["claim"]
    assert "sentence 99 does not exist" in g.problems[0].message
    assert not g.claims


def test_invented_speaker_is_a_problem(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][1], "s": "Margaret Thornbury"}
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    assert any("does not appear in the article" in p.message for p in g.problems)


def test_speaker_name_variants_are_accepted(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][0], "s": "Russian President Vladimir Putin"}
    assert _ground(_wire(seed_answer, c=[claim]), Document(seed_text)).ok


def test_claim_not_stated_by_cited_sentence(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][2], "e": [19]}  # Ushakov's claim cited on the delegation list
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    assert any("do not state" in p.message for p in g.problems)


def test_invented_quote_is_rejected(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][0], "x": 'Putin said "the treaty will change the whole world order forever"'}
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    assert any("is not in the article" in p.message for p in g.problems)


def test_real_quote_with_curly_marks_is_accepted(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][0], "x": "Putin: “mutual assistance in case of aggression against participants”"}
    assert _ground(_wire(seed_answer, c=[claim]), Document(seed_text)).ok


def test_direct_attribution_needs_quotation_marks(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][2], "a": "direct"}  # Ushakov is paraphrased
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    assert any("use 'indirect'" in p.message for p in g.problems)


def test_exact_duplicate_claims_are_merged(seed_text: str, seed_answer: dict[str, Any]) -> None:
    c = seed_answer["c"][1]
    g = _ground(_wire(seed_answer, c=[c, dict(c)]), Document(seed_text))
    assert g.ok and len(g.claims) == 1


def test_outlet_voice_uses_outlet_name() -> None:
    doc = Document("The bridge reopened on Monday after repairs.", outlet="Daily Wire Test")
    answer = {
        "h": "Bridge reopens", "a": "It reopened.", "k": [{"x": "Bridge reopened", "e": [1]}],
        "c": [{"s": "outlet", "t": "outlet", "a": "assertion", "v": None, "x": "The bridge reopened", "e": [1]}],
        "s": [],
    }
    g = _ground(WireArticle.model_validate(answer), doc)
    assert g.ok and g.claims[0].speaker == "Daily Wire Test" and g.claims[0].speaker_type == "outlet"


def test_reask_message_lists_problems_as_instructions(seed_text: str, seed_answer: dict[str, Any]) -> None:
    claim = {**seed_answer["c"][0], "e": [42]}
    g = _ground(_wire(seed_answer, c=[claim]), Document(seed_text))
    msg = reask_message(g.problems)
    assert "c[0]: sentence 42 does not exist" in msg
    assert "new, complete JSON answer" in msg


def test_normalize_unifies_quotes_dashes_and_space() -> None:
    assert normalize("“Hello”  —  ‘world’\n") == "\"hello\" - 'world'"


def test_pronoun_sentence_may_credit_a_speaker_named_a_few_sentences_before() -> None:
    text = ("City Attorney Grace Whitfield welcomed the ruling. "
            "\u201cToday's decision confirms that Harlow can protect its neighbourhoods,\u201d she said. "
            "She said the city would keep enforcing the ordinance. "
            "The ban took effect in 2022 across the city. "
            "Tenants marched downtown on Friday.")
    doc = Document(text=text)
    claim = {"e": [3], "s": "Grace Whitfield", "t": "person", "a": "indirect", "v": "said"}
    ok = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [1]}], c=[claim], s=[]), doc)
    assert ok.problems == [] and ok.claims[0].speaker == "Grace Whitfield"
    # no pronoun in sentence 5: the speaker must be named there or just before
    far = {**claim, "e": [5]}
    bad = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [1]}], c=[far], s=[]), doc)
    assert bad.problems and "is not named in sentences [5]" in bad.problems[0].message


def test_rule_claims_fill_attributed_sentences_the_model_missed_or_misattributed(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    doc = Document(seed_text)
    # the model credits sentence 14 ("..., said Chinese analysts.") to the outlet's own voice
    outlet_claim = {"e": [14], "s": "outlet", "t": "outlet", "a": "assertion", "v": None}
    g = ground(_wire(seed_answer, c=[outlet_claim]), doc)
    by_sentence = {c.evidence[0].sentence: c for c in g.claims}
    assert by_sentence[14].speaker == "Chinese analysts" and by_sentence[14].origin == "rules"
    assert by_sentence[14].speaker_type == "group"
    assert by_sentence[16].speaker_type == "anonymous"  # "... who asked for anonymity"
    assert by_sentence[20].speaker == "Cui Heng" and by_sentence[21].speaker == "Cui Heng"  # "he said"
    assert by_sentence[10].attribution == "direct"  # the sentence carries a quotation
    assert g.problems == []
    # the overridden model item stays on record
    overridden = [r for r in g.rejected() if r.item.get("e") == [14]]
    assert overridden and "credits 'Chinese analysts'" in overridden[0].reasons[0]
    assert all(doc.text[e.start:e.end] == e.text for c in g.claims for e in c.evidence)
    starts = [c.evidence[0].start for c in g.claims]
    assert starts == sorted(starts)


def test_rule_claims_keep_a_verified_model_claim_that_agrees() -> None:
    doc = Document("Analysts said the plan would fail. The plan was approved on Monday.")
    claim = {"e": [1], "s": "Analysts", "t": "group", "a": "indirect", "v": "said"}
    g = ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [2]}], c=[claim], s=[]), doc)
    assert [(c.speaker, c.origin) for c in g.claims] == [("Analysts", "model")]
    assert g.rejected() == []


def test_rule_claims_in_spanish_and_none_for_a_language_without_cues() -> None:
    doc = Document("El ministro dijo que el plan fracasará.", language="es")
    g = ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [1]}], c=[], s=[]), doc)
    assert [(c.speaker, c.speaker_type, c.cue, c.origin) for c in g.claims] == [
        ("El ministro", "anonymous", "dijo", "rules")]
    doc = Document("Der Minister sagte, der Plan werde scheitern.", language="de")
    g = ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [1]}], c=[], s=[]), doc)
    assert g.claims == []


def test_speaker_outlet_with_another_type_is_the_outlet_voice() -> None:
    doc = Document("Prices rose again in May. The bank meets on Thursday.", outlet="Wire")
    claim = {"e": [1], "s": "outlet", "t": "group", "a": "assertion", "v": None}
    g = ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [2]}], c=[claim], s=[]), doc)
    assert [(c.speaker, c.speaker_type) for c in g.claims] == [("Wire", "outlet")]


def test_a_speaker_that_is_a_piece_of_the_text_is_a_problem() -> None:
    """Seen on the 1.5B model: the quoted sentence itself given as the speaker."""
    doc = Document('"My daughter studies in the capital. Now I can visit her every weekend," '
                   "said Mirela Dobos, a market trader. Mendes said the review would be thorough.")
    for speaker, ids in [("My daughter studies in the capital.", [1]),
                         ('"Now I can visit her every weekend', [2]),
                         ("Mendes said the review would be", [3])]:
        claim = {"e": ids, "s": speaker, "t": "person", "a": "indirect", "v": "said"}
        g = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [2]}], c=[claim], s=[]), doc)
        assert [p.kind for p in g.problems] == ["claim"], speaker
        assert "piece of the article's text" in g.problems[0].message
    for speaker in ["Mirela Dobos", "Mirela Dobos, a market trader", "Acme Corp."]:
        claim = {"e": [2], "s": speaker, "t": "person", "a": "indirect", "v": "said"}
        g = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [2]}], c=[claim], s=[]), doc)
        assert not any("piece of the article's text" in p.message for p in g.problems), speaker


def test_repeated_stances_are_merged_with_all_their_evidence() -> None:
    doc = Document("Kim praised the treaty. Kim said the treaty would last. Lee opposed the treaty.")
    s = [{"h": "Kim", "t": "person", "g": "the treaty", "l": "favor", "e": [1]},
         {"h": "Kim", "t": "person", "g": "The treaty", "l": "favor", "e": [2]},
         {"h": "Kim", "t": "person", "g": "the treaty", "l": "favor", "e": [1]},
         {"h": "Lee", "t": "person", "g": "the treaty", "l": "against", "e": [3]}]
    g = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [1]}], c=[], s=s), doc)
    assert [(st.holder, st.label, [e.sentence for e in st.evidence]) for st in g.stances] == [
        ("Kim", "favor", [1, 2]), ("Lee", "against", [3])]


def test_stance_holder_fragments_and_category_targets_are_problems() -> None:
    """Seen on the 1.5B model: 'policy' as the target, a cut-off clause as the holder."""
    doc = Document("People who work night shifts may be at higher risk, a study found. "
                   "The governor backed the fuel tax. Critics opposed the fuel tax.")
    s = [{"h": "People who work night shifts may be", "t": "group", "g": "night shifts",
          "l": "against", "e": [1]},
         {"h": "The governor", "t": "person", "g": "policy", "l": "favor", "e": [2]},
         {"h": "Critics", "t": "group", "g": "the fuel tax", "l": "against", "e": [3]}]
    g = _ground(WireArticle(h="h", a="a", k=[{"x": "k", "e": [2]}], c=[], s=s), doc)
    assert [(p.index, "piece of the article's text" in p.message, "category word" in p.message)
            for p in g.problems] == [(0, True, False), (1, False, True)]
    assert [st.holder for st in g.stances] == ["Critics"]
