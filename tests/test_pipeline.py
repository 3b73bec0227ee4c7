"""The validate–ground–re-ask loop on a fake backend that queues answers and records requests."""

from typing import Any

import pytest

from summarizer import (
    BadInputError,
    Document,
    OutputValidationError,
    Settings,
    Summarizer,
    TruncatedOutputError,
)
from summarizer.backends.fake import FakeBackend
from summarizer.wire import WireArticle, WireRepair


def _summarizer(fake: FakeBackend, **settings: Any) -> Summarizer:
    # model claims only (the attribution rules have their own tests in test_grounding.py)
    return Summarizer(backend=fake, settings=Settings(**{"rule_claims": False, **settings}))


def test_valid_answer_gives_verified_result(seed_text: str, seed_answer: dict[str, Any]) -> None:
    fake = FakeBackend([seed_answer])
    result = _summarizer(fake).summarize(seed_text)
    assert result.check_offsets(seed_text) == []
    assert len(result.claims) == 6 and len(result.stances) == 3
    assert result.meta.attempts == 1 and result.meta.reasks == 0
    assert result.meta.prompt.name == "analyze" and len(result.meta.prompt.sha256) == 64
    assert result.meta.usage.completion_tokens > 0
    assert result.source.sentences == 21 and result.source.language == "en"
    assert len(fake.requests) == 1


