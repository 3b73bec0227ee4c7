"""Throughput of the Ray Data fleet path with 1 and 2 endpoints (not a test).

Run:  python benchmarks/ray_scaling.py [--articles 240] [--latency 0.2] [--threads 4] [--capacity 4] [--cpus 2]

Each endpoint is a loopback chat-completions server (``summarizer.testing.ScriptedServer``)
that answers every request with a valid, grounded answer after ``--latency`` seconds, at
most ``--capacity`` requests at once, as a busy vLLM replica would. One local Ray (``--cpus`` CPUs, no dashboard) runs both arms, one
after the other, on the same articles: ``summarizer.batch.ray_fleet.run`` with one actor per
endpoint and ``--threads`` articles in flight per actor, so the fleet has ``endpoints x
threads`` requests in flight and the ideal ratio is 2.0. Each arm writes to a fresh output
folder. A control arm runs two actors on one endpoint: on a small machine each actor's CPU
(parsing and verification) can be the bound, and the control tells that apart from the
endpoints' latency. Reported: wall time of the whole ``run`` call (reading, analysis, writing shards;
Ray's start-up is paid once before both arms) and articles per second; the ratio is
measured in this run, never assumed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

def _good(n: int) -> dict[str, Any]:
    """A verified summary of article ``n`` (three key points for its three sentences)."""
    return {
        "h": "Council approves budget",
        "a": "The city council approved the budget.",
        "k": [{"x": "The city council approved the budget on Monday.", "e": [1]},
              {"x": f"The vote was {n} to 3.", "e": [2]},
              {"x": "Residents will see new parks next year.", "e": [3]}],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--parser", choices=["off", "auto"], default="off",
                        help="'off' (rules, cheap) keeps the client CPU out of the way; 'auto' "
                        "parses every article with spaCy where a parser is pulled")
    parser.add_argument("--capacity", type=int, default=4,
                        help="requests one endpoint serves at once (a replica's batch size)")
    args = parser.parse_args(argv)

    try:
        import ray
    except ImportError:
        print("needs ray: pip install 'summarizer[ray]'", file=sys.stderr)
        return 2
    from summarizer.batch.ray_fleet import run
    from summarizer.core.settings import Settings
    from summarizer.testing import Reply, ScriptedServer

    work = Path(tempfile.mkdtemp(prefix="ray-scaling-"))  # left for inspection
    src = work / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(args.articles):
            fh.write(json.dumps({"id": f"a{i}", "text": (
                f"The city council approved the budget on Monday. The vote was {i} to 3. "
                "Residents will see new parks next year.")}) + "\n")
    settings = Settings(model="m", mode="tools", transport_retries=0, parser=args.parser)

    def endpoint() -> Any:
        slots = threading.Semaphore(args.capacity)  # one replica: --capacity requests at once

        def answer(body: dict[str, Any]) -> Reply:
            text = " ".join(str(m.get("content")) for m in body["messages"])
            n = int(text.split("The vote was ")[1].split(" ")[0])
            with slots:
                time.sleep(args.latency)
            return Reply(content=_good(n))

        return answer

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    rates: dict[int, float] = {}
    try:
        with ScriptedServer(handler=endpoint()) as one, ScriptedServer(handler=endpoint()) as two:
            arms = [("1 endpoint, 1 actor", [one.base_url], 1),
                    ("2 endpoints, 1 actor each", [one.base_url, two.base_url], 1),
                    ("control: 1 endpoint, 2 actors", [one.base_url], 2)]
            for n, (label, endpoints, actors) in enumerate(arms):
                started = time.perf_counter()
                summary = run(src, work / f"out-{n}", endpoints=endpoints, settings=settings,
                              actors_per_endpoint=actors, threads_per_actor=args.threads,
                              batch_size=16)
                elapsed = time.perf_counter() - started
                if summary.ok != args.articles:
                    print(f"only {summary.ok} of {args.articles} articles ok", file=sys.stderr)
                    return 1
                rates[n] = args.articles / elapsed
                in_flight = min(len(endpoints) * actors * args.threads,
                                len(endpoints) * args.capacity)
                print(f"{label}: {args.articles} articles in {elapsed:.2f} s = {rates[n]:.1f} "
                      f"articles/s (endpoint bound {in_flight / args.latency:.1f}/s)")
    finally:
        ray.shutdown()
    print(f"scaling 1 -> 2 endpoints: {rates[1] / rates[0]:.2f}x; control (2 actors on one "
          f"endpoint): {rates[2] / rates[0]:.2f}x ({args.articles} articles, {args.threads} "
          f"threads per actor, {args.capacity} requests at once per endpoint, {args.cpus} CPUs, "
          f"{args.latency * 1000:.0f} ms latency, parser {args.parser})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
