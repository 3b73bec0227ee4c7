"""``summarizer batch IN.jsonl|FOLDER -o OUT.jsonl``: many articles, restartable.

File formats (documented in ``docs/batch.md``):

* input — JSONL, one ``{"text": ..., "id"?: ..., "title"?, "outlet"?, "date"?, "url"?}`` per
  line, or a folder whose ``.txt`` / ``.text`` / ``.md`` / ``.html`` / ``.htm`` files are the
  articles (and whose ``.jsonl`` files are read line by line; subfolders with
  ``--recursive``), each with its path relative to the folder, without the suffix, as id; or
  one article file. Read by the one article loader, :mod:`summarizer.core.loader` (its docstring
  has the rules: derived ids, duplicate ids an error, front matter, error reasons);
* ``OUT`` — append-only JSONL, one line per finished article: the
  :class:`~summarizer.core.models.ArticleAnalysis` JSON with an extra top-level ``"id"``;
* ``FAILED`` — append-only JSONL, one line per failed article per run: ``"id"``, the error
  class, message, reason attributes, model calls, tokens and cost.

Every line is written with a single ``write`` on an ``O_APPEND`` descriptor, so it is either
wholly in the file or (after a crash mid-write) a torn last line without a newline, which
``--resume`` truncates away. An id is finished exactly when it has a line in ``OUT``.

Over 400 lines: the command's three routes (in process, the Batch API, Ray) share its option checks, output files and exit codes, which are the command's contract.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..batch import BatchItem, ItemError, ItemResult, summarize_many
from ..batch.ray_fleet import run
from ..core.document import Document
from ..core.errors import BadInputError
from ..core.inputs import read_document
from ..core.loader import read_articles
from ..core.models import Usage
from ..pipeline import Summarizer
from ..core.settings import Settings
from ..store import Store
from .common import settings_from_flags
from .options import BackendName, BaseUrl, Lenient, MaxReasks, Mode, Model, ModelPath, NoCache, NoModel, ShowProgress

__all__ = ["JsonlAppender", "finished_ids", "load_items", "recover_jsonl"]



class JsonlAppender:
    """Append complete JSON lines to a file, crash-safely.

    Each line goes out in one ``os.write`` on an ``O_APPEND`` descriptor (no user-space
    buffer to lose, no interleaving); the file is fsynced every ``fsync_every`` lines or
    ``fsync_s`` seconds, and on close. New files are created readable by the owner only.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "out.jsonl"
        >>> with JsonlAppender(path) as out:
        ...     out.write({"id": "a", "ok": True})
        >>> path.read_text()
        '{"id":"a","ok":true}\\n'
    """

    def __init__(self, path: Path, *, fsync_every: int = 50, fsync_s: float = 2.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR)
        self._fsync_every = fsync_every
        self._fsync_s = fsync_s
        self._unsynced = 0
        self._last_sync = time.monotonic()
        self.lines = 0

    def write(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:  # a regular file takes the whole line in one call; loop only on a short write
            written = os.write(self._fd, view)
            view = view[written:]
        self.lines += 1
        self._unsynced += 1
        if self._unsynced >= self._fsync_every or time.monotonic() - self._last_sync >= self._fsync_s:
            self.sync()

    def sync(self) -> None:
        if self._unsynced:
            os.fsync(self._fd)
            self._unsynced = 0
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd >= 0:
            self.sync()
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recover_jsonl(path: Path) -> int:
    """Cut a torn last line (bytes after the final newline) off ``path``; return bytes cut."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        block = 1 << 16
        end = size
        while end > 0:
            start = max(0, end - block)
            fh.seek(start)
            chunk = fh.read(end - start)
            if end == size and chunk.endswith(b"\n"):
                return 0
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return size - keep


def finished_ids(path: Path) -> tuple[set[str], int]:
    """Ids with a line in ``path`` (after :func:`recover_jsonl`), and unreadable lines seen."""
    ids: set[str] = set()
    bad = 0
    if not path.exists():
        return ids, bad
    with path.open("rb") as fh:
        for raw in fh:
            try:
                record = json.loads(raw)
            except ValueError:
                bad += 1
                continue
            if isinstance(record, dict) and record.get("id") is not None:
                ids.add(str(record["id"]))
            else:
                bad += 1
    return ids, bad


