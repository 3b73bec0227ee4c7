"""``finish_reason="length"`` is its own error, never parsed into defaults; the pipeline retries
with a doubled output budget up to ``max_tokens_cap``. Real openai client, loopback server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from summarizer import Settings, Summarizer, TruncatedOutputError
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.llm.ask import AttemptRecord
from summarizer.testing import Reply, ScriptedServer


def _summarizer(server: ScriptedServer, *, mode: str = "auto", strict: bool = True,
                calls: list[AttemptRecord] | None = None, **settings: Any) -> Summarizer:
    backend = OpenAIBackend(model="m", base_url=server.base_url, api_key="sk-test-PLANTED123456",
                            mode=mode, transport_retries=0, timeout_s=5.0)
    return Summarizer(backend=backend, settings=Settings(**settings), strict=strict,
                      on_call=calls.append if calls is not None else None)


@pytest.mark.parametrize("mode", ["tools", "json", "md_json"])
def test_complete_looking_answer_cut_at_length_is_not_accepted(
    mode: str, seed_text: str, seed_answer: dict[str, Any]
) -> None:
    # The cut answer even parses as valid JSON: it must still be refused, not used.
    # both headlines are supported by the article (so only the cut decides which is used)
    cut = {**seed_answer, "h": "Chinese experts say Russia and North Korea become closer partners"}
    fine = {**seed_answer, "h": "Putin visits Pyongyang and signs a partnership agreement"}
    content_cut, content_fine = json.dumps(cut), json.dumps(fine)
    if mode == "md_json":
        content_cut, content_fine = f"```json\n{content_cut}\n```", f"```json\n{content_fine}\n```"
    calls: list[AttemptRecord] = []
    replies = [Reply(content=content_cut, finish_reason="length"), Reply(content=content_fine)]
    with ScriptedServer(replies) as srv:
        result = _summarizer(srv, mode=mode, calls=calls).summarize(seed_text)
    assert result.summary.headline == fine["h"]
    assert [r["max_tokens"] for r in srv.requests] == [1024, 2048]
    assert [c.outcome for c in calls if c.prompt.name == "summary"] == ["truncated", "ok"]
    assert result.meta.attempts == 2 and result.meta.reasks == 0
    # the retry is a fresh request, not a re-ask quoting the cut output
    assert srv.requests[1]["messages"] == srv.requests[0]["messages"]


def test_budget_doubles_up_to_the_cap_then_raises(seed_text: str) -> None:
    partial = '{"h": "Russia and North Korea sign", "a": "Putin and'
    with (
        ScriptedServer(default=Reply(content=partial, finish_reason="length")) as srv,
        pytest.raises(TruncatedOutputError) as info,
    ):
        _summarizer(srv, strict=False, max_tokens=1024, max_tokens_cap=4096).summarize(seed_text)
    assert [r["max_tokens"] for r in srv.requests] == [1024, 2048, 4096]
    err = info.value
    assert err.max_tokens == 4096 and err.cause == "truncated"
    assert err.partial == partial
    assert "max_tokens=4096" in str(err)


def test_no_retry_when_the_budget_is_already_at_the_cap(seed_text: str) -> None:
    with (
        ScriptedServer(default=Reply(content='{"h": "x"', finish_reason="length")) as srv,
        pytest.raises(TruncatedOutputError),
    ):
        _summarizer(srv, max_tokens=2048, max_tokens_cap=2048).summarize(seed_text)
    assert [r["max_tokens"] for r in srv.requests] == [2048]


def test_budget_is_capped_not_overshot(seed_text: str, seed_answer: dict[str, Any]) -> None:
    replies = [Reply(content='{"h": "x"', finish_reason="length"), Reply(content=seed_answer)]
    with ScriptedServer(replies) as srv:
        _summarizer(srv, max_tokens=1500, max_tokens_cap=2000).summarize(seed_text)
    assert [r["max_tokens"] for r in srv.requests] == [1500, 2000]


def test_truncation_does_not_use_up_the_reask_budget(
    seed_text: str, seed_answer: dict[str, Any]
) -> None:
    ungrounded = {**seed_answer, "k": [{"x": "Nothing.", "e": [999]}]}
    replies = [
        Reply(content=ungrounded),                      # attempt 1: re-ask
        Reply(content='{"h": "x"', finish_reason="length"),  # attempt 2: truncated, retry bigger
        Reply(content=seed_answer),                     # attempt 3: ok
    ]
    with ScriptedServer(replies) as srv:
        result = _summarizer(srv, max_reasks=1).summarize(seed_text)
    assert result.meta.attempts == 3 and result.meta.reasks == 1
    assert [r["max_tokens"] for r in srv.requests] == [1024, 1024, 2048]
