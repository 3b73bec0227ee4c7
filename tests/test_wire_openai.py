"""The real openai client + instructor against a real HTTP server on 127.0.0.1."""

import json
import time
from typing import Any

import pytest

from summarizer import OutputValidationError, ProviderError, Settings, Summarizer
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.testing import Reply, ScriptedServer


def _run(server: ScriptedServer, text: str, *, strict: bool = True, **backend: Any):  # type: ignore[no-untyped-def]
    opts = {"transport_retries": 2, "timeout_s": 5.0, **backend}
    b = OpenAIBackend(model="test-model", base_url=server.base_url, api_key="sk-test-PLANTED123456", **opts)
    with Summarizer(backend=b, settings=Settings(max_reasks=2), strict=strict) as s:
        return s.summarize(text)


def test_request_shape_tools_mode(seed_text: str, seed_answer: dict[str, Any]) -> None:
    with ScriptedServer([Reply(content=seed_answer)]) as srv:
        result = _run(srv, seed_text)
    req = srv.requests[0]
    assert req["model"] == "test-model"
    assert req["tool_choice"]["function"]["name"] == req["tools"][0]["function"]["name"]
    params = req["tools"][0]["function"]["parameters"]
    assert set(params["properties"]) == {"h", "a", "k"}  # the model writes only the summary
    assert [m["role"] for m in req["messages"]] == ["system", "user"]
    assert "<article" in req["messages"][0]["content"]  # the article is the shared prefix
    assert req["messages"][1]["content"].startswith("Summarise the article")
    assert req["temperature"] == 0.0 and req["max_tokens"] == 1024
    assert result.meta.mode == "tools" and result.meta.backend == "openai"
    assert result.check_offsets(seed_text) == []


def test_seed_evidence_slices_source_exactly(seed_text: str, seed_answer: dict[str, Any]) -> None:
    with ScriptedServer([Reply(content=seed_answer)]) as srv:
        result = _run(srv, seed_text)
    spans = [e for c in result.claims for e in c.evidence] + [e for s in result.stances for e in s.evidence]
    assert spans and all(seed_text[e.start : e.end] == e.text for e in spans)
    putin = next(c for c in result.claims if c.speaker == "Putin")
    assert "mutual assistance in case of aggression" in putin.evidence[0].text


def test_fabricated_then_corrected_is_one_reask(seed_text: str, seed_answer: dict[str, Any]) -> None:
    # a key point citing a sentence that does not state it ([13] is about future cooperation)
    wrong = {"x": "The treaty provides for mutual assistance in case of aggression.", "e": [13]}
    # (two key points: one verified, one short of the two a summary needs)
    fabricated = {**seed_answer, "k": [seed_answer["k"][0], wrong]}
    fixed = {"k": [{**wrong, "e": [10]}]}
    with ScriptedServer([Reply(content=fabricated), Reply(content=fixed)]) as srv:
        result = _run(srv, seed_text)
    assert len(srv.requests) == 2
    assert result.meta.attempts == 2 and result.meta.reasks == 1
    reask = srv.requests[1]["messages"]
    assert [m["role"] for m in reask] == ["system", "user", "user"]  # the answer is not echoed
    assert reask[:2] == srv.requests[0]["messages"]
    assert "sentences [13] do not state" in reask[-1]["content"]
    # the re-ask asks only for the failed part: (at least) one replacement key point
    params = srv.requests[1]["tools"][0]["function"]["parameters"]
    assert set(params["properties"]) == {"k"} and params["properties"]["k"]["minItems"] == 1
    assert [kp.evidence[0].sentence for kp in result.summary.key_points] == [8, 10]
    assert [r.kind for r in result.rejected] == ["key_point"]


def test_never_grounds_raises_documented_error(seed_text: str, seed_answer: dict[str, Any]) -> None:
    bad = {**seed_answer, "h": "Zorblax Quentin conquers the moon"}
    with ScriptedServer(default=Reply(content=bad)) as srv:
        with pytest.raises(OutputValidationError) as info:
            _run(srv, seed_text)
    assert len(srv.requests) == 3 and info.value.attempts == 3
    assert "Zorblax Quentin" in info.value.last_output
    assert info.value.reasons and all("headline" in r for r in info.value.reasons)
    # the re-asks ask for a new headline only (abstract and key points verified on attempt 1)
    for req in srv.requests[1:]:
        assert set(req["tools"][0]["function"]["parameters"]["properties"]) == {"h"}


