"""The briefing's model-judged comparisons: scored (compare@3) against generated (compare@2),
on the same claim groups in the same run (not a test).

Run (a real model; one model process at a time):

    flock /work/model.lock python benchmarks/compare_speed.py [--model qwen2.5-coder-1.5b]
        [--repeats 2] [--out benchmarks/results/compare_speed.txt]

The three example articles (``examples/briefing``) are analysed once into a temporary store
(that time is printed but is not part of the comparison). Then the note is built ``--repeats``
times with each compare mode, alternating (generate, score, generate, score, ...), each time
with the ask cache removed, so every note asks its compare questions afresh while reusing the
cached analyses: the only difference between the arms is how the groups are judged. Printed:
the note time and calls of each run, the median per arm, the ratio score / generate, and the
relations each arm gave.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from summarizer.briefing import brief, load_articles
from summarizer.core.settings import Settings
from summarizer.pipeline import Summarizer
from summarizer.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "briefing"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--base-url", help="an OpenAI-compatible endpoint instead of the embedded model")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", type=Path, help="also write the report here")
    args = ap.parse_args(argv)

    settings = Settings.from_env().model_copy(
        update={k: v for k, v in (("model", args.model), ("base_url", args.base_url)) if v})
    docs, _ = load_articles([EXAMPLES])
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        asks = path.with_name(path.name + ".briefing-asks.json")
        with Store(path) as store:
            summarizer = Summarizer(settings=settings, strict=False, cache=store)
            started = time.perf_counter()
            for doc in docs:
                summarizer.summarize(doc)
            say(f"analyses of {len(docs)} articles (once, cached; not compared): "
                f"{time.perf_counter() - started:.1f} s")
            times: dict[str, list[float]] = {"generate": [], "score": []}
            relations: dict[str, list[str]] = {}
            for i in range(args.repeats):
                for mode in ("generate", "score"):
                    asks.unlink(missing_ok=True)
                    note = brief(docs, summarizer=summarizer, compare_by=mode)
                    judged = [g.relation or "undecided" for g in note.comparisons if g.found_by == "model"]
                    relations.setdefault(mode, judged)
                    times[mode].append(note.methods.latency_s)
                    say(f"run {i + 1} {mode:8s}: {note.methods.latency_s:6.1f} s, "
                        f"{note.methods.model_calls} model calls, relations {judged}")
    med = {m: statistics.median(t) for m, t in times.items()}
    say(f"median note time: generate {med['generate']:.1f} s, score {med['score']:.1f} s; "
        f"ratio score/generate {med['score'] / med['generate']:.2f}" if med["generate"] else
        "no generate time measured")
    say(f"relations: generate {relations.get('generate')}, score {relations.get('score')}")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