@dataclass
class LoadedItems:
    """The batch to run: ids and items in input order, plus items that failed to load."""

    ids: list[str] = field(default_factory=list)
    items: list[BatchItem] = field(default_factory=list)
    failed: list[tuple[str, BadInputError]] = field(default_factory=list)


def load_items(source: Path, *, settings: Settings, recursive: bool = False) -> LoadedItems:
    """Read a JSONL file, a folder of articles or one article file with the one article loader
    (:mod:`summarizer.core.loader`: its rules for ids, duplicates, folders, suffixes and errors).

    An article that cannot be read is a failed item (written to the failures file, never
    sent); a problem with ``source`` itself, or a duplicate id, fails the whole batch up front.

    Raises:
        BadInputError: ``source`` does not exist or cannot be read, a folder without article
            files, or duplicate ids.
    """
    found = read_articles([source], max_chars=settings.max_chars, recursive=recursive)
    whole = [f for f in found.failures if f.whole_input]
    if whole:
        raise whole[0].error
    loaded = LoadedItems()
    failures = {f.id: f for f in found.failures}
    documents = iter(found.documents)
    for item_id in found.ids:
        loaded.ids.append(item_id)
        if item_id in failures:
            loaded.items.append(Document(text="", id=item_id))  # placeholder; never sent
            loaded.failed.append((item_id, failures[item_id].error))
        else:
            loaded.items.append(next(documents))
    return loaded


def success_line(result: ItemResult) -> dict[str, Any]:
    """The ``OUT`` line of a finished item: its analysis plus a top-level ``id``."""
    if result.analysis is None:
        raise ValueError(f"item {result.id!r} has no analysis; write a failure line instead")
    return {"id": result.id, **result.analysis.model_dump(mode="json")}


def failure_line(item_id: str, error: ItemError, result: ItemResult | None = None) -> dict[str, Any]:
    """The ``FAILED`` line of a failed item."""
    line: dict[str, Any] = {"id": item_id, **error.model_dump(mode="json")}
    line["calls"] = result.calls if result else 0
    line["usage"] = (result.usage if result else Usage()).model_dump(mode="json")
    line["cost_usd"] = result.cost_usd if result else 0.0
    line["failed_at"] = datetime.now(UTC).isoformat()
    return line


class _Totals:
    def __init__(self) -> None:
        self.ok = self.failed = self.cached = self.calls = 0
        self.usage = Usage()
        self.cost = 0.0
        self.unpriced = False

    def add(self, result: ItemResult) -> None:
        if result.ok:
            self.ok += 1
            self.cached += int(result.cached)
        else:
            self.failed += 1
        self.calls += result.calls
        self.usage = self.usage + result.usage
        if result.cost_usd is None:
            self.unpriced = True
        else:
            self.cost += result.cost_usd

    def cost_text(self) -> str:
        return f"${self.cost:.4f}" + ("+?" if self.unpriced else "")


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[stats]}"),
        console=console,
        disable=not enabled,
        transient=False,
    )


