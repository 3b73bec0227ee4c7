"""Bulk analysis through the OpenAI Batch API (half the price, no rate limits, within 24 h).

:func:`run_openai_batch` drives the pipeline's ask loop (:meth:`Summarizer.first_request`,
:meth:`Summarizer.accept`, :meth:`Summarizer.truncated`) over provider batches instead of
one HTTP call per attempt:

1. the first request of every article — exactly the chat-completions body the direct path
   sends (:meth:`OpenAIBackend.request_body`), ``custom_id`` = the article id — is written
   as Batch JSONL, uploaded (``purpose="batch"``) and submitted to ``/v1/chat/completions``;
2. the batch is polled until it is ``completed``, ``failed``, ``expired`` or ``cancelled``;
3. the output and error files are downloaded and every answer goes through the normal
   parsing, grounding and verification (:meth:`Summarizer.accept`);
4. articles whose answer needs a re-ask (or more tokens) form the next round: another batch
   (default) or the direct path (``reask_direct=True``); until no article is left open.

Resumable: the job (one per ``OUT`` file and generation) and each round's input file id,
batch id and status live in the store (:class:`~summarizer.store.BatchRound`), written
*before* each step that creates something at the provider, so a rerun after a crash picks
up the same batches and never submits a round twice (a batch created just before a crash
is found again by its ``metadata``). Replaying a round re-grounds its downloaded answers —
grounding is deterministic — instead of storing the loop's state. Costs are logged at batch
prices (backend ``openai-batch`` in :mod:`summarizer.pricing`).

Articles longer than ``Settings.chunk_chars`` need the chunked path (several dependent
calls): they go through the direct path.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import openai
from openai.types.chat import ChatCompletion

from .backends.base import Completion, CompletionRequest
from .backends.openai_compat import OpenAIBackend
from .batch import ItemError, ItemResult
from .document import Document
from .errors import ConfigurationError, ProviderError, SummarizerError, TruncatedOutputError
from .language import detect_language
from .models import ArticleAnalysis, Usage
from .pipeline import AskState, AttemptRecord, Summarizer
from .pricing import cost_usd
from .settings import Settings
from .store import BatchRound, Store

__all__ = [
    "BATCH_ENDPOINT",
    "TERMINAL",
    "BatchBackend",
    "BatchProgress",
    "BatchRunSummary",
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
            hint="use summarizer.batch_openai.run_openai_batch",
        )

    def line(self, custom_id: str, request: CompletionRequest) -> dict[str, Any]:
        """One Batch JSONL input line."""
        return {"custom_id": custom_id, "method": "POST", "url": BATCH_ENDPOINT,
                "body": self.inner.request_body(self.mode, request)}

    def parse(self, record: dict[str, Any] | None, *, max_tokens: int, status: str) -> Completion:
        """The :class:`Completion` in one output/error line; raises :class:`ProviderError`
        (or :class:`TruncatedOutputError`) as the direct path would."""
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
        completion = ChatCompletion.model_validate(body)
        try:
            return self.inner.to_completion(completion, self.mode, max_tokens)
        except TruncatedOutputError as exc:
            exc.backend = self.name
            raise


def make_summarizers(
    settings: Settings, *, client: openai.OpenAI | None = None, **options: Any
) -> tuple[Summarizer, Summarizer, openai.OpenAI]:
    """A Summarizer on :class:`BatchBackend` and one on the direct backend, sharing one
    ``openai`` client (``options``: ``strict``, ``language``, ``cache``, ``on_call``)."""
    if not settings.model:
        raise ConfigurationError("the Batch API needs a model", hint="pass --model, e.g. gpt-4o-mini")
    key = settings.api_key.get_secret_value() if settings.api_key else None
    client = client or openai.OpenAI(base_url=settings.base_url, api_key=key or "not-needed",
                                     timeout=settings.timeout_s, max_retries=settings.transport_retries)
    direct = OpenAIBackend(model=settings.model, base_url=settings.base_url, api_key=key,
                           mode=settings.mode, client=client,
                           transport_retries=settings.transport_retries)
    batch_backend = BatchBackend(direct, settings.mode)
    return (Summarizer(backend=batch_backend, settings=settings, **options),
            Summarizer(backend=direct, settings=settings, **options), client)


class BatchProgress(Protocol):
    """Where polling reports: one call per retrieve (``rich`` bar in the CLI)."""

    def __call__(self, round: int, status: str, done: int, total: int) -> None: ...


@dataclass
class BatchRunSummary:
    """What a run did: rounds it went through, batches it created, per-status counts."""

    job: str = ""
    rounds: int = 0
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # batch id -> final status
    direct: int = 0


@dataclass
class _Open:
    index: int
    id: str
    doc: Document
    state: AskState
    request: CompletionRequest


def _provider_error_from_batch(batch: Any, backend: str) -> ProviderError:
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    detail = "; ".join(f"{e.code}: {e.message}" for e in errors[:3]) or "no detail given"
    return ProviderError(f"the batch {batch.id} failed: {detail}"[:400], backend=backend,
                         cause="batch_failed")


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
) -> BatchRunSummary:
    """Analyse ``docs`` (prepared, unique ``ids``) through the Batch API; see the module doc.

    ``on_result`` gets one :class:`ItemResult` per article finished *in this run* (ids in
    ``done`` are skipped, and ``done`` is extended as results arrive). Items whose round was
    already processed by an earlier, interrupted run are re-grounded silently: no calls are
    logged again and their failures are not reported twice.

    Raises:
        ConfigurationError: the job for ``job_key`` was started with another model or mode.
        ProviderError: the provider could not be reached while uploading, creating,
            polling or downloading (rerun to continue: nothing is lost).
    """
    backend = summarizer.backend
    if not isinstance(backend, BatchBackend):
        raise ConfigurationError("run_openai_batch needs a Summarizer on a BatchBackend",
                                 hint="build both with make_summarizers()")
    done = set() if done is None else done
    summary = BatchRunSummary()
    job = store.batch_job(job_key, model=backend.model, mode=backend.mode)
    if (job.model, job.mode) != (backend.model, backend.mode):
        raise ConfigurationError(
            f"this output's batch job {job.job} runs model {job.model!r} in mode {job.mode!r}",
            hint="resume with the same --model and --mode, or write to another --out",
        )
    summary.job = job.job

    def emit(item: _Open, analysis: ArticleAnalysis | None, exc: BaseException | None) -> None:
        if item.id in done:
            return
        usage = item.state.usage
        result = ItemResult(
            index=item.index, id=item.id, analysis=analysis,
            error=ItemError.from_exception(exc) if exc is not None else None,
            calls=item.state.attempts, usage=usage,
            cost_usd=cost_usd(backend.name, backend.model, usage),
            latency_s=round(time.perf_counter() - item.state.started, 6),
        )
        if analysis is not None:
            done.add(item.id)
            if summarizer.cache is not None:
                summarizer.cache.put(summarizer.cache_key(item.doc), analysis)
        on_result(result)

    # -- round 0: cache hits, long articles, first requests ----------------------------------
    opened: dict[str, _Open] = {}
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
        if len(doc.text) > summarizer.settings.chunk_chars:
            long_docs.append((index, item_id, doc))
            continue
        request, state = summarizer.first_request(doc)
        opened[item_id] = _Open(index, item_id, doc, state, request)
    if long_docs:
        _run_direct_long(long_docs, direct, on_result, done, concurrency)
        summary.direct += len(long_docs)

    # -- rounds --------------------------------------------------------------------------
    round_no = 0
    while opened:
        round_no += 1
        entry = store.batch_round(job.job, round_no)
        if entry is None:
            entry = BatchRound(job=job.job, round=round_no, custom_ids=list(opened))
            store.save_batch_round(entry)
        members = [opened[i] for i in entry.custom_ids if i in opened]
        later = {i: item for i, item in opened.items() if i not in set(entry.custom_ids)}
        replay = entry.status == "processed"
        if members and not replay:
            batch = _submit_and_wait(client, store, entry, members, backend, summary,
                                     poll_s=poll_s, progress=progress)
            records = _download(client, batch)
            status = batch.status
            failed_whole = _provider_error_from_batch(batch, backend.name) if status == "failed" else None
        elif members:
            batch = client.batches.retrieve(entry.batch_id) if entry.batch_id else None
            records = _download(client, batch) if batch is not None else {}
            status = batch.status if batch is not None else "failed"
            failed_whole = (_provider_error_from_batch(batch, backend.name)
                            if batch is not None and status == "failed" else None)
        else:
            records, status, failed_whole = {}, "completed", None
        summary.rounds = round_no
        observer = summarizer.on_call
        if replay:
            summarizer.on_call = None  # these calls are in the log already
        following: dict[str, _Open] = {}
        try:
            for item in members:
                if item.id in done:
                    continue
                try:
                    if failed_whole is not None:
                        raise failed_whole
                    completion = backend.parse(records.get(item.id), max_tokens=item.request.max_tokens,
                                               status=status)
                    result, request, item.state = summarizer.accept(item.doc, completion, item.state)
                except TruncatedOutputError as exc:
                    try:
                        item.request = summarizer.truncated(item.doc, exc, item.state)
                    except TruncatedOutputError as final:
                        if not replay:
                            emit(item, None, final)
                        continue
                    following[item.id] = item
                    continue
                except SummarizerError as exc:
                    if isinstance(exc, ProviderError) and exc.status_code is not None:
                        item.state.attempts += 1  # the provider ran it and answered an error
                        if summarizer.on_call is not None:
                            summarizer.on_call(AttemptRecord(
                                backend=backend.name, model=backend.model,
                                prompt=summarizer.template.ref, attempt=item.state.attempts,
                                usage=Usage(), latency_s=0.0, outcome="provider_error",
                                error=f"ProviderError: {str(exc)[:300]}", doc_id=item.id))
                    if not replay:
                        emit(item, None, exc)
                    continue
                if result is not None:
                    emit(item, result, None)
                else:
                    assert request is not None
                    item.request = request
                    following[item.id] = item
        finally:
            summarizer.on_call = observer
        if not replay:
            entry.status = "processed"
            store.save_batch_round(entry)
        opened = {**following, **later}
        if opened and reask_direct and direct is not None:
            _run_direct_reasks(list(opened.values()), direct, emit, concurrency)
            summary.direct += len(opened)
            opened = {}
    store.finish_batch_job(job.job)
    return summary


def _submit_and_wait(
    client: openai.OpenAI, store: Store, entry: BatchRound, members: list[_Open],
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
            data = "".join(json.dumps(backend.line(m.id, m.request), ensure_ascii=False) + "\n"
                           for m in members).encode()
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
                         counts.total if counts else len(members))
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


def _run_direct_reasks(
    items: list[_Open], direct: Summarizer, emit: Callable[[_Open, ArticleAnalysis | None,
                                                            BaseException | None], None],
    concurrency: int,
) -> None:
    def one(item: _Open) -> tuple[_Open, ArticleAnalysis | None, BaseException | None]:
        try:
            return item, direct.continue_document(item.doc, item.request, item.state), None
        except Exception as exc:  # one item's failure is data
            return item, None, exc

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items)))) as pool:
        for item, analysis, exc in pool.map(one, items):
            emit(item, analysis, exc)


def _run_direct_long(
    long_docs: list[tuple[int, str, Document]], direct: Summarizer | None,
    on_result: Callable[[ItemResult], object], done: set[str], concurrency: int,
) -> None:
    from .batch import summarize_many

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
