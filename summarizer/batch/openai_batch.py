"""Bulk analysis through the OpenAI Batch API (half the price, no rate limits, within 24 h).

:func:`run_openai_batch` runs the ordinary pipeline — :meth:`Summarizer.analyze_document`
and its one ask loop, unchanged — on a :class:`ReplayBackend` instead of a live endpoint.
The k-th model call of an article is answered from the batch results downloaded so far; the
first call without an answer is *deferred*: its request (exactly the chat-completions body
the direct path sends, :meth:`OpenAIBackend.request_body`) goes into the next batch, with
``custom_id`` = the article id for its first call and ``ID#k`` for call k. Rounds:

1. run every open article until it finishes (a verified analysis, or an error) or defers
   a call; write the deferred requests as Batch JSONL, upload it (``purpose="batch"``) and
   create a batch on ``/v1/chat/completions`` (``completion_window="24h"``);
2. poll the batch until ``completed``, ``failed``, ``expired`` or ``cancelled``, then
   download its output and error files;
3. run the open articles again with those answers: each answer is parsed, grounded and
   verified by the normal code; an article that needs a re-ask (or a larger token budget)
   defers its next call into round 2 — or, with ``reask_direct=True``, makes it directly.

Stance labels (``score_choices``) are independent of each other: an unanswered one is
collected and answered provisionally (an abstention), and when the article's run ends all
its collected labels go into the next batch together, the provisional result discarded.

Replaying is deterministic (the same answers give the same next request), so no loop state
is stored: the job (one per ``OUT`` file and generation) and each round's custom ids, input
file id, batch id and status live in the store (:class:`~summarizer.store.records.BatchRound`),
each written *before* the next step that creates something at the provider. A rerun picks
up the same batches and never submits a round twice (a batch created just before a crash is
found again by its ``metadata``); calls answered in rounds already processed are not logged
again. Costs are logged at batch prices (backend ``openai-batch``, :mod:`summarizer.core.pricing`).

Articles longer than ``Settings.chunk_chars`` take the chunked path: they go through the
direct path.

(About 600 lines, on purpose: the provider protocol — upload, submit, poll, download, replay —
and the crash-safe bookkeeping around it are one state machine; split, each half would need
the other's invariants to be read.)

Over 400 lines: the job's rounds, the replay backend and the ledger are one state machine (a round's answers are replayed through the pipeline); split, each part would reach into the others' state.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import openai
from openai.types.chat import ChatCompletion

from ..core.document import Document
from ..core.errors import ConfigurationError, ProviderError, TruncatedOutputError
from ..core.language import detect_language
from ..core.models import ArticleAnalysis, Usage
from ..core.pricing import cost_usd
from ..core.settings import Settings
from ..llm.ask import AttemptRecord
from ..llm.backends.base import (
    ChoiceRequest,
    ChoiceScores,
    Completion,
    CompletionRequest,
    normalize_scores,
)
from ..llm.backends.openai_compat import OpenAIBackend, _top_logprobs, _usage, choice_mass
from ..pipeline import Summarizer
from ..store import BatchRound, Store
from .inprocess import ItemError, ItemResult, summarize_many

__all__ = [
    "BATCH_ENDPOINT",
    "TERMINAL",
    "BatchBackend",
    "BatchProgress",
    "BatchRunSummary",
    "ReplayBackend",
    "custom_id",
    "make_summarizers",
    "run_openai_batch",
]

BATCH_ENDPOINT = "/v1/chat/completions"
TERMINAL = {"completed", "failed", "expired", "cancelled"}


class BatchBackend:
    """Builds Batch API request lines and reads answer lines; never calls the model itself.

    ``name`` is ``openai-batch`` so the call log and costs use batch prices; the request
    bodies come from the wrapped :class:`OpenAIBackend` in a fixed structured-output
    ``mode`` (a batch cannot walk the ``auto`` ladder).
    """

    name = "openai-batch"

    def __init__(self, inner: OpenAIBackend, mode: str) -> None:
        if mode == "auto":
            mode = "tools"
        self.inner = inner
        self.model = inner.model
        self.mode = mode

    def complete(self, request: CompletionRequest) -> Completion:
        raise ConfigurationError(
            "the openai-batch backend sends requests through the Batch API, not one by one",
            hint="use summarizer.batch.openai_batch.run_openai_batch",
        )

    def line(self, custom_id: str, request: CompletionRequest) -> dict[str, Any]:
        """One Batch JSONL input line."""
        return {"custom_id": custom_id, "method": "POST", "url": BATCH_ENDPOINT,
                "body": self.inner.request_body(self.mode, request)}

    def choice_line(self, custom_id: str, request: ChoiceRequest) -> dict[str, Any]:
        """A Batch line for label scoring: the body of the direct path's logprobs request
        (:meth:`OpenAIBackend.score_choices`, first try)."""
        body = {"model": self.model, "messages": request.messages, "max_tokens": 1,
                "temperature": 0.0, "logprobs": True, "top_logprobs": OpenAIBackend.TOP_LOGPROBS}
        return {"custom_id": custom_id, "method": "POST", "url": BATCH_ENDPOINT, "body": body}

    def parse_choices(self, record: dict[str, Any] | None, request: ChoiceRequest, *,
                      status: str) -> ChoiceScores:
        """Label scores from a batch answer's first-token ``top_logprobs``. Raises
        :class:`ProviderError` when it has none (the direct path would then ask for a
        constrained one-word answer; in a batch the stances are left out instead)."""
        self._check(record, status)
        assert record is not None
        completion = ChatCompletion.model_validate(record["response"]["body"])
        mass = choice_mass(_top_logprobs(completion), request.choices)
        if not mass:
            raise ProviderError("the batch answer has no usable logprobs for the labels",
                                backend=self.name, cause="other")
        return ChoiceScores(probs=normalize_scores(mass, request.choices), usage=_usage(completion),
                            model=completion.model or self.model, method="logprobs",
                            coverage=round(sum(mass.values()), 6))

    def parse(self, record: dict[str, Any] | None, *, max_tokens: int, status: str) -> Completion:
        """The :class:`Completion` in one output/error line; raises :class:`ProviderError`
        (or :class:`TruncatedOutputError`) as the direct path would."""
        self._check(record, status)
        assert record is not None
        completion = ChatCompletion.model_validate(record["response"]["body"])
        try:
            return self.inner.to_completion(completion, self.mode, max_tokens)
        except TruncatedOutputError as exc:
            exc.backend = self.name
            raise

    def _check(self, record: dict[str, Any] | None, status: str) -> None:
        """Raise the :class:`ProviderError` a missing or failed answer line stands for."""
        if record is None:
            cause = {"expired": "batch_expired", "cancelled": "batch_cancelled"}.get(status, "other")
            raise ProviderError(f"the batch ended {status} without an answer for this article",
                                backend=self.name, cause=cause)
        error = record.get("error")
        if error:
            code = str(error.get("code") or "other")
            raise ProviderError(f"batch request failed ({code}): {error.get('message', '')}"[:400],
                                backend=self.name, cause=code)
        response = record.get("response") or {}
        code = int(response.get("status_code") or 0)
        body = response.get("body") or {}
        if code != 200:
            message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
            cause = ("rate_limit" if code == 429 else "server_error" if code >= 500
                     else "auth" if code in (401, 403) else "bad_request")
            raise ProviderError(f"batch request failed ({cause}, HTTP {code}): {message}"[:400],
                                backend=self.name, cause=cause, status_code=code)


def make_summarizers(
    settings: Settings, *, client: openai.OpenAI | None = None, **options: Any
) -> tuple[Summarizer, Summarizer, openai.OpenAI]:
    """A Summarizer on a :class:`ReplayBackend` and one on the direct backend, sharing one
    ``openai`` client (``options``: ``strict``, ``language``, ``cache``, ``on_call``)."""
    if not settings.model:
        raise ConfigurationError("the Batch API needs a model", hint="pass --model, e.g. gpt-4o-mini")
    key = settings.api_key.get_secret_value() if settings.api_key else None
    client = client or openai.OpenAI(base_url=settings.base_url, api_key=key or "not-needed",
                                     timeout=settings.timeout_s, max_retries=settings.transport_retries)
    direct = OpenAIBackend(model=settings.model, base_url=settings.base_url, api_key=key,
                           mode=settings.mode, client=client,
                           transport_retries=settings.transport_retries)
    replay = ReplayBackend(BatchBackend(direct, settings.mode))
    return (Summarizer(backend=replay, settings=settings, **options),  # type: ignore[arg-type]
            Summarizer(backend=direct, settings=settings, **options), client)


class BatchProgress(Protocol):
    """Where polling reports: one call per retrieve (``rich`` bar in the CLI)."""

    def __call__(self, round: int, status: str, done: int, total: int) -> None: ...


@dataclass
class BatchRunSummary:
    """What a run did: rounds it went through, batches it created or resumed, and how many
    articles took the direct path."""

    job: str = ""
    rounds: int = 0
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # batch id -> final status
    direct: int = 0


class _Deferred(BaseException):
    """Raised out of the ask loop by :class:`ReplayBackend` (a BaseException, so no
    ``except Exception`` in the pipeline can swallow it): the calls, by number, that need
    answers from the next batch."""

    def __init__(self, requests: dict[int, CompletionRequest | ChoiceRequest]) -> None:
        self.requests = requests
        super().__init__(f"calls {sorted(requests)} deferred to the next batch")


@dataclass
class _Answer:
    record: dict[str, Any] | None
    status: str  # the batch's final status
    error: ProviderError | None = None  # the whole batch failed
    logged: bool = False


@dataclass
class _Item:
    index: int
    id: str
    doc: Document
    answers: dict[int, _Answer] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


def custom_id(item_id: str, k: int) -> str:
    """The Batch ``custom_id`` of an article's k-th model call: the id, then ``ID#k``."""
    return item_id if k == 1 else f"{item_id}#{k}"


