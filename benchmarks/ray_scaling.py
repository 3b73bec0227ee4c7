"""Throughput of the Ray Data fleet path with 1 and 2 endpoints (not a test).

Run:  python benchmarks/ray_scaling.py [--articles 240] [--latency 0.2] [--threads 4] [--cpus 2]

Each endpoint is a loopback chat-completions server (``summarizer.testing.ScriptedServer``)
that answers every request with a valid, grounded answer after ``--latency`` seconds, as a
busy vLLM replica would. One local Ray (``--cpus`` CPUs, no dashboard) runs both arms, one
after the other, on the same articles: ``summarizer.batch_ray.run`` with one actor per
endpoint and ``--threads`` articles in flight per actor, so the fleet has ``endpoints x
threads`` requests in flight and the ideal ratio is 2.0. Each arm writes to a fresh output
folder. Reported: wall time of the whole ``run`` call (reading, analysis, writing shards;
Ray's start-up is paid once before both arms) and articles per second; the ratio is
measured in this run, never assumed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

GOOD = {
    "h": "Council approves budget",
    "a": "The city council approved the budget.",
    "k": [{"x": "The city council approved the budget on Monday.", "e": [1]}],
    "c": [],
    "s": [],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cpus", type=int, default=2)
    args = parser.parse_args(argv)

    try:
        import ray
    except ImportError:
        print("needs ray: pip install 'summarizer[ray]'", file=sys.stderr)
        return 2
    from summarizer.batch_ray import run
    from summarizer.settings import Settings
    from summarizer.testing import Reply, ScriptedServer

    work = Path(tempfile.mkdtemp(prefix="ray-scaling-"))
    src = work / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(args.articles):
            fh.write(json.dumps({"id": f"a{i}", "text": (
                f"The city council approved the budget on Monday. The vote was {i} to 3. "
                "Residents will see new parks next year.")}) + "\n")
    settings = Settings(model="m", mode="tools", transport_retries=0)
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    rates: dict[int, float] = {}
    try:
        with ScriptedServer(default=Reply(content=GOOD, delay_s=args.latency)) as one, \
                ScriptedServer(default=Reply(content=GOOD, delay_s=args.latency)) as two:
            for endpoints in ([one.base_url], [one.base_url, two.base_url]):
                started = time.perf_counter()
                summary = run(src, work / f"out-{len(endpoints)}", endpoints=endpoints,
                              settings=settings, threads_per_actor=args.threads, batch_size=16)
                elapsed = time.perf_counter() - started
                if summary.ok != args.articles:
                    print(f"only {summary.ok} of {args.articles} articles ok", file=sys.stderr)
                    return 1
                rates[len(endpoints)] = args.articles / elapsed
                print(f"{len(endpoints)} endpoint(s): {args.articles} articles in {elapsed:.2f} s "
                      f"= {rates[len(endpoints)]:.1f} articles/s "
                      f"(ideal {len(endpoints) * args.threads / args.latency:.1f}/s at "
                      f"{args.latency * 1000:.0f} ms)")
    finally:
        ray.shutdown()
    print(f"scaling 1 -> 2 endpoints: {rates[2] / rates[1]:.2f}x "
          f"({args.articles} articles, {args.threads} threads per actor, {args.cpus} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
