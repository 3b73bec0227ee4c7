"""A fleet through Ray Data: many endpoints, many machines, results written as shards.

:func:`run` reads articles with ``ray.data`` (JSONL or Parquet, one ``{"id", "text",
"title"?, "outlet"?, "date"?, "url"?}`` record per article), analyses them with an actor
pool (``map_batches`` with a callable class and ``concurrency=``) in which every actor holds
one :class:`~summarizer.pipeline.Summarizer` on one endpoint — endpoints are dealt out
round-robin as actors start — and writes:

* ``OUT/`` — shards (``*.jsonl`` or ``*.parquet``): the lines ``summarizer batch`` writes
  (the :class:`~summarizer.core.models.ArticleAnalysis` JSON plus a top-level ``"id"``); in
  Parquet, two string columns ``id`` and ``analysis`` (the ``ArticleAnalysis`` JSON);
* ``FAILED`` — one JSONL file (default ``OUT.failed.jsonl``) with exactly the failure lines
  of ``summarizer batch``; each write task stages its failures under ``FAILED.parts/``, and
  they are appended to ``FAILED`` when the run ends (or by the next run, after a crash).

Exactly once: an id is finished when it has a line in a shard of ``OUT``; a rerun skips
those ids. Within a run, Ray restarts an actor that dies and re-runs its task; shards are
written only after the analysis of their block, under names fixed per write task, so a
retried write replaces its file instead of adding one.

``ray`` is an optional extra: ``pip install 'summarizer[ray]'``.

Usage (needs a Ray cluster and endpoints)::

    from summarizer import Settings
    from summarizer.batch.ray_fleet import run
    run("articles.jsonl", "results/", endpoints=["http://gpu1:8000/v1", "http://gpu2:8000/v1"],
        settings=Settings(model="qwen2.5-7b-instruct"), address="auto")
    # RayRunSummary(ok=..., failed=..., skipped=..., shards=...)

Just over 400 lines: the actor class and the driver that deals endpoints, writes shards and resumes are one Ray job.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.document import Document
from ..core.errors import BadInputError, ConfigurationError
from ..core.inputs import read_document
from ..core.settings import Settings
from ..llm.backends import resolve_backend
from ..llm.backends.base import Backend
from ..pipeline import Summarizer
from .inprocess import ItemError, ItemResult, summarize_many

__all__ = ["RayRunSummary", "finished_shard_ids", "run"]

METADATA_KEYS = ("title", "outlet", "date", "url")
INSTALL_HINT = "pip install 'summarizer[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError("the Ray fleet path needs ray[data], which is not installed",
                                 hint=INSTALL_HINT) from exc
    return ray


@dataclass
class RayRunSummary:
    """What one :func:`run` did (``skipped``: ids already in ``OUT``)."""

    ok: int
    failed: int
    skipped: int
    shards: int
    elapsed_s: float


# -- lines (the same shapes as ``summarizer batch``) -----------------------------------------


def _success_line(result: ItemResult) -> dict[str, Any]:
    assert result.analysis is not None
    return {"id": result.id, **result.analysis.model_dump(mode="json")}


def _failure_line(result: ItemResult) -> dict[str, Any]:
    from datetime import UTC, datetime

    assert result.error is not None
    line: dict[str, Any] = {"id": result.id, **result.error.model_dump(mode="json")}
    line["calls"] = result.calls
    line["usage"] = result.usage.model_dump(mode="json")
    line["cost_usd"] = result.cost_usd
    line["failed_at"] = datetime.now(UTC).isoformat()
    return line


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# -- the actor -----------------------------------------------------------------------------


def _counter_class(ray: Any) -> Any:
    @ray.remote(num_cpus=0)
    class _Counter:
        """Deals out endpoint numbers to actors as they start (round-robin)."""

        def __init__(self) -> None:
            self.n = -1

        def next(self) -> int:
            self.n += 1
            return self.n

    return _Counter


class _Analyser:
    """One Ray Data actor: a Summarizer on one endpoint, ``threads`` articles in flight."""

    def __init__(self, *, endpoints: list[str | None], settings: Settings, counter: Any,
                 threads: int, strict: bool, language: str | None,
                 wrap_backend: Callable[[Backend], Backend] | None) -> None:
        import ray

        number = ray.get(counter.next.remote())
        self.endpoint = endpoints[number % len(endpoints)]
        update: dict[str, Any] = {"base_url": self.endpoint} if self.endpoint else {}
        self.settings = settings.model_copy(update=update)
        backend: Backend | None = None
        if not self.settings.no_model:
            backend = resolve_backend(self.settings)
            if wrap_backend is not None:
                backend = wrap_backend(backend)
        self.summarizer = Summarizer(backend=backend, settings=self.settings, strict=strict,
                                     language=language)
        self.threads = threads
        self.warm = False

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        ids = [str(i) for i in batch["id"]]
        items: list[Document | str] = []
        bad: dict[int, BadInputError] = {}
        for n, item_id in enumerate(ids):
            text = batch["text"][n] if "text" in batch else None
            meta = {k: str(batch[k][n]) for k in METADATA_KEYS
                    if k in batch and batch[k][n] is not None and str(batch[k][n]) != "nan"}
            try:
                if not isinstance(text, str):
                    raise BadInputError("bad_record", "the record has no \"text\" string", source=item_id)
                items.append(read_document(text, max_chars=self.settings.max_chars, id=item_id, **meta))
            except BadInputError as exc:
                bad[n] = exc
                items.append(Document(text="", id=item_id))
        todo = [n for n in range(len(ids)) if n not in bad]
        results: dict[int, ItemResult] = {
            n: ItemResult(index=n, id=ids[n], error=ItemError.from_exception(exc)) for n, exc in bad.items()}
        # The first article of a fresh actor runs alone: the first call imports modules lazily
        # (httpx, openai, the parser), and threads racing through those imports fail with
        # "partially initialized module" (seen under load on 2 cores).
        groups = [todo] if self.warm else [todo[:1], todo[1:]]
        for group in groups:
            for result in summarize_many([items[n] for n in group], ids=[ids[n] for n in group],
                                         summarizer=self.summarizer,
                                         concurrency=self.threads if self.warm else 1):
                results[group[result.index]] = result
            self.warm = True
        ordered = [results[n] for n in range(len(ids))]
        return {
            "id": ids,
            "ok": [r.ok for r in ordered],
            "line": [_dumps(_success_line(r) if r.ok else _failure_line(r)) for r in ordered],
            "endpoint": [str(self.endpoint)] * len(ids),
        }


def _skip(batch: dict[str, Any], done: set[str]) -> dict[str, Any]:
    """Drop the rows whose id is already in ``OUT``."""
    import numpy as np

    keep = np.array([str(i) not in done for i in batch["id"]], dtype=bool)
    return {k: v[keep] for k, v in batch.items()}


# -- the sink ------------------------------------------------------------------------------


def _sink_class() -> Any:
    from ray.data.datasource import BlockBasedFileDatasink

    class _ShardSink(BlockBasedFileDatasink):  # type: ignore[misc]
        """Writes a block's successes as one ``OUT`` shard and its failures as one staged
        part; file names are fixed per write task (a retry overwrites)."""

        def __init__(self, path: str, *, parts: str, fmt: str) -> None:
            super().__init__(path, file_format=fmt)
            self.parts = parts
            self.fmt = fmt
            self.run_id = uuid.uuid4().hex[:12]  # made on the driver: one per run

        def write_block(self, block: Any, block_index: int, ctx: Any) -> None:
            table = block.to_arrow()
            oks = table.column("ok").to_pylist()
            lines = table.column("line").to_pylist()
            ids = table.column("id").to_pylist()
            # fixed per (run, write task, block): a retried task rewrites the same files
            name = f"{self.run_id}_{ctx.task_idx:06d}_{block_index:06d}.{self.fmt}"
            good = [(i, line) for i, line, ok in zip(ids, lines, oks, strict=True) if ok]
            bad = [line for line, ok in zip(lines, oks, strict=True) if not ok]
            if good:
                with self.open_output_stream(posixpath.join(self.path, name)) as fh:
                    if self.fmt == "parquet":
                        import pyarrow as pa
                        import pyarrow.parquet as pq

                        analyses = []
                        for _, line in good:
                            record = json.loads(line)
                            record.pop("id", None)
                            analyses.append(_dumps(record))
                        pq.write_table(pa.table({"id": [str(g[0]) for g in good],
                                                 "analysis": analyses}), fh)
                    else:
                        fh.write("".join(line + "\n" for _, line in good).encode())
            if bad:
                part = posixpath.join(self.parts, name.rsplit(".", 1)[0] + ".jsonl")
                with self.open_output_stream(part) as fh:
                    fh.write("".join(line + "\n" for line in bad).encode())

    return _ShardSink


# -- resume --------------------------------------------------------------------------------


def _jsonl_ids(shard: Path) -> set[str]:
    """Ids in one JSONL shard; a torn last line (no newline: a crash mid-write) is cut off."""
    data = shard.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with shard.open("rb+") as fh:
            fh.truncate(keep)
    ids: set[str] = set()
    for raw in data[:keep].splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("id") is not None:
            ids.add(str(record["id"]))
    return ids


def finished_shard_ids(out: Path) -> set[str]:
    """Ids with a line in a shard of ``out``. A torn last line of a JSONL shard is cut off; a
    Parquet shard that does not read (a crash mid-write) is renamed ``*.corrupt``."""
    ids: set[str] = set()
    if not out.is_dir():
        return ids
    for shard in sorted(out.glob("*.jsonl")):
        ids |= _jsonl_ids(shard)
    parquet = sorted(out.glob("*.parquet"))
    if parquet:
        import pyarrow.parquet as pq

        for shard in parquet:
            try:
                ids |= {str(i) for i in pq.read_table(shard, columns=["id"]).column("id").to_pylist()}
            except Exception:  # noqa: BLE001 - an unreadable shard holds no finished ids
                shard.rename(shard.with_name(shard.name + ".corrupt"))
    return ids


def _merge_parts(parts: Path, failures: Path) -> int:
    """Append staged failure parts to ``failures`` and delete them. Each line goes out in one
    ``write`` on an ``O_APPEND`` descriptor, as ``summarizer batch`` writes its failures."""
    if not parts.is_dir():
        return 0
    count = 0
    files = sorted(parts.glob("*.jsonl"))
    if files:
        failures.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(failures, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            for part in files:
                for raw in part.read_bytes().splitlines():
                    try:
                        json.loads(raw)
                    except ValueError:
                        continue  # a torn line of a part written during a crash
                    os.write(fd, raw + b"\n")
                    count += 1
                os.fsync(fd)
                part.unlink()
        finally:
            os.close(fd)
    parts.rmdir()
    return count


def _read(ray: Any, source: str | Path) -> Any:
    path = str(source)
    if path.endswith(".parquet") or (Path(path).is_dir() and any(Path(path).glob("*.parquet"))):
        return ray.data.read_parquet(path)
    return ray.data.read_json(path, lines=True)


# -- entry point ---------------------------------------------------------------------------


def run(
    source: str | Path,
    out: str | Path,
    *,
    endpoints: Sequence[str] = (),
    settings: Settings | None = None,
    address: str | None = None,
    failures: str | Path | None = None,
    output_format: str | None = None,
    actors_per_endpoint: int = 1,
    threads_per_actor: int = 4,
    batch_size: int = 16,
    actor_num_cpus: float = 0.25,
    strict: bool = True,
    language: str | None = None,
    wrap_backend: Callable[[Backend], Backend] | None = None,
) -> RayRunSummary:
    """Analyse every article of ``source`` not yet in ``out`` on a Ray cluster.

    Args:
        source: a JSONL file (``{"id", "text", ...}`` per line), a Parquet file, or a folder
            of either, readable by every Ray node (local disk for a one-machine cluster,
            shared storage or ``s3://`` for a real one).
        out: the output folder of shards (created; earlier shards are kept and their ids
            skipped).
        endpoints: OpenAI-compatible base URLs (vLLM, llama.cpp server, ...); one actor
            pool spread over them. Empty: every actor uses ``settings`` as they are — with
            ``Settings(no_model=True)`` the parser-only analysis, no endpoint at all.
        settings: model, mode, timeouts, ... (``base_url`` is replaced per endpoint).
        address: ``None`` — use the running Ray or start a local one; ``"auto"`` or
            ``"ray://head:10001"`` — connect to that cluster.
        failures: the failures file (default ``OUT.failed.jsonl``, next to ``OUT``).
        output_format: ``jsonl`` (default) or ``parquet``.
        actors_per_endpoint / threads_per_actor: actors per endpoint, and articles each
            actor has in flight at once (so ``len(endpoints) * actors_per_endpoint *
            threads_per_actor`` requests in flight in all).
        batch_size: articles per Ray Data batch (a shard holds at most a block's worth).
        actor_num_cpus: CPUs Ray reserves per actor (they wait on the network).
        strict / language: as for :class:`~summarizer.pipeline.Summarizer`.
        wrap_backend: applied to each actor's backend (fault injection in tests).

    Raises:
        ConfigurationError: ``ray`` is not installed, or no endpoint and no model is set.
    """
    ray = _ray()
    settings = settings or Settings()
    fmt = output_format or "jsonl"
    if fmt not in ("jsonl", "parquet"):
        raise ConfigurationError(f"output_format must be jsonl or parquet, not {fmt!r}")
    endpoint_list: list[str | None] = list(endpoints) or [settings.base_url]
    if endpoint_list == [None] and not settings.no_model and settings.backend not in ("local", "fake"):
        raise ConfigurationError(
            "the Ray path needs at least one endpoint (or the parser-only mode)",
            hint="pass --endpoint URL (repeatable), --base-url, or --no-model")
    started = time.perf_counter()
    out_path = Path(out)
    failures_path = Path(failures) if failures else out_path.with_name(
        out_path.name.rstrip("/") + ".failed.jsonl")
    parts = failures_path.with_name(failures_path.name + ".parts")
    _merge_parts(parts, failures_path)  # left over by a crashed run
    done = finished_shard_ids(out_path)
    shards_before = len(list(out_path.glob(f"*.{fmt}"))) if out_path.is_dir() else 0
    out_path.mkdir(parents=True, exist_ok=True)
    parts.mkdir(parents=True, exist_ok=True)

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    counter = _counter_class(ray).remote()
    dataset = _read(ray, source)
    total = dataset.count()
    if done:
        dataset = dataset.map_batches(_skip, fn_kwargs={"done": done}, batch_format="numpy",
                                      batch_size=None)
    analysed = dataset.map_batches(
        _Analyser,
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=len(endpoint_list) * actors_per_endpoint),
        num_cpus=actor_num_cpus,
        fn_constructor_kwargs={
            "endpoints": endpoint_list, "settings": settings, "counter": counter,
            "threads": threads_per_actor, "strict": strict, "language": language,
            "wrap_backend": wrap_backend,
        },
    )  # Ray Data restarts a dead actor and re-runs its task by default
    sink = _sink_class()(str(out_path.resolve()), parts=str(parts.resolve()), fmt=fmt)
    analysed.write_datasink(sink)
    failed = _merge_parts(parts, failures_path)
    ok_now = finished_shard_ids(out_path)
    shards = len(list(out_path.glob(f"*.{fmt}"))) - shards_before
    return RayRunSummary(ok=len(ok_now - done), failed=failed, skipped=min(len(done), total),
                         shards=shards, elapsed_s=round(time.perf_counter() - started, 3))