def _via_ray(
    source: Path, out: Path, *, settings: Settings, address: str, endpoints: list[str],
    resume: bool, failures: Path | None, output_format: str, threads: int,
    actors_per_endpoint: int, strict: bool, language: str | None, console: Console,
) -> None:
    """``--ray ADDRESS``: the same analysis on a Ray Data actor pool (:mod:`summarizer.batch.ray_fleet`)."""
    if out.exists() and not out.is_dir():
        console.print(f"summarizer: error: with --ray, OUT is a folder of shards; {out} is a file",
                      highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    if out.is_dir() and any(out.iterdir()) and not resume:
        console.print(f"summarizer: error: {out} has shards; pass --resume to skip their ids, or "
                      "choose another --out", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    summary = run(source, out, endpoints=endpoints, settings=settings,
                  address=None if address == "local" else address, failures=failures,
                  output_format=output_format, actors_per_endpoint=actors_per_endpoint,
                  threads_per_actor=threads, strict=strict, language=language)
    console.print(
        f"{summary.ok} ok, {summary.failed} failed, {summary.skipped} skipped; {summary.shards} "
        f"new shard(s) in {out}, {summary.elapsed_s:.1f} s", highlight=False, soft_wrap=True)
    if summary.failed:
        raise typer.Exit(1)


def _via_openai_batch(
    ids: list[str], items: list[BatchItem], *, settings: Settings, options: dict[str, Any],
    store: Store, out: Path, done: set[str], on_result: Any, bar: Progress,
    reask_direct: bool, poll_s: float, concurrency: int,
) -> None:
    """``--via openai-batch``: the same items through :mod:`summarizer.batch.openai_batch`."""
    # instructor and openai take ~1.4 s to import: not on every CLI start.
    from ..batch.openai_batch import make_summarizers, run_openai_batch

    docs: list[Document] = []
    keep: list[str] = []
    for item_id, item in zip(ids, items, strict=True):
        try:
            docs.append(item if isinstance(item, Document) else
                        read_document(item, max_chars=settings.max_chars, id=item_id))
            keep.append(item_id)
        except BadInputError as exc:
            on_result(ItemResult(index=len(keep), id=item_id, error=ItemError.from_exception(exc)))
    batch_s, direct_s, client = make_summarizers(settings, **options)
    tasks: dict[int, Any] = {}

    def on_poll(round_no: int, status: str, finished: int, total: int) -> None:
        if round_no not in tasks:
            tasks[round_no] = bar.add_task(f"openai batch {round_no}", total=total, rate="", stats="")
        bar.update(tasks[round_no], completed=finished, total=total, stats=status)

    try:
        summary = run_openai_batch(
            keep, docs, summarizer=batch_s, direct=direct_s, client=client, store=store,
            job_key=str(out.resolve()), on_result=on_result, done=set(done),
            reask_direct=reask_direct, poll_s=poll_s, progress=on_poll, concurrency=concurrency,
        )
    finally:
        client.close()
    bar.console.print(
        f"openai batch job {summary.job}: {summary.rounds} round(s), batches created "
        f"{', '.join(summary.created) or 'none'}"
        + (f", resumed {', '.join(summary.reused)}" if summary.reused else "")
        + (f"; {summary.direct} article(s) through the direct path" if summary.direct else ""),
        highlight=False, soft_wrap=True,
    )


def batch(
    source: Path = typer.Argument(..., help="IN.jsonl ({\"text\",\"id\"?,...} per line), a folder of .txt/.md/.html/.jsonl files, or one article file."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Also read the folder's subfolders (ids are relative paths)."),
    out: Path = typer.Option(..., "--out", "-o", help="Results, one JSON line per finished article."),
    concurrency: int = typer.Option(8, "--concurrency", "-c", min=1, help="Model calls in flight."),
    resume: bool = typer.Option(False, "--resume", help="Skip ids already in OUT; retry the rest."),
    failures: Path | None = typer.Option(None, "--failures", help="Failure lines (default OUT.failed.jsonl)."),
    backend: BackendName = None,
    model: Model = None,
    base_url: BaseUrl = None,
    mode: Mode = None,
    model_path: ModelPath = None,
    max_reasks: MaxReasks = None,
    language: str | None = typer.Option(None, "--language", help="Summary language (default: each article's)."),
    lenient: Lenient = False,
    no_cache: NoCache = False,
    progress: ShowProgress = None,
    no_model: NoModel = False,
    via: str = typer.Option("direct", "--via", help="direct (one call per attempt) | openai-batch (the OpenAI Batch API, half price)."),
    reask_direct: bool = typer.Option(False, "--reask-direct", help="openai-batch: send re-asks through the direct path instead of another batch."),
    poll_interval: float = typer.Option(30.0, "--poll-interval", min=0.0, help="openai-batch: seconds between status polls."),
    ray: str | None = typer.Option(None, "--ray", metavar="ADDRESS", help="Run on Ray Data: 'local' starts Ray here; 'auto' or ray://HOST:10001 joins a cluster. OUT is then a folder of shards."),
    endpoint: list[str] = typer.Option([], "--endpoint", help="--ray: an OpenAI-compatible base URL; repeat for a fleet (actors are spread round-robin)."),
    actors_per_endpoint: int = typer.Option(1, "--actors-per-endpoint", min=1, help="--ray: actors per endpoint (each runs --concurrency articles at once)."),
    output_format: str = typer.Option("jsonl", "--output-format", help="--ray: shard format, jsonl or parquet."),
) -> None:
    """Analyse many articles; every finished one is saved at once, so a run can be resumed.

    Exit status: 0 when every article succeeded, 1 when some failed (see the failures file),
    130 when interrupted (everything finished so far is saved; rerun with --resume).
    """
    if via not in ("direct", "openai-batch"):
        raise typer.BadParameter(f"--via must be direct or openai-batch, not {via!r}")
    settings = settings_from_flags(
        no_model=no_model or None, model=model, base_url=base_url, backend=backend, model_path=model_path, mode=mode,
        max_reasks=max_reasks,
    )
    console = Console(stderr=True)
    if ray is not None:
        _via_ray(source, out, settings=settings, address=ray, endpoints=endpoint, resume=resume,
                 failures=failures, output_format=output_format, threads=concurrency,
                 actors_per_endpoint=actors_per_endpoint, strict=not lenient,
                 language=language, console=console)
        return
    failures = failures or out.with_name(out.name.removesuffix(".jsonl") + ".failed.jsonl")
    if out.exists() and out.stat().st_size > 0 and not resume:
        console.print(f"summarizer: error: {out} exists; pass --resume to continue it, or choose "
                      "another --out", style=None, highlight=False, soft_wrap=True)
        raise typer.Exit(2)

    loaded = load_items(source, settings=settings, recursive=recursive)
    done: set[str] = set()
    if resume:
        for path in (out, failures):
            cut = recover_jsonl(path)
            if cut:
                console.print(f"[yellow]{path}: removed a torn last line ({cut} bytes)")
        done, bad = finished_ids(out)
        if bad:
            console.print(f"[yellow]{out}: {bad} unreadable lines ignored")
    preloaded = {item_id for item_id, _ in loaded.failed}
    todo = [i for i, item_id in enumerate(loaded.ids) if item_id not in done and item_id not in preloaded]
    skipped = sum(1 for item_id in loaded.ids if item_id in done)

    store = Store.from_settings(settings)
    options: dict[str, Any] = dict(strict=not lenient, language=language,
                                   cache=None if no_cache else store, on_call=store.log_call)
    summarizer = None if via == "openai-batch" else Summarizer(settings=settings, **options)
    totals = _Totals()
    started = time.perf_counter()
    interrupted = False
    show = console.is_terminal if progress is None else progress
    with JsonlAppender(out) as ok_file, JsonlAppender(failures) as failed_file, _progress(console, show) as bar:
        for item_id, exc in loaded.failed:
            if item_id not in done:
                totals.failed += 1
                failed_file.write(failure_line(item_id, ItemError.from_exception(exc)))
        task = bar.add_task(
            f"batch ({skipped} already done)" if skipped else "batch",
            total=len(todo), rate="", stats="",
        )

        def on_result(result: ItemResult) -> None:
            if result.error is None:
                ok_file.write(success_line(result))
            else:
                failed_file.write(failure_line(result.id, result.error, result))
            totals.add(result)
            elapsed = time.perf_counter() - started
            bar.update(
                task,
                advance=1,
                rate=f"{(totals.ok + totals.failed) / elapsed:.1f}/s" if elapsed > 0 else "",
                stats=f"tok {totals.usage.total_tokens:,} {totals.cost_text()} fail {totals.failed}",
            )

        try:
            if via == "openai-batch":
                _via_openai_batch(
                    [loaded.ids[i] for i in todo], [loaded.items[i] for i in todo],
                    settings=settings, options=options, store=store, out=out, done=done,
                    on_result=on_result, bar=bar, reask_direct=reask_direct,
                    poll_s=poll_interval, concurrency=concurrency,
                )
            else:
                assert summarizer is not None
                summarize_many(
                    [loaded.items[i] for i in todo],
                    ids=[loaded.ids[i] for i in todo],
                    summarizer=summarizer,
                    concurrency=concurrency,
                    on_result=on_result,
                )
        except KeyboardInterrupt:
            interrupted = True
    store.close()
    elapsed = time.perf_counter() - started
    console.print(
        f"{totals.ok} ok ({totals.cached} cached), {totals.failed} failed, {skipped} skipped; "
        f"{totals.calls} model calls, {totals.usage.prompt_tokens:,} + "
        f"{totals.usage.completion_tokens:,} tokens, {totals.cost_text()}, {elapsed:.1f} s"
        + (f"; failures in {failures}" if totals.failed else "")
    )
    if interrupted:
        console.print(f"[yellow]interrupted: finished articles are saved in {out}; rerun with --resume")
        # Everything finished is written and the store is closed. The batch's daemon workers
        # may be inside native code (spaCy's BLIS, llama.cpp): letting the interpreter tear
        # down under them can abort the process (SIGABRT instead of exit 130), so leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    if totals.failed:
        raise typer.Exit(1)
