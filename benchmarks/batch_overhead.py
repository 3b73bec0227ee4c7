"""Batch throughput of ``summarize_many`` against a raw ``openai`` client loop (not a test).

Run:  python benchmarks/batch_overhead.py [--articles 500] [--repeats 3] [--out FILE]

A loopback OpenAI-compatible server (``summarizer.testing.ScriptedServer``, in its own
process so its CPU use does not share the client's GIL) answers every request with the
valid, grounded wire answer for the seed article — instantly, or after a delay. Both arms of
each comparison talk to the same server. Sections:

1. overhead — N distinct articles (the seed article plus a numbered last sentence, so no
   cache hits) through ``summarize_many`` (store on: cache lookups, cache writes, call log)
   vs a thread pool sending the *same* request bodies with a bare ``openai.OpenAI`` client
   and only ``json.loads``-ing the answer; both at concurrency 8. Target ratio >= 0.95.
2. scaling — 200 ms server latency, ``summarize_many`` at concurrency 1, 4, 16, 64.
   Target >= 12x sequential at 16.
3. cache — latency of one cache hit (target < 5 ms) and of a full re-run that is all hits.
4. profile — pyinstrument on the sequential pipeline path: where the remaining time goes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import openai

from summarizer import Document, Settings, Summarizer, summarize_many
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "global-times-2024-06-19-russia-dprk-treaty.txt"
ANSWER = ROOT / "tests" / "data" / "seed_answer.json"


# -- the server (child process) ---------------------------------------------------------------


def _serve(delay_s: float, conn: Connection, capture: int) -> None:
    from summarizer.testing.server import Reply, ScriptedServer

    answer = json.loads(ANSWER.read_text(encoding="utf-8"))
    captured: list[dict[str, Any]] = []

    def handler(body: dict[str, Any]) -> Reply:
        if len(captured) < capture:
            captured.append(body)
        return Reply(content=answer, delay_s=delay_s)

    with ScriptedServer(handler=handler) as server:
        server.requests = _Discard()  # type: ignore[assignment]  # do not keep every body
        conn.send(server.base_url)
        while True:
            command = conn.recv()
            if command == "captured":
                conn.send(captured[:])
            elif command == "stop":
                return


class _Discard(list):  # type: ignore[type-arg]
    def append(self, item: object) -> None:
        return


class Server:
    """A ScriptedServer in a child process."""

    def __init__(self, delay_s: float, *, capture: int = 0) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(delay_s, child, capture), daemon=True)
        self._proc.start()
        self.base_url: str = self._conn.recv()

    def captured(self) -> list[dict[str, Any]]:
        self._conn.send("captured")
        result: list[dict[str, Any]] = self._conn.recv()
        return result

    def close(self) -> None:
        self._conn.send("stop")
        self._proc.join(5)


# -- arms -----------------------------------------------------------------------------------


def articles(n: int, tag: str = "") -> list[Document]:
    seed = SEED.read_text(encoding="utf-8")
    return [Document(text=f"{seed}\n\nReference {tag}{i}.", id=f"{tag}{i}") for i in range(n)]


def make_summarizer(base_url: str, store: Store | None) -> Summarizer:
    backend = OpenAIBackend(model="bench-model", base_url=base_url, api_key="sk-bench-placeholder",
                            mode="tools", transport_retries=0, timeout_s=30)
    return Summarizer(backend=backend, settings=Settings(max_reasks=0), cache=store,
                      on_call=store.log_call if store else None)


def run_pipeline(base_url: str, docs: list[Document], concurrency: int, store: Store | None) -> float:
    summarizer = make_summarizer(base_url, store)
    started = time.perf_counter()
    results = summarize_many(docs, summarizer=summarizer, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"pipeline arm: {len(failed)} failures, first: {failed[0].error}")
    return len(docs) / elapsed


def run_raw(base_url: str, bodies: list[dict[str, Any]], concurrency: int) -> float:
    client = openai.OpenAI(base_url=base_url, api_key="sk-bench-placeholder", max_retries=0, timeout=30)

    def one(body: dict[str, Any]) -> dict[str, Any]:
        response = client.chat.completions.create(**body)
        message = response.choices[0].message
        text = message.tool_calls[0].function.arguments if message.tool_calls else message.content
        data: dict[str, Any] = json.loads(text or "{}")
        return data

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        answers = list(pool.map(one, bodies))
    elapsed = time.perf_counter() - started
    if not all("k" in a for a in answers):
        raise SystemExit("raw arm: an answer did not parse")
    return len(bodies) / elapsed


# -- sections -------------------------------------------------------------------------------


def section_overhead(n: int, repeats: int, tmp: Path, say: Callable[[str], None]) -> None:
    say(f"## 1. overhead: {n} articles, concurrency 8, instant server")
    server = Server(0.0, capture=n)
    try:
        # warm-up and capture of the exact request bodies the pipeline sends
        run_pipeline(server.base_url, articles(n, "w"), 8, None)
        bodies = server.captured()
        pipe, pipe_nostore, raw = [], [], []
        for r in range(repeats):
            store = Store(tmp / f"overhead-{r}.db")
            pipe.append(run_pipeline(server.base_url, articles(n, f"r{r}-"), 8, store))
            store.close()
            raw.append(run_raw(server.base_url, bodies, 8))
            pipe_nostore.append(run_pipeline(server.base_url, articles(n, f"n{r}-"), 8, None))
    finally:
        server.close()
    p, q, w = statistics.median(pipe), statistics.median(pipe_nostore), statistics.median(raw)
    say(f"raw openai client loop:            {w:8.1f} articles/s  (runs: {_fmt(raw)})")
    say(f"summarize_many, store on:          {p:8.1f} articles/s  (runs: {_fmt(pipe)})")
    say(f"summarize_many, no store:          {q:8.1f} articles/s  (runs: {_fmt(pipe_nostore)})")
    say(f"ratio (store on / raw):            {p / w:8.3f}   target >= 0.95")
    say(f"ratio (no store / raw):            {q / w:8.3f}")
    say(f"per-article client time: raw {1000 / w:.2f} ms, pipeline {1000 / p:.2f} ms "
        f"(+{1000 / p - 1000 / w:.2f} ms)")


def section_scaling(delay_s: float, say: Callable[[str], None]) -> None:
    say(f"\n## 2. scaling: server latency {delay_s * 1000:.0f} ms, no cache")
    server = Server(delay_s)
    try:
        base = None
        for concurrency in (1, 4, 16, 64):
            n = max(12, concurrency * 5)
            rate = run_pipeline(server.base_url, articles(n, f"s{concurrency}-"), concurrency, None)
            base = base or rate
            ideal = concurrency / delay_s
            say(f"concurrency {concurrency:3d}: {rate:7.1f} articles/s  {rate / base:5.1f}x sequential  "
                f"({rate / ideal:4.0%} of the {ideal:.0f}/s latency bound; {n} articles)")
    finally:
        server.close()
    say("target: >= 12x sequential at concurrency 16")


def section_cache(n: int, tmp: Path, say: Callable[[str], None]) -> None:
    say(f"\n## 3. cache: store at {tmp.name}/cache.db")
    server = Server(0.0)
    try:
        store = Store(tmp / "cache.db")
        summarizer = make_summarizer(server.base_url, store)
        docs = articles(n, "c")
        first = summarize_many(docs, summarizer=summarizer, concurrency=8)
        if not all(r.ok for r in first):
            raise SystemExit("cache section: the first run failed")
        text, doc_id = docs[0].text, docs[0].id
        latencies = []
        for _ in range(200):
            started = time.perf_counter()
            hit = summarizer.summarize(text, id=doc_id)
            latencies.append(time.perf_counter() - started)
            if not hit.meta.cached:
                raise SystemExit("cache section: expected a hit")
        latencies.sort()
        say(f"one cache hit (summarize(text)): p50 {latencies[100] * 1000:.2f} ms, "
            f"p95 {latencies[190] * 1000:.2f} ms   target < 5 ms")
        started = time.perf_counter()
        again = summarize_many(articles(n, "c"), summarizer=summarizer, concurrency=8)
        elapsed = time.perf_counter() - started
        if not all(r.cached for r in again):
            raise SystemExit("cache section: the re-run was not all hits")
        say(f"re-run of {n} articles, all hits: {elapsed:.2f} s total, "
            f"{elapsed / n * 1000:.2f} ms/article, {n / elapsed:.0f} articles/s, 0 model calls")
        store.close()
    finally:
        server.close()


def section_profile(n: int, say: Callable[[str], None]) -> None:
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    say(f"\n## 4. profile: {n} articles sequentially through the pipeline (pyinstrument)")
    server = Server(0.0)
    try:
        summarizer = make_summarizer(server.base_url, None)
        docs = articles(n, "p")
        summarizer.summarize(docs[0])
        profiler = Profiler(interval=0.001)
        profiler.start()
        for doc in docs[1:]:
            summarizer.summarize(doc)
        profiler.stop()
    finally:
        server.close()
    session = profiler.last_session
    if session is None:
        return
    say(f"wall {session.duration:.2f} s for {n - 1} articles = {session.duration / (n - 1) * 1000:.2f} ms/article")
    flat = ConsoleRenderer(unicode=False, color=False, flat=True, time="percent_of_total",
                           show_all=False, short_mode=True).render(session)
    lines = [ln for ln in flat.splitlines() if "%" in ln or ln.strip()[:1].isdigit()]
    say("top self-time hotspots:")
    for line in lines[:18]:
        say("  " + line.strip())


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYINSTRUMENT_IGNORE_OVERHEAD_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--delay-ms", type=float, default=200.0, help="server latency for scaling")
    parser.add_argument("--skip", action="append", default=[], choices=["overhead", "scaling", "cache", "profile"])
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    import platform

    say(f"# batch_overhead  python {platform.python_version()}  openai {openai.__version__}  "
        f"cpus {os.cpu_count()}  load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "overhead" not in args.skip:
            section_overhead(args.articles, args.repeats, tmp, say)
        if "scaling" not in args.skip:
            section_scaling(args.delay_ms / 1000, say)
        if "cache" not in args.skip:
            section_cache(args.articles, tmp, say)
        if "profile" not in args.skip:
            section_profile(100, say)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
