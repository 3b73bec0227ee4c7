"""Many articles at once: bounded concurrency, results in input order, one result per item.

:func:`summarize_many` (threads) and :func:`asummarize_many` (asyncio) run one
:class:`~summarizer.pipeline.Summarizer` over many articles. Each item ends as an
:class:`ItemResult` holding either the analysis or a description of the error
(:class:`ItemError`): a failing article never takes the batch down. Every result also
records the model calls, tokens and cost it spent *in this run* — including calls that ended
in a re-ask or an error, and zero for cache hits — so batch totals add up.

Model calls are blocking (the ``openai`` client, llama.cpp), so both functions run them on
worker threads; the network wait releases the GIL, so throughput scales with ``concurrency``
until the server or the CPU is the bound (see ``benchmarks/batch_overhead.py``).

Example:
    >>> from summarizer import Settings, Summarizer, summarize_many
    >>> s = Summarizer(settings=Settings(no_model=True))  # or a model: Settings(base_url=...)
    >>> results = summarize_many(["The minister said the plan would pass.", "   "],
    ...                          summarizer=s, concurrency=8)
    >>> [(r.ok, r.error.reason if r.error else None) for r in results]
    [(True, None), (False, 'empty')]
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..core.document import Document
from ..core.errors import describe
from ..core.inputs import read_document
from ..core.models import ArticleAnalysis, Usage
from ..core.pricing import cost_usd
from ..core.settings import Settings
from ..llm.ask import AttemptRecord, CallObserver
from ..pipeline import Summarizer

__all__ = ["BatchItem", "ItemError", "ItemResult", "asummarize_many", "summarize_many"]

BatchItem = str | Document | Path
"""An article: its text, a :class:`~summarizer.core.document.Document`, or a file to read."""

ResultCallback = Callable[["ItemResult"], object]


class ItemError(BaseModel):
    """Why one item failed, as JSON-safe data.

    Attributes:
        error: the exception class (``OutputValidationError``, ``ProviderError``, ...).
        message: its one-line message (API keys redacted).
        reason: :attr:`BadInputError.reason <summarizer.core.errors.BadInputError>`, when bad input.
        cause / status_code: :class:`~summarizer.core.errors.ProviderError` details.
        attempts / reasons: model calls made and the last problems sent back to the model
            (:class:`~summarizer.core.errors.OutputValidationError`).
    """

    model_config = ConfigDict(extra="forbid")

    error: str
    message: str
    reason: str | None = None
    cause: str | None = None
    status_code: int | None = None
    attempts: int | None = None
    reasons: list[str] = Field(default_factory=list)

    @classmethod
    def from_exception(cls, exc: BaseException) -> ItemError:
        data = describe(exc)
        return cls(
            error=data["error"],
            message=data["message"],
            reason=data.get("reason"),
            cause=data.get("cause"),
            status_code=data.get("status_code"),
            attempts=data.get("attempts"),
            reasons=[str(r) for r in data.get("reasons") or []],
        )


class ItemResult(BaseModel):
    """The outcome of one batch item: exactly one of ``analysis`` and ``error`` is set.

    Attributes:
        index: position in the input.
        id: the item's id (given, the document's, the file stem, or the index).
        calls: model calls made for this item in this run (0 for a cache hit or bad input).
        usage / cost_usd: tokens and cost of those calls, failed attempts included;
            ``cost_usd`` is ``None`` when the model's price is unknown.
        latency_s: wall time spent on the item.
    """

    model_config = ConfigDict(extra="forbid")

    index: int
    id: str
    analysis: ArticleAnalysis | None = None
    error: ItemError | None = None
    calls: int = 0
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = 0.0
    latency_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.analysis is not None

    @property
    def cached(self) -> bool:
        return self.analysis is not None and self.analysis.meta.cached


# -- per-item accounting --------------------------------------------------------------------


@dataclass
class _Tally:
    """Model calls made on behalf of the item running in the current context."""

    records: list[AttemptRecord] = field(default_factory=list)

    def usage(self) -> Usage:
        total = Usage()
        for record in self.records:
            total = total + record.usage
        return total

    def cost(self) -> float | None:
        total = 0.0
        for record in self.records:
            cost = cost_usd(record.backend, record.model, record.usage)
            if cost is None:
                return None
            total += cost
        return round(total, 8)


_CURRENT: contextvars.ContextVar[_Tally | None] = contextvars.ContextVar(
    "summarizer_batch_tally", default=None
)


class _TallyObserver:
    """Wraps a Summarizer's ``on_call``: credits each call to the running item, then forwards."""

    def __init__(self, inner: CallObserver | None) -> None:
        self.inner = inner
        self.users = 0

    def __call__(self, record: AttemptRecord) -> None:
        tally = _CURRENT.get()
        if tally is not None:
            tally.records.append(record)
        if self.inner is not None:
            self.inner(record)