class ReplayBackend:
    """A backend that answers from batch results: call k of the current article (one per
    thread, set by :meth:`use`) gets its downloaded answer; the first call without one raises
    :class:`_Deferred` — or, with ``fallthrough``, is sent to that backend directly.

    ``name`` is ``openai-batch`` except right after a direct call, so the call log prices
    each call by how it was made.
    """

    def __init__(self, batch: BatchBackend) -> None:
        self.batch = batch
        self.model = batch.model
        self._local = threading.local()

    @property
    def name(self) -> str:
        return "openai" if getattr(self._local, "direct", False) else BatchBackend.name

    def use(self, item: _Item, fallthrough: OpenAIBackend | None = None) -> None:
        self._local.item = item
        self._local.k = 0
        self._local.direct = False
        self._local.fallthrough = fallthrough
        self._local.pending = {}

    def pending(self) -> dict[int, CompletionRequest | ChoiceRequest]:
        """Label requests collected (not yet sent) during the current article's run."""
        return dict(self._local.pending)

    def complete(self, request: CompletionRequest) -> Completion:
        local = self._local
        if local.pending:  # this call could depend on labels not scored yet: stop here
            raise _Deferred(dict(local.pending))
        local.k += 1
        local.direct = False
        answer = local.item.answers.get(local.k)
        if answer is None:
            if local.fallthrough is None:
                raise _Deferred({local.k: request})
            local.direct = True
            return local.fallthrough.complete(request)  # type: ignore[no-any-return]
        if answer.error is not None:
            raise answer.error
        return self.batch.parse(answer.record, max_tokens=request.max_tokens, status=answer.status)

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Label scoring (stances) through the same replay. Label requests do not depend on
        each other, so an unanswered one is collected and answered provisionally (uniform, so
        it abstains); the article then defers all its collected labels into one batch and
        its provisional result is discarded."""
        local = self._local
        local.k += 1
        local.direct = False
        answer = local.item.answers.get(local.k)
        if answer is None:
            if local.fallthrough is not None:
                local.direct = True
                return local.fallthrough.score_choices(request)  # type: ignore[no-any-return]
            local.pending[local.k] = request
            return ChoiceScores(probs=normalize_scores({}, request.choices), model=self.model,
                                method="logprobs", coverage=0.0)
        if answer.error is not None:
            raise answer.error
        return self.batch.parse_choices(answer.record, request, status=answer.status)


class _LogFilter:
    """Forwards the call records of answers not logged yet (a replay re-makes every call),
    and never those of provisional label scores (collected for the next batch, not made)."""

    def __init__(self, inner: Any, replay: ReplayBackend | None = None) -> None:
        self.inner = inner
        self.replay = replay
        self._local = threading.local()

    def use(self, already: int) -> None:
        self._local.seen = 0
        self._local.already = already

    def __call__(self, record: AttemptRecord) -> None:
        self._local.seen += 1
        k = self._local.seen  # record k is call k of the article (one record per call, in order)
        if self.replay is not None and k in self.replay.pending():
            return
        if k > self._local.already and self.inner is not None:
            self.inner(record)


def run_openai_batch(
    ids: Sequence[str],
    docs: Sequence[Document],
    *,
    summarizer: Summarizer,
    direct: Summarizer | None,
    client: openai.OpenAI,
    store: Store,
    job_key: str,
    on_result: Callable[[ItemResult], object],
    done: set[str] | None = None,
    reask_direct: bool = False,
    poll_s: float = 30.0,
    progress: BatchProgress | None = None,
    concurrency: int = 8,
    strict: bool | None = None,
) -> BatchRunSummary:
    """Analyse ``docs`` (prepared, unique ``ids``) through the Batch API; see the module doc.

    ``summarizer`` must be on a :class:`ReplayBackend` (see :func:`make_summarizers`);
    ``direct`` (on the live backend) runs articles that need the chunked path and, with
    ``reask_direct``, every call after the first batch. ``on_result`` gets one
    :class:`ItemResult` per article finished in this run; ids in ``done`` are skipped and
    ``done`` grows as results arrive. ``concurrency`` threads re-run the pipeline on answers.

    Raises:
        ConfigurationError: the job for ``job_key`` was started with another model or mode.
        ProviderError: the Batch API could not be reached while uploading, creating,
            polling or downloading (rerun to continue: nothing is lost).
    """
    replay = summarizer.backend
    if not isinstance(replay, ReplayBackend):
        raise ConfigurationError("run_openai_batch needs a Summarizer on a ReplayBackend",
                                 hint="build both with make_summarizers()")
    backend = replay.batch
    strict = summarizer.strict if strict is None else strict
    done = set() if done is None else done
    summary = BatchRunSummary()
    job = store.batch_job(job_key, model=backend.model, mode=backend.mode)
    if (job.model, job.mode) != (backend.model, backend.mode):
        raise ConfigurationError(
            f"this output's batch job {job.job} runs model {job.model!r} in mode {job.mode!r}",
            hint="resume with the same --model and --mode, or write to another --out",
        )
    summary.job = job.job
    log = _LogFilter(summarizer.on_call, replay)
    summarizer.on_call = log
    live = direct.backend if direct is not None and isinstance(direct.backend, OpenAIBackend) else None

    opened: dict[str, _Item] = {}
    long_docs: list[tuple[int, str, Document]] = []
    for index, (item_id, doc) in enumerate(zip(ids, docs, strict=True)):
        if item_id in done:
            continue
        if summarizer.cache is not None and (hit := summarizer.cache.get(summarizer.cache_key(doc))):
            hit.meta.cached = True
            hit.source.id = doc.id
            done.add(item_id)
            on_result(ItemResult(index=index, id=item_id, analysis=hit))
            continue
        if doc.language is None:
            doc.language = detect_language(doc.text)
        if len(doc.text) > summarizer.settings.chunk_chars and not summarizer.settings.no_model:
            long_docs.append((index, item_id, doc))
        else:
            opened[item_id] = _Item(index, item_id, doc)
    if long_docs:
        _run_direct_long(long_docs, direct, on_result, done, concurrency)
        summary.direct += len(long_docs)

    def attempt(item: _Item, fallthrough: OpenAIBackend | None) -> tuple[_Item, Any]:
        """Run the pipeline on the answers so far: an analysis, an error, or a _Deferred."""
        replay.use(item, fallthrough)
        log.use(sum(1 for a in item.answers.values() if a.logged))
        try:
            outcome: Any = summarizer.analyze_document(item.doc, strict=strict)
        except _Deferred as deferred:
            outcome = deferred
        except Exception as exc:  # one article's failure is data
            outcome = exc
        if not isinstance(outcome, _Deferred) and (pending := replay.pending()):
            outcome = _Deferred(pending)  # provisional labels: the result waits for the batch
        return item, outcome

    def finish(item: _Item, outcome: Any) -> None:
        analysis = outcome if isinstance(outcome, ArticleAnalysis) else None
        error = ItemError.from_exception(outcome) if analysis is None else None
        calls = len(item.answers)
        usage = analysis.meta.usage if analysis is not None else _answered_usage(item)
        result = ItemResult(
            index=item.index, id=item.id, analysis=analysis, error=error, calls=calls,
            usage=usage, cost_usd=cost_usd(backend.name, backend.model, usage),
            latency_s=round(time.perf_counter() - item.started, 6),
        )
        del opened[item.id]
        if item.id in done:
            return
        if analysis is not None:
            done.add(item.id)
            if summarizer.cache is not None:
                summarizer.cache.put(summarizer.cache_key(item.doc), analysis)
        on_result(result)

    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="summarizer-obatch")
    try:
        round_no = 0
        previous: BatchRound | None = None
        while opened:
            round_no += 1
            fallthrough = live if reask_direct and round_no > 1 else None
            deferred: dict[str, _Deferred] = {}
            attempted = len(opened)
            for item, outcome in pool.map(lambda it: attempt(it, fallthrough), list(opened.values())):
                for answer in item.answers.values():
                    answer.logged = True
                if isinstance(outcome, _Deferred):
                    deferred[item.id] = outcome
                else:
                    finish(item, outcome)
            if previous is not None and previous.status != "processed":
                previous.status = "processed"  # its answers are used and logged
                store.save_batch_round(previous)
            if fallthrough is not None:
                summary.direct += attempted  # their calls after round 1 were made directly
            if not deferred:
                break
            entry = store.batch_round(job.job, round_no)
            if entry is None:
                entry = BatchRound(job=job.job, round=round_no,
                                   custom_ids=[custom_id(i, k) for i, d in deferred.items()
                                               for k in sorted(d.requests)])
                store.save_batch_round(entry)
            members = {cid: _split(cid, opened) for cid in entry.custom_ids}
            requests = {cid: deferred[m[0]].requests[m[1]] for cid, m in members.items()
                        if m is not None and m[0] in deferred and m[1] in deferred[m[0]].requests}
            if entry.status == "processed":
                batch = client.batches.retrieve(entry.batch_id) if entry.batch_id else None
                summary.reused += [entry.batch_id] if entry.batch_id else []
            else:
                batch = _submit_and_wait(client, store, entry, requests, backend, summary,
                                         poll_s=poll_s, progress=progress)
            records = _download(client, batch) if batch is not None else {}
            status = batch.status if batch is not None else "failed"
            whole = (_provider_error_from_batch(batch, backend.name)
                     if batch is not None and status == "failed" else None)
            for cid, member in members.items():
                if member is None or member[0] not in opened:
                    continue
                item_id, k = member
                opened[item_id].answers[k] = _Answer(
                    record=records.get(cid), status=status, error=whole,
                    logged=entry.status == "processed")
            summary.rounds = round_no
            previous = entry
    finally:
        pool.shutdown(wait=True)
        summarizer.on_call = log.inner
    store.finish_batch_job(job.job)
    return summary


def _provider_error_from_batch(batch: Any, backend: str) -> ProviderError:
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    detail = "; ".join(f"{e.code}: {e.message}" for e in errors[:3]) or "no detail given"
    return ProviderError(f"the batch {batch.id} failed: {detail}"[:400], backend=backend,
                         cause="batch_failed")


def _split(cid: str, opened: dict[str, _Item]) -> tuple[str, int] | None:
    """``custom_id`` back to (article id, call number); ``None`` for an article not open."""
    if cid in opened:
        return cid, 1
    head, _, tail = cid.rpartition("#")
    if head in opened and tail.isdigit():
        return head, int(tail)
    return None


def _answered_usage(item: _Item) -> Usage:
    total = Usage()
    for answer in item.answers.values():
        body = ((answer.record or {}).get("response") or {}).get("body") or {}
        usage = body.get("usage") if isinstance(body, dict) else None
        if usage:
            total = total + Usage(prompt_tokens=int(usage.get("prompt_tokens") or 0),
                                  completion_tokens=int(usage.get("completion_tokens") or 0))
    return total


def _submit_and_wait(
    client: openai.OpenAI, store: Store, entry: BatchRound,
    requests: dict[str, CompletionRequest | ChoiceRequest],
    backend: BatchBackend, summary: BatchRunSummary, *, poll_s: float,
    progress: BatchProgress | None,
) -> Any:
    """Upload, create (each step recorded before the next) and poll one round's batch."""
    metadata = {"summarizer_job": entry.job, "summarizer_round": str(entry.round)}
    try:
        if entry.batch_id is None and entry.input_file_id is not None:
            found = _find_batch(client, metadata, entry.input_file_id)
            if found is not None:
                entry.batch_id, entry.status = found.id, found.status
                store.save_batch_round(entry)
        if entry.input_file_id is None:
            data = "".join(json.dumps(_line(backend, cid, requests[cid]), ensure_ascii=False) + "\n"
                           for cid in entry.custom_ids if cid in requests).encode()
            uploaded = client.files.create(file=(f"{entry.job}-r{entry.round}.jsonl", data,
                                                 "application/jsonl"), purpose="batch")
            entry.input_file_id, entry.status = uploaded.id, "uploaded"
            store.save_batch_round(entry)
        if entry.batch_id is None:
            created = client.batches.create(input_file_id=entry.input_file_id, endpoint=BATCH_ENDPOINT,
                                            completion_window="24h", metadata=metadata)
            entry.batch_id, entry.status = created.id, created.status
            store.save_batch_round(entry)
            summary.created.append(created.id)
        else:
            summary.reused.append(entry.batch_id)
        while True:
            batch = client.batches.retrieve(entry.batch_id)
            counts = batch.request_counts
            if progress is not None:
                progress(entry.round, batch.status,
                         (counts.completed + counts.failed) if counts else 0,
                         counts.total if counts else len(requests))
            if batch.status != entry.status:
                entry.status = batch.status
                entry.output_file_id, entry.error_file_id = batch.output_file_id, batch.error_file_id
                store.save_batch_round(entry)
            if batch.status in TERMINAL:
                summary.statuses[batch.id] = batch.status
                return batch
            time.sleep(poll_s)
    except openai.APIError as exc:
        raise ProviderError(
            f"the Batch API call failed ({type(exc).__name__}): {str(exc)[:300]}; rerun with --resume",
            backend=backend.name, cause="connection" if isinstance(exc, openai.APIConnectionError)
            else "other", status_code=getattr(exc, "status_code", None),
        ) from exc