def test_never_grounds_lenient_returns_rejected(seed_text: str, seed_answer: dict[str, Any]) -> None:
    bad = {**seed_answer, "h": "Zorblax Quentin conquers the moon"}
    with ScriptedServer(default=Reply(content=bad)) as srv:
        result = _run(srv, seed_text, strict=False)
    assert len(srv.requests) == 3
    assert result.summary.extractive and "Zorblax" not in result.summary.headline
    assert result.summary.key_points and result.check_offsets(seed_text) == []
    assert [r.kind for r in result.rejected] == ["headline"] * 3
    assert all("Zorblax" in r.item["text"] for r in result.rejected)
    assert result.claims  # who-said-what comes from the parse, whatever the model wrote


def test_429_with_retry_after_is_retried(seed_text: str, seed_answer: dict[str, Any]) -> None:
    replies = [Reply(status=429, headers={"Retry-After": "1"}), Reply(content=seed_answer)]
    with ScriptedServer(replies) as srv:
        started = time.perf_counter()
        result = _run(srv, seed_text)
        waited = time.perf_counter() - started
    assert len(srv.requests) == 2 and result.meta.attempts == 1
    assert waited >= 0.9  # honoured Retry-After: 1


def test_500_is_retried_then_provider_error_names_cause(seed_text: str) -> None:
    with ScriptedServer(default=Reply(status=500, headers={"Retry-After": "0"})) as srv:
        with pytest.raises(ProviderError) as info:
            _run(srv, seed_text, transport_retries=2, mode="tools")
    assert len(srv.requests) == 3  # first try + 2 transport retries
    err = info.value
    assert err.cause == "server_error" and err.status_code == 500 and err.retries == 2
    assert "server_error" in str(err) and "PLANTED" not in str(err)


def test_timeout_is_retried_then_provider_error(seed_text: str, seed_answer: dict[str, Any]) -> None:
    with ScriptedServer(default=Reply(content=seed_answer, delay_s=1.5)) as srv:
        with pytest.raises(ProviderError) as info:
            _run(srv, seed_text, transport_retries=1, timeout_s=0.3, mode="tools")
    assert info.value.cause == "timeout"
    assert len(srv.requests) == 2


def test_mode_ladder_falls_back_when_tools_are_refused(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def handler(body: dict[str, Any]) -> Reply:
        if "tools" in body:
            return Reply(status=400, body={"error": {"message": "tools are not supported"}})
        return Reply(content=seed_answer)

    with ScriptedServer(handler=handler) as srv:
        result = _run(srv, seed_text)
    assert result.meta.mode == "json"
    fmt = srv.requests[-1]["response_format"]
    assert fmt["type"] == "json_object" and "properties" in fmt["schema"]


def test_md_json_mode_parses_fenced_json(seed_text: str, seed_answer: dict[str, Any]) -> None:
    fenced = "Here you go:\n```json\n" + json.dumps(seed_answer) + "\n```"
    with ScriptedServer([Reply(content=fenced)]) as srv:
        result = _run(srv, seed_text, mode="md_json")
    assert result.meta.mode == "md_json"
    assert result.summary.headline == seed_answer["h"] and result.summary.abstract == seed_answer["a"]
    texts = [kp.text for kp in result.summary.key_points]
    assert len(texts) == len(seed_answer["k"])
    assert all(t.endswith(k["x"][1:]) for t, k in zip(texts, seed_answer["k"], strict=True))
    # a key point restating Putin's words gets its speaker back from the parse
    assert texts[1] == "According to Putin, the treaty provides for mutual assistance in case of aggression."
    assert "tools" not in srv.requests[0]


def test_usage_is_summed_over_reasks(seed_text: str, seed_answer: dict[str, Any]) -> None:
    bad = {**seed_answer, "k": [{"x": "x", "e": [500]}]}
    with ScriptedServer([Reply(content=bad), Reply(content=seed_answer)]) as srv:
        result = _run(srv, seed_text)
    assert len(srv.requests) == 2 and result.meta.reasks == 1
    # the scripted server reports 100 prompt tokens per call: the two summary calls plus the
    # stance-label calls (answered apart, in label_requests)
    assert result.meta.usage.prompt_tokens == 100 * (2 + len(srv.label_requests))


def test_contentless_summary_parts_are_not_verified(seed_text: str, seed_answer: dict[str, Any]) -> None:
    # "x" has no content word: nothing in it can be checked against the article, so it is
    # not verified (an empty word set used to count as fully supported)
    empty = {"h": "x", "a": "It is.", "k": [{"x": "-", "e": [8]}, *seed_answer["k"][1:]]}
    with ScriptedServer(default=Reply(content=empty)) as srv:
        result = _run(srv, seed_text, strict=False)
    assert {r.kind for r in result.rejected} == {"headline", "abstract", "key_point"}
    assert all("says nothing" in r.reasons[0] for r in result.rejected)
    assert result.summary.extractive and result.summary.headline != "x"