_INSTALL_LOCK = threading.Lock()


def _install(summarizer: Summarizer) -> _TallyObserver:
    with _INSTALL_LOCK:
        observer = summarizer.on_call
        if not isinstance(observer, _TallyObserver):
            observer = _TallyObserver(observer)
            summarizer.on_call = observer
        observer.users += 1
        return observer


def _uninstall(summarizer: Summarizer, observer: _TallyObserver) -> None:
    with _INSTALL_LOCK:
        observer.users -= 1
        if observer.users == 0 and summarizer.on_call is observer:
            summarizer.on_call = observer.inner


def _default_id(item: BatchItem, index: int) -> str:
    if isinstance(item, Document) and item.id:
        return item.id
    if isinstance(item, Path):
        return item.stem
    return str(index)


def _ids(items: Sequence[BatchItem], ids: Sequence[str] | None) -> list[str]:
    if ids is None:
        return [_default_id(item, i) for i, item in enumerate(items)]
    if len(ids) != len(items):
        raise ValueError(f"got {len(ids)} ids for {len(items)} items")
    return [str(i) for i in ids]


def _run_one(
    summarizer: Summarizer, item: BatchItem, item_id: str, index: int, strict: bool | None
) -> ItemResult:
    """Summarise one item on the calling thread; never raises an ``Exception``."""
    tally = _Tally()
    token = _CURRENT.set(tally)
    started = time.perf_counter()
    analysis = error = None
    try:
        article: str | Document
        if isinstance(item, Path):
            article = read_document(item, max_chars=summarizer.settings.max_chars, id=item_id)
        else:
            article = item
        analysis = summarizer.summarize(article, strict=strict, id=item_id)
    except Exception as exc:  # one bad item must not end the batch; the error is data
        error = ItemError.from_exception(exc)
    finally:
        _CURRENT.reset(token)
    return ItemResult(
        index=index,
        id=item_id,
        analysis=analysis,
        error=error,
        calls=len(tally.records),
        usage=tally.usage(),
        cost_usd=tally.cost(),
        latency_s=round(time.perf_counter() - started, 6),
    )


def _summarizer(summarizer: Summarizer | None, settings: Settings | None) -> Summarizer:
    if summarizer is not None:
        return summarizer
    return Summarizer(settings=settings)


# -- sync -----------------------------------------------------------------------------------


