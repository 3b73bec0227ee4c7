"""summarize_many / asummarize_many: order, per-item errors, accounting, bounds, cancellation."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from summarizer import Document, Summarizer, asummarize_many, summarize_many
from summarizer.llm.backends.base import CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.core.errors import ProviderError
from summarizer.llm.ask import AttemptRecord
from summarizer.core.settings import Settings
from summarizer.store import Store


def _articles(seed_text: str, n: int) -> list[Document]:
    # language preset: no detection CPU, so timing-based tests measure only the concurrency
    return [Document(text=f"{seed_text}\n\nReference number {i}.", id=f"doc-{i}", language="en")
            for i in range(n)]


def _ref(request: CompletionRequest) -> int:
    """The article number a request is about (from its last sentence; the numbered article
    is in the system message, the shared prefix of the summary prompt)."""
    user = request.messages[0]["content"]
    return int(user.split("Reference number ")[1].split(".")[0])


def test_results_in_input_order_despite_completion_order(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> dict[str, Any]:
        time.sleep(0.002 * (10 - _ref(request)))  # early items finish last
        return seed_answer

    finished: list[str] = []
    main = threading.get_ident()
    threads: set[int] = set()

    def on_result(result: Any) -> None:
        finished.append(result.id)
        threads.add(threading.get_ident())

    s = Summarizer(backend=FakeBackend(default=answer))
    results = summarize_many(_articles(seed_text, 10), summarizer=s, concurrency=10, on_result=on_result)
    assert [r.id for r in results] == [f"doc-{i}" for i in range(10)]
    assert [r.index for r in results] == list(range(10))
    assert all(r.ok and r.analysis and r.analysis.source.id == r.id for r in results)
    assert sorted(finished) == sorted(r.id for r in results) and finished != [r.id for r in results]
    assert threads == {main}  # callbacks run on the calling thread


def test_failing_items_do_not_take_the_batch_down(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> dict[str, Any]:
        if _ref(request) == 1:
            raise ProviderError("HTTP 503 from upstream", backend="fake", cause="server_error", status_code=503)
        if _ref(request) == 2:
            return {**seed_answer, "k": [{"x": "Invented point.", "e": [999]}]}
        return seed_answer

    items: list[Any] = _articles(seed_text, 4) + ["   ", Path("/nonexistent/article.txt")]
    s = Summarizer(backend=FakeBackend(default=answer))
    results = summarize_many(items, summarizer=s, concurrency=3)
    assert [r.ok for r in results] == [True, False, False, True, False, False]
    provider, invalid, empty, missing = (results[i].error for i in (1, 2, 4, 5))
    assert provider and (provider.error, provider.cause, provider.status_code) == ("ProviderError", "server_error", 503)
    assert invalid and invalid.error == "OutputValidationError" and invalid.attempts == 3 and invalid.reasons
    assert empty and (empty.error, empty.reason) == ("BadInputError", "empty")
    assert missing and (missing.error, missing.reason) == ("BadInputError", "unreadable")
    assert results[4].id == "4" and results[5].id == "article"
    assert results[4].calls == 0 and results[4].usage.total_tokens == 0


def test_accounting_counts_failed_attempts(seed_text: str, seed_answer: dict[str, Any]) -> None:
    seen: list[AttemptRecord] = []
    bad = {**seed_answer, "k": [{"x": "Invented point.", "e": [999]}]}
    # the regex rules, no parse: no stance labels are scored, every call is a summary call
    s = Summarizer(backend=FakeBackend([bad, bad, bad, bad, seed_answer]), on_call=seen.append,
                   settings=Settings(parser="off"))
    failed, ok = summarize_many(_articles(seed_text, 2), summarizer=s, concurrency=1)
    assert not failed.ok and failed.calls == 3
    assert failed.usage.prompt_tokens == sum(r.usage.prompt_tokens for r in seen[:3]) > 0
    assert failed.usage.completion_tokens == sum(r.usage.completion_tokens for r in seen[:3]) > 0
    assert ok.ok and ok.calls == 2 and ok.analysis is not None
    assert ok.usage == ok.analysis.meta.usage  # the re-ask is in both
    assert failed.cost_usd == 0.0  # the fake backend is free
    assert s.on_call == seen.append  # the batch's accounting hook is removed afterwards
    assert len(seen) == 5


def test_concurrency_is_bounded(seed_text: str, seed_answer: dict[str, Any]) -> None:
    lock = threading.Lock()
    running = peak = 0

    def answer(request: CompletionRequest) -> dict[str, Any]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.15)
        with lock:
            running -= 1
        return seed_answer

    # The regex rules instead of the spaCy parse: the parse is CPU work under the GIL before
    # each model call, which on a small machine staggers the calls so they seldom overlap 3-deep.
    s = Summarizer(backend=FakeBackend(default=answer), settings=Settings(parser="off"))
    results = summarize_many(_articles(seed_text, 9), summarizer=s, concurrency=3)
    assert all(r.ok for r in results) and peak == 3


def test_label_scoring_calls_are_accounted_like_summary_calls(seed_text: str, seed_answer: dict[str, Any]) -> None:
    seen: list[AttemptRecord] = []
    s = Summarizer(backend=FakeBackend(default=seed_answer), on_call=seen.append)
    (item,) = summarize_many(_articles(seed_text, 1), summarizer=s)
    assert item.ok and item.analysis is not None
    assert item.usage == item.analysis.meta.usage == sum((r.usage for r in seen), start=type(item.usage)())


def test_cache_hits_cost_nothing(seed_text: str, seed_answer: dict[str, Any], tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    fake = FakeBackend(default=seed_answer)
    s = Summarizer(backend=fake, cache=store, on_call=store.log_call)
    summarize_many(_articles(seed_text, 5), summarizer=s)
    again = summarize_many(_articles(seed_text, 5), summarizer=s)
    logged = store.calls()
    assert len(fake.requests) == 5 and len([c for c in logged if c.prompt_name == "summary"]) == 5
    # the label-scoring calls of the first pass are logged too; the cached pass adds none
    assert len(logged) == 5 + len(fake.choice_requests) > 5
    assert all(r.cached and r.calls == 0 and r.usage.total_tokens == 0 for r in again)


def test_interrupt_stops_starting_new_items(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> dict[str, Any]:
        time.sleep(0.02)
        return seed_answer

    fake = FakeBackend(default=answer)
    got: list[str] = []

    def on_result(result: Any) -> None:
        got.append(result.id)
        if len(got) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        summarize_many(_articles(seed_text, 40), summarizer=Summarizer(backend=fake), concurrency=2,
                       on_result=on_result)
    time.sleep(0.1)  # let in-flight items end
    assert len(got) == 3 and len(fake.requests) <= 6


def test_bad_arguments(seed_text: str) -> None:
    s = Summarizer(backend=FakeBackend())
    with pytest.raises(ValueError, match="concurrency"):
        summarize_many([seed_text], summarizer=s, concurrency=0)
    with pytest.raises(ValueError, match="ids"):
        summarize_many([seed_text], summarizer=s, ids=["a", "b"])
    assert summarize_many([], summarizer=s) == []


async def test_async_order_and_async_callback(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> dict[str, Any]:
        time.sleep(0.002 * (8 - _ref(request)))
        return seed_answer

    seen: list[str] = []

    async def on_result(result: Any) -> None:
        await asyncio.sleep(0)
        seen.append(result.id)

    s = Summarizer(backend=FakeBackend(default=answer))
    results = await asummarize_many(_articles(seed_text, 8), summarizer=s, concurrency=8, on_result=on_result)
    assert [r.id for r in results] == [f"doc-{i}" for i in range(8)] and all(r.ok for r in results)
    assert sorted(seen) == sorted(r.id for r in results)


async def test_async_concurrency_above_default_executor(seed_text: str, seed_answer: dict[str, Any]) -> None:
    """At concurrency 16, 16 calls are in flight at once (the loop's default pool has
    min(32, cpus + 4) threads: 6 here). Every call waits at a 16-party barrier, which breaks
    (and fails the call) unless all 16 are running together; no wall-clock bound."""
    barrier = threading.Barrier(16, timeout=30)

    def answer(request: CompletionRequest) -> dict[str, Any]:
        barrier.wait()
        return seed_answer

    s = Summarizer(backend=FakeBackend(default=answer))
    results = await asummarize_many(_articles(seed_text, 16), summarizer=s, concurrency=16)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]


async def test_async_cancellation(seed_text: str, seed_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> dict[str, Any]:
        time.sleep(0.02)
        return seed_answer

    fake = FakeBackend(default=answer)
    got: list[str] = []
    task = asyncio.ensure_future(
        asummarize_many(_articles(seed_text, 40), summarizer=Summarizer(backend=fake), concurrency=2,
                        on_result=lambda r: got.append(r.id))
    )
    while len(got) < 2:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.1)
    assert len(fake.requests) <= 6 and len(got) <= 4