def _line(backend: BatchBackend, cid: str, request: CompletionRequest | ChoiceRequest) -> dict[str, Any]:
    if isinstance(request, ChoiceRequest):
        return backend.choice_line(cid, request)
    return backend.line(cid, request)


def _find_batch(client: openai.OpenAI, metadata: dict[str, str], input_file_id: str) -> Any | None:
    """A batch this job created before a crash (matched by metadata and input file)."""
    for batch in client.batches.list(limit=100):
        if batch.input_file_id == input_file_id and (batch.metadata or {}) == metadata:
            return batch
    return None


def _download(client: openai.OpenAI, batch: Any) -> dict[str, dict[str, Any]]:
    """The output and error lines of ``batch`` by ``custom_id`` (an answer wins over an error)."""
    records: dict[str, dict[str, Any]] = {}
    for file_id in (batch.error_file_id, batch.output_file_id):
        if not file_id:
            continue
        for raw in client.files.content(file_id).text.splitlines():
            if raw.strip():
                record = json.loads(raw)
                records[str(record.get("custom_id"))] = record
    return records


def _run_direct_long(
    long_docs: list[tuple[int, str, Document]], direct: Summarizer | None,
    on_result: Callable[[ItemResult], object], done: set[str], concurrency: int,
) -> None:
    if direct is None:
        for index, item_id, _ in long_docs:
            on_result(ItemResult(index=index, id=item_id, error=ItemError(
                error="ConfigurationError", reason="too_long_for_batch",
                message="the article needs the chunked path, which runs only on the direct backend")))
        return

    def forward(result: ItemResult) -> None:
        result.index = long_docs[result.index][0]
        if result.ok:
            done.add(result.id)
        on_result(result)

    summarize_many([d for _, _, d in long_docs], ids=[i for _, i, _ in long_docs],
                   summarizer=direct, concurrency=concurrency, on_result=forward)