def _prepare(
    items: Iterable[BatchItem],
    ids: Sequence[str] | None,
    summarizer: Summarizer | None,
    settings: Settings | None,
    concurrency: int,
) -> tuple[list[BatchItem], list[str], Summarizer]:
    """Checks and set-up shared by the sync and async batch functions."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    item_list = list(items)
    return item_list, _ids(item_list, ids), _summarizer(summarizer, settings)


def summarize_many(
    items: Iterable[BatchItem],
    *,
    concurrency: int = 8,
    summarizer: Summarizer | None = None,
    settings: Settings | None = None,
    strict: bool | None = None,
    ids: Sequence[str] | None = None,
    on_result: ResultCallback | None = None,
) -> list[ItemResult]:
    """Analyse many articles on ``concurrency`` worker threads; results in input order.

    Items are started in input order. ``on_result`` is called on the calling thread, once per
    item, in completion order, as soon as the item finishes (use it for progress or to save
    results incrementally). If it raises — or the caller is interrupted (Ctrl-C) — no new
    item is started and the exception propagates; items still in flight are abandoned
    (their worker threads are daemons, so they never hold up interpreter exit).

    Args:
        items: article texts, :class:`~summarizer.core.document.Document` objects or file paths.
        concurrency: model calls in flight at once (>= 1).
        summarizer: the configured analyser (its ``cache`` and ``on_call`` are used); default:
            ``Summarizer(settings=settings)``.
        settings: used only when ``summarizer`` is not given.
        strict: overrides the summarizer's ``strict`` for every item.
        ids: one id per item; default: the document id, the file stem, or the index.
        on_result: called with each :class:`ItemResult` as it finishes.

    Returns:
        One :class:`ItemResult` per item, in input order.

    Example:
        >>> from summarizer.llm.backends.fake import FakeBackend
        >>> s = Summarizer(backend=FakeBackend(default=RuntimeError("down")))
        >>> [r.error.error for r in summarize_many(["A text.", "Another."], summarizer=s)]
        ['RuntimeError', 'RuntimeError']
    """
    items, item_ids, analyser = _prepare(items, ids, summarizer, settings, concurrency)
    results: list[ItemResult | None] = [None] * len(items)
    if not items:
        return []
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        todo.put(index)
    finished: queue.SimpleQueue[ItemResult] = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            finished.put(_run_one(analyser, items[index], item_ids[index], index, strict))

    observer = _install(analyser)
    try:
        for n in range(min(concurrency, len(items))):
            threading.Thread(target=work, name=f"summarizer-batch-{n}", daemon=True).start()
        for _ in range(len(items)):
            while True:
                try:
                    # a timeout keeps the main thread responsive to Ctrl-C
                    result = finished.get(timeout=0.25)
                    break
                except queue.Empty:
                    continue
            results[result.index] = result
            if on_result is not None:
                on_result(result)
    finally:
        stop.set()
        _uninstall(analyser, observer)
    return [r for r in results if r is not None]


# -- async ----------------------------------------------------------------------------------


async def asummarize_many(
    items: Iterable[BatchItem],
    *,
    concurrency: int = 8,
    summarizer: Summarizer | None = None,
    settings: Settings | None = None,
    strict: bool | None = None,
    ids: Sequence[str] | None = None,
    on_result: Callable[[ItemResult], object | Awaitable[object]] | None = None,
) -> list[ItemResult]:
    """The asyncio form of :func:`summarize_many` (same arguments, same results).

    At most ``concurrency`` items run at once, each on a worker thread of a private pool (the
    loop's default executor is capped at a few threads). ``on_result`` may be a plain
    function or a coroutine function; it runs on the event loop. Cancelling the awaiting
    task stops the batch: no new item starts and in-flight items are abandoned.

    Example:
        >>> import asyncio
        >>> from summarizer.llm.backends.fake import FakeBackend
        >>> s = Summarizer(backend=FakeBackend(default=RuntimeError("down")))
        >>> [r.ok for r in asyncio.run(asummarize_many(["A text."], summarizer=s))]
        [False]
    """
    items, item_ids, analyser = _prepare(items, ids, summarizer, settings, concurrency)
    results: list[ItemResult | None] = [None] * len(items)
    if not items:
        return []
    loop = asyncio.get_running_loop()
    workers = min(concurrency, len(items))
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summarizer-abatch")
    pending = iter(range(len(items)))

    async def work() -> None:
        for index in pending:  # one shared iterator: each index is taken exactly once
            result = await loop.run_in_executor(
                executor, _run_one, analyser, items[index], item_ids[index], index, strict
            )
            results[index] = result
            if on_result is not None:
                outcome = on_result(result)
                if inspect.isawaitable(outcome):
                    await outcome

    observer = _install(analyser)
    tasks = [asyncio.ensure_future(work()) for _ in range(workers)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        executor.shutdown(wait=False, cancel_futures=True)
        _uninstall(analyser, observer)
    return [r for r in results if r is not None]