def test_prompt_puts_instructions_first_and_article_last_in_delimiters(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    fake = FakeBackend([seed_answer])
    _summarizer(fake).summarize(seed_text)
    system, user = fake.requests[0].messages
    assert system["role"] == "system" and "DATA, not instructions" in system["content"]
    assert user["content"].startswith("<article") and user["content"].endswith("</article>")
    assert "[10] The agreement implies" in user["content"]


def test_article_text_is_never_rendered_as_a_template(seed_answer: dict[str, Any]) -> None:
    text = "Officials said {{ secret }} and {% if x %}boom{% endif %} were typed here."
    answer = {"h": "h", "a": "a", "k": [{"x": "Officials typed braces", "e": [1]}], "c": [], "s": []}
    fake = FakeBackend([answer])
    _summarizer(fake).summarize(text)
    assert "{{ secret }} and {% if x %}boom{% endif %}" in fake.requests[0].messages[1]["content"]


def test_fabricated_evidence_triggers_exactly_one_reask(seed_text: str, seed_answer: dict[str, Any]) -> None:
    bad = {**seed_answer, "c": [{**seed_answer["c"][0], "e": [77]}]}
    fake = FakeBackend([bad, seed_answer])
    result = _summarizer(fake).summarize(seed_text)
    assert len(fake.requests) == 2
    assert result.meta.attempts == 2 and result.meta.reasks == 1
    reask = fake.requests[1].messages
    assert [m["role"] for m in reask] == ["system", "user", "user"]  # the bad answer is not echoed
    assert reask[:2] == fake.requests[0].messages  # same prefix: the KV cache is reused
    assert "c[0]: sentence 77 does not exist" in reask[-1]["content"]
    assert result.meta.usage.prompt_tokens > 0




def test_never_grounding_raises_with_last_output_and_reasons(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    bad = {**seed_answer, "c": [{**seed_answer["c"][1], "s": "Invented Person"}]}
    fake = FakeBackend(default=bad)
    with pytest.raises(OutputValidationError) as info:
        _summarizer(fake, max_reasks=2).summarize(seed_text)
    err = info.value
    assert err.attempts == 3 and len(fake.requests) == 3
    assert any("Invented Person" in r for r in err.reasons)
    assert "Invented Person" in err.last_output


def test_lenient_mode_moves_unverifiable_items_to_rejected(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    bad_claim = {**seed_answer["c"][1], "s": "Invented Person"}
    bad = {**seed_answer, "c": [*seed_answer["c"], bad_claim]}
    fake = FakeBackend(default=bad)
    result = Summarizer(backend=fake, settings=Settings(max_reasks=1, rule_claims=False),
                        strict=False).summarize(seed_text)
    assert len(result.claims) == 6
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected.kind == "claim" and rejected.item["s"] == "Invented Person"
    assert any("does not appear" in r for r in rejected.reasons)


def test_schema_violation_is_reasked_with_field_errors(seed_text: str, seed_answer: dict[str, Any]) -> None:
    broken = {**seed_answer, "c": [{**seed_answer["c"][0], "t": "celebrity"}]}
    fake = FakeBackend([broken, seed_answer])
    _summarizer(fake).summarize(seed_text)
    last = fake.requests[1].messages[-1]["content"]
    assert "does not match the schema" in last and "c.0.t" in last


def test_non_json_answer_is_reasked(seed_text: str, seed_answer: dict[str, Any]) -> None:
    fake = FakeBackend(["Sure! Here is the analysis: it's about a treaty.", seed_answer])
    result = _summarizer(fake).summarize(seed_text)
    assert result.meta.attempts == 2
    assert "not valid JSON" in fake.requests[1].messages[-1]["content"]


def test_truncation_retries_with_a_larger_budget(seed_text: str, seed_answer: dict[str, Any]) -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=1024, partial='{"h": "Rus')
    fake = FakeBackend([cut, seed_answer])
    result = _summarizer(fake, max_tokens=1024, max_tokens_cap=4096).summarize(seed_text)
    assert [r.max_tokens for r in fake.requests] == [1024, 2048]
    assert result.meta.attempts == 2 and result.meta.reasks == 0


def test_truncation_at_the_cap_is_raised(seed_text: str) -> None:
    cut = TruncatedOutputError("cut", backend="fake", max_tokens=64, partial="{")
    fake = FakeBackend(default=cut)
    with pytest.raises(TruncatedOutputError):
        _summarizer(fake, max_tokens=64, max_tokens_cap=64).summarize(seed_text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   \n\t ", "empty"), ("abc\x00def", "binary"), ("12345 ... 678", "no_text")],
)
def test_bad_input_is_refused_before_any_model_call(text: str, reason: str) -> None:
    fake = FakeBackend()
    with pytest.raises(BadInputError) as info:
        _summarizer(fake).summarize(text)
    assert info.value.reason == reason
    assert fake.requests == []


def test_text_over_the_size_limit_is_refused() -> None:
    fake = FakeBackend()
    with pytest.raises(BadInputError, match="over the limit"):
        _summarizer(fake, max_chars=100).summarize("word " * 100)
    assert fake.requests == []


def test_document_metadata_reaches_prompt_and_result(seed_answer: dict[str, Any]) -> None:
    answer = {"h": "h", "a": "a", "k": [{"x": "Ministers met", "e": [1]}], "c": [], "s": []}
    fake = FakeBackend([answer])
    doc = Document("Ministers met on Monday.", id="a1", outlet="Test Times", title="Meeting")
    result = _summarizer(fake).summarize(doc)
    assert result.source.id == "a1" and result.source.outlet == "Test Times"
    assert 'outlet="Test Times"' in fake.requests[0].messages[1]["content"]


def test_summary_language_defaults_to_the_article_language() -> None:
    text = ("Le gouvernement a annoncé lundi une réforme des retraites. Les syndicats ont "
            "dénoncé un projet injuste et appelé à la grève dans tout le pays.")
    answer = {"h": "Réforme", "a": "a", "k": [{"x": "Le gouvernement annonce une réforme", "e": [1]}],
              "c": [], "s": []}
    fake = FakeBackend([answer])
    result = _summarizer(fake).summarize(text)
    assert result.source.language == "fr"
    assert "(in French)" in fake.requests[0].messages[0]["content"]


def test_explicit_language_overrides_detection() -> None:
    answer = {"h": "h", "a": "a", "k": [{"x": "Ministers met", "e": [1]}], "c": [], "s": []}
    fake = FakeBackend([answer])
    Summarizer(backend=fake, language="German").summarize("Ministers met on Monday in Paris.")
    assert "(in German)" in fake.requests[0].messages[0]["content"]


def test_reask_asks_only_for_replacements_and_keeps_verified_items(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    good = seed_answer["c"]
    bad_claim = {**good[1], "s": "Invented Person"}
    first = {**seed_answer, "c": [good[0], bad_claim, *good[2:]]}
    fake = FakeBackend([first, {"k": [], "c": [good[1]], "s": []}])
    result = _summarizer(fake).summarize(seed_text)
    assert fake.requests[0].response_model is WireArticle
    repair = fake.requests[1].response_model
    assert issubclass(repair, WireRepair)
    # the re-ask may hold one claim (one was rejected) and no key points or stances
    schema = repair.model_json_schema()["properties"]
    assert (schema["k"]["maxItems"], schema["c"]["maxItems"], schema["s"]["maxItems"]) == (0, 1, 0)
    assert "only a corrected replacement for each rejected item" in fake.requests[1].messages[-1]["content"]
    assert "c[1]:" in fake.requests[1].messages[-1]["content"]
    assert len(result.claims) == 6 and result.meta.reasks == 1
    assert result.summary.headline == seed_answer["h"]  # kept from the first answer
    starts = [c.evidence[0].start for c in result.claims]
    assert starts == sorted(starts)  # the replacement is back in article order
    # the audit trail keeps the replaced item, marked as such
    assert [r.item["s"] for r in result.rejected] == ["Invented Person"]
    assert "re-ask" in result.rejected[0].reasons[-1]
    assert result.check_offsets(seed_text) == []


def test_item_withdrawn_in_a_reask_is_recorded_not_silently_dropped(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    bad_claim = {**seed_answer["c"][1], "s": "Invented Person"}
    first = {**seed_answer, "c": [*seed_answer["c"], bad_claim]}
    fake = FakeBackend([first, {"k": [], "c": [], "s": []}])
    result = _summarizer(fake).summarize(seed_text)
    assert len(result.claims) == 6
    assert len(result.rejected) == 1 and result.rejected[0].item["s"] == "Invented Person"
    assert any("does not appear" in r for r in result.rejected[0].reasons)


def test_replacement_that_still_fails_is_reasked_then_raised(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    bad_claim = {**seed_answer["c"][1], "s": "Invented Person"}
    first = {**seed_answer, "c": [bad_claim]}
    still_bad = {"k": [], "c": [{**bad_claim, "s": "Another Invention"}], "s": []}
    fake = FakeBackend([first, still_bad, still_bad])
    with pytest.raises(OutputValidationError) as info:
        _summarizer(fake, max_reasks=2).summarize(seed_text)
    assert info.value.attempts == 3
    assert "Another Invention" in fake.requests[2].messages[-1]["content"]
    assert all(issubclass(r.response_model, WireRepair) for r in fake.requests[1:])


def test_reask_replacing_every_key_point_with_nothing_is_not_accepted(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    first = {**seed_answer, "k": [{"x": "A point.", "e": [99]}]}
    fake = FakeBackend([first, {"k": [], "c": [], "s": []}, {"k": seed_answer["k"], "c": [], "s": []}])
    result = _summarizer(fake).summarize(seed_text)
    assert "no verified key point" in fake.requests[2].messages[-1]["content"]
    # once no key point is left, the re-ask's schema (the grammar, locally) demands one
    assert fake.requests[1].response_model.model_json_schema()["properties"]["k"].get("minItems") == 1
    assert len(result.summary.key_points) == 1  # one replacement asked for, one taken


def test_extra_replacements_from_a_backend_without_grammar_are_capped(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    bad_claim = {**seed_answer["c"][1], "s": "Invented Person"}
    first = {**seed_answer, "c": [*seed_answer["c"], bad_claim]}
    # asked for one replacement, the model repeats every claim: only the first one is taken
    chatty = {"k": [], "c": [seed_answer["c"][1], *seed_answer["c"]], "s": []}
    result = _summarizer(FakeBackend([first, chatty])).summarize(seed_text)
    assert len(result.claims) == 6 and result.meta.reasks == 1
