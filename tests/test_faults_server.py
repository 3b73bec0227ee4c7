"""The fault-injection server: every fault kind, determinism by seed, counts, and the
pipeline surviving a mix of faults through the real openai client."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import openai
import pytest

from summarizer import Settings, Summarizer, SummarizerError
from summarizer.analysis.summary import SummaryTask
from summarizer.llm.backends.base import Completion, parse_json_object
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.core.document import Document
from summarizer.llm.ask import Verdict
from summarizer.core.models import Summary
from summarizer.llm.prompts import load_prompt
from summarizer.testing.faults import FAULT_KINDS, FaultServer, grounded_answer


def _article(i: int) -> str:
    return (
        f"City council approves budget number {i}.\n\n"
        f"The council voted on Tuesday to approve the budget for district {i}. "
        f'Mayor Ana Ruiz said "the budget protects the libraries of district {i}." '
        f"Opposition leader Tomas Berg warned that taxes would rise by {i % 7 + 2} percent. "
        "The vote was eight to three."
    )


def _task(text: str) -> SummaryTask:
    return SummaryTask(load_prompt("summary"), Document(text=text), language="English")


def _body(text: str) -> dict[str, Any]:
    """The summary prompt the pipeline sends for ``text``."""
    return {"model": "m", "messages": _task(text).first_request(1024).messages}


def _verdict(text: str, content: str) -> Verdict[Summary]:
    """What the pipeline's summary check makes of an answer."""
    data, error = parse_json_object(content)
    return _task(text).check(Completion(text=content, data=data, parse_error=error))


def _post(server: FaultServer, body: dict[str, Any], timeout_s: float = 2.0) -> httpx.Response:
    return httpx.post(server.base_url + "/chat/completions", json=body, timeout=timeout_s)


def _content(resp: httpx.Response) -> tuple[str, str]:
    choice = resp.json()["choices"][0]
    return choice["message"]["content"], choice["finish_reason"]


def test_valid_answer_grounds_against_the_article() -> None:
    text = _article(3)
    with FaultServer() as srv:
        resp = _post(srv, _body(text))
    content, finish = _content(resp)
    assert finish == "stop"
    verdict = _verdict(text, content)
    assert verdict.ok and verdict.value is not None, verdict.problems
    doc = Document(text=text)
    assert verdict.value.headline == doc.sentences[0].text  # the article's own first line
    assert [[e.sentence for e in kp.evidence] for kp in verdict.value.key_points] == [[1], [2], [3]]
    assert all(kp.evidence[0].text == doc.sentences[kp.evidence[0].sentence - 1].text
               for kp in verdict.value.key_points)
    assert srv.answered == 1 and srv.total_injected == 0


def test_rate_limit_sends_retry_after() -> None:
    with FaultServer(rates={"rate_limit": 1.0}, retry_after_s=0.25) as srv:
        resp = _post(srv, _body(_article(1)))
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "0.25"
    assert srv.injected == Counter(rate_limit=1)


def test_server_errors_use_5xx_statuses() -> None:
    with FaultServer(rates={"server_error": 1.0}, seed=3) as srv:
        statuses = {_post(srv, _body(_article(i))).status_code for i in range(12)}
    assert statuses <= {500, 502, 503} and len(statuses) >= 2
    assert srv.injected["server_error"] == 12


def test_reset_closes_the_connection_without_an_answer() -> None:
    with FaultServer(rates={"reset": 1.0}) as srv, pytest.raises(httpx.TransportError):
        _post(srv, _body(_article(1)))
    assert srv.injected["reset"] == 1


def test_stall_outlasts_the_client_timeout() -> None:
    with FaultServer(rates={"stall": 1.0}, stall_s=1.0) as srv, pytest.raises(httpx.ReadTimeout):
        _post(srv, _body(_article(1)), timeout_s=0.2)
    assert srv.injected["stall"] == 1


def test_malformed_schema_break_truncated_and_ungrounded_answers() -> None:
    text = _article(2)
    with FaultServer(rates={"malformed_json": 1.0}) as srv:
        content, _ = _content(_post(srv, _body(text)))
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)
    with FaultServer(rates={"schema_break": 1.0}) as srv:
        content, _ = _content(_post(srv, _body(text)))
    assert isinstance(json.loads(content), dict)
    assert any("does not match the schema" in p for p in _verdict(text, content).problems)
    with FaultServer(rates={"truncated": 1.0}) as srv:
        content, finish = _content(_post(srv, _body(text)))
    assert finish == "length"
    assert json.dumps(grounded_answer(_body(text))).startswith(content)
    with FaultServer(rates={"ungrounded": 1.0}) as srv:
        content, _ = _content(_post(srv, _body(text)))
    verdict = _verdict(text, content)
    messages = " ".join(verdict.problems)
    assert not verdict.ok
    assert "does not exist" in messages  # a key point citing an unknown sentence id
    assert "the headline says things the article does not state" in messages


def test_draws_are_deterministic_by_seed_and_follow_the_rates() -> None:
    rates = {kind: 0.025 for kind in FAULT_KINDS}  # 20% in all
    bodies = [_body(_article(i)) for i in range(2000)]
    a, b, c = FaultServer(rates=rates, seed=1), FaultServer(rates=rates, seed=1), FaultServer(rates=rates, seed=2)
    draws_a = [a.draw(x) for x in bodies]
    assert draws_a == [b.draw(x) for x in bodies]
    assert draws_a != [c.draw(x) for x in bodies]
    counts = Counter(draws_a)
    assert 0.16 < (2000 - counts[None]) / 2000 < 0.24
    assert set(counts) == set(FAULT_KINDS) | {None}
    # a repeated request (a retry) gets a fresh draw, not the same fault forever
    same = FaultServer(rates={"server_error": 0.5}, seed=0)
    assert len({same.draw(bodies[0]) for _ in range(20)}) == 2


def test_rates_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultServer(rates={"meteor": 0.1})
    with pytest.raises(ValueError, match="sum to at most 1"):
        FaultServer(rates={"reset": 0.7, "stall": 0.6})


@pytest.mark.slow
def test_pipeline_survives_a_mix_of_faults() -> None:
    rates = {kind: 0.05 for kind in FAULT_KINDS}  # 40% of requests faulted
    outcomes: Counter[str] = Counter()
    with (
        FaultServer(rates=rates, seed=11, stall_s=1.0, retry_after_s=0.01) as srv,
        openai.OpenAI(base_url=srv.base_url, api_key="sk-test-PLANTED123456", timeout=0.3,
                      max_retries=3) as client,
    ):
        backend = OpenAIBackend(model="m", mode="tools", client=client, transport_retries=3)
        s = Summarizer(backend=backend, settings=Settings(max_reasks=2))
        for i in range(20):
            text = _article(i)
            try:
                result = s.summarize(text)
            except SummarizerError as exc:  # anything else is a bug
                outcomes[type(exc).__name__] += 1
                continue
            assert result.check_offsets(text) == []
            outcomes["ok"] += 1
    assert srv.total_injected >= 5
    assert len(srv.injected) >= 4, srv.injected
    assert outcomes["ok"] >= 17, outcomes
    assert sum(outcomes.values()) == 20
