"""Speed benchmark: the embedded pipeline vs a naive instructor baseline, same model, same run.

    flock /work/model.lock python benchmarks/local_speed.py --out benchmarks/results/local_speed.txt
    python benchmarks/local_speed.py --parser-only      # no model: the parser figures alone

Each system runs in its own subprocess (so peak RSS is its own), on the seed article and three
constructed fixture articles, reusing one ``Llama`` per process:

* **ours**: ``Summarizer`` with the local backend (1.5B), default settings: claims from the
  spaCy parse, the summary as the one generated answer (grammar-constrained, verified,
  re-asked), stance labels scored from next-token probabilities.
* **parser**: ``--no-model`` (claims and an extractive summary, no model).
* **baseline**: instructor ``Mode.TOOLS`` in-process on the same model, one call, a plain
  schema (summary, stances, claims each with speaker and a verbatim quote), no caps, no ids.
* **floor**: the physical floor for our answer: prompt processing of the article alone plus
  our output tokens at the measured generation rate.

``--parser-only`` runs the parser system alone (no model is loaded, no lock needed), in
``--repeat`` fresh processes (the rows are the first one's; the cold figure is the median), and
adds the whole command's time, cold: ``summarizer summarize --no-model --no-cache`` on the seed
article in a fresh process (Python start, imports, spaCy load, the analysis, the JSON written),
the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [
    ROOT / "examples" / "global-times-2024-06-19-russia-dprk-treaty.txt",
    ROOT / "evals" / "fixtures" / "health-hospital-waits-anonymous.txt",
    ROOT / "evals" / "fixtures" / "economy-central-bank-hedged.txt",
    ROOT / "evals" / "fixtures" / "courts-rental-ban-split-ruling.txt",
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(model: str, paths: list[Path]) -> list[dict[str, Any]]:
    from summarizer import Settings, Summarizer
    from summarizer.core.errors import SummarizerError

    t_load = time.perf_counter()
    stages: list[tuple[str, float]] = []
    s = Summarizer(settings=Settings(backend="local", model=model),
                   on_progress=lambda stage, detail: stages.append((stage, time.perf_counter())))
    _ = s.backend.llama  # type: ignore[attr-defined]  # load the weights before timing
    load_s = time.perf_counter() - t_load
    rows = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        stages.clear()
        t0 = time.perf_counter()
        try:
            r = s.summarize(text, id=p.stem)
        except SummarizerError as exc:
            rows.append({"article": p.stem, "error": f"{type(exc).__name__}: {exc}"[:300],
                         "wall_s": time.perf_counter() - t0, "rss_mb": _rss_mb()})
            continue
        wall = time.perf_counter() - t0
        spans = [e for c in r.claims for e in c.evidence] + [e for st in r.stances for e in st.evidence]
        verified = sum(text[e.start:e.end] == e.text for e in spans)
        stance_start = next((t for stage, t in stages if stage == "stance labels"), None)
        rows.append({
            "article": p.stem, "wall_s": wall, "prompt_tokens": r.meta.usage.prompt_tokens,
            "output_tokens": r.meta.usage.completion_tokens, "reasks": r.meta.reasks,
            "attempts": r.meta.attempts, "claims": len(r.claims), "stances": len(r.stances),
            "parser_claims": sum(c.origin == "parser" for c in r.claims),
            "rule_claims": sum(c.origin == "rules" for c in r.claims),
            "stance_s": (t0 + wall - stance_start) if stance_start else 0.0,
            "load_s": load_s if not rows else 0.0,
            "evidence": len(spans), "verified": verified, "rss_mb": _rss_mb(),
        })
    return rows


def run_parser(model: str, paths: list[Path]) -> list[dict[str, Any]]:
    """Parser only (``--no-model``): claims and an extractive summary, no model call. The
    first article's time includes loading the spaCy pipeline."""
    from summarizer import Settings, Summarizer

    t_start = time.perf_counter()
    s = Summarizer(settings=Settings(no_model=True))
    rows = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        r = s.summarize(text, id=p.stem)
        rows.append({"article": p.stem, "wall_s": time.perf_counter() - t0,
                     "cold_s": time.perf_counter() - t_start if not rows else None,
                     "claims": len(r.claims), "rss_mb": _rss_mb()})
    return rows


def run_baseline(model: str, paths: list[Path]) -> list[dict[str, Any]]:
    import instructor
    from pydantic import BaseModel

    from summarizer.llm.backends.local import LocalBackend
    from summarizer.analysis.grounding import normalize
    from summarizer.core.settings import Settings

    class Claim(BaseModel):
        speaker: str
        quote: str

    class Stance(BaseModel):
        holder: str
        target: str
        label: str

    class Analysis(BaseModel):
        summary: str
        stances: list[Stance]
        claims: list[Claim]

    llm = LocalBackend.from_settings(Settings(backend="local", model=model)).llama
    create = instructor.patch(create=llm.create_chat_completion_openai_v1, mode=instructor.Mode.TOOLS)
    rows = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        messages = [
            {"role": "system", "content": "Analyse the news article: write a summary, list the "
             "stances (holder, target, favor/against/neutral/mixed) and the claims, each with its "
             "speaker and a verbatim quote from the article."},
            {"role": "user", "content": text},
        ]
        t0 = time.perf_counter()
        try:
            result, raw = create(messages=messages, response_model=Analysis, max_retries=0,
                                 max_tokens=2048, temperature=0.0), None
            raw = getattr(result, "_raw_response", None)
        except Exception as exc:  # the baseline is allowed to fail; we record how
            rows.append({"article": p.stem, "error": f"{type(exc).__name__}: {exc}"[:300],
                         "wall_s": time.perf_counter() - t0, "rss_mb": _rss_mb()})
            continue
        wall = time.perf_counter() - t0
        usage = getattr(raw, "usage", None)
        norm = normalize(text)
        verified = sum(1 for c in result.claims if c.quote.strip() and normalize(c.quote) in norm)
        rows.append({
            "article": p.stem, "wall_s": wall,
            "prompt_tokens": getattr(usage, "prompt_tokens", None),
            "output_tokens": getattr(usage, "completion_tokens", None), "reasks": 0, "attempts": 1,
            "claims": len(result.claims), "stances": len(result.stances),
            "evidence": len(result.claims), "verified": verified, "rss_mb": _rss_mb(),
        })
    return rows


def run_floor(model: str, paths: list[Path]) -> dict[str, Any]:
    """Prompt-processing time of each article alone, and the unconstrained generation rate."""
    from summarizer.llm.backends.local import LocalBackend
    from summarizer.core.document import Document
    from summarizer.core.settings import Settings

    backend = LocalBackend.from_settings(Settings(backend="local", model=model))
    llm = backend.llama
    out: dict[str, Any] = {"prompt_s": {}, "prompt_tokens": {}}
    for p in paths:
        tokens = llm.tokenize(Document(p.read_text(encoding="utf-8")).numbered().encode(), add_bos=True)
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(tokens)
        out["prompt_s"][p.stem] = time.perf_counter() - t0
        out["prompt_tokens"][p.stem] = len(tokens)
    llm.reset()
    t0 = time.perf_counter()
    r = llm.create_completion("Write a long story about a lighthouse keeper.", max_tokens=128,
                              temperature=0.0)
    n = r["usage"]["completion_tokens"]
    out["gen_tok_s"] = n / (time.perf_counter() - t0)
    out["pp_tok_s"] = sum(out["prompt_tokens"].values()) / sum(out["prompt_s"].values())
    return out


def _child(kind: str, model: str, articles: int = len(ARTICLES)) -> Any:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, "--model", model,
                           "--articles", str(articles)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"[{kind}] {json.dumps(result)}", file=sys.stderr, flush=True)  # partial results early
    return result


def cli_cold(repeat: int) -> list[float]:
    """Wall time of ``summarizer summarize --no-model --no-cache`` on the seed article, each
    run a fresh process; the response cache is off (a hit would skip the parser) and the call
    log goes to a throwaway store."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SUMMARIZER_STORE": str(Path(tmp) / "store.db")}
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "summarizer", "summarize", "--no-model",
                            "--no-cache", "-f", "json", str(ARTICLES[0]), "-o",
                            str(Path(tmp) / "out.json")], check=True, cwd=ROOT, env=env,
                           capture_output=True)
            times.append(time.perf_counter() - t0)
    return times


def parser_lines(parser: list[dict[str, Any]], ours: list[dict[str, Any]] | None) -> list[str]:
    lines = ["parser only (--no-model; the first article includes loading spaCy):"]
    for i, r in enumerate(parser):
        o = ours[i] if ours is not None and i < len(ours) else None
        line = f"  {r['article'][:34]:34} {r['wall_s']:6.3f} s"
        if r.get("cold_s"):
            line += f"  (cold {r['cold_s']:.2f} s)"
        if o is not None and "error" not in o and r["wall_s"]:
            line += f"  vs ours {o['wall_s'] / r['wall_s']:.0f}x faster"
        lines.append(line)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--child", choices=["ours", "baseline", "floor", "parser"])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--articles", type=int, default=len(ARTICLES),
                    help="use the first N articles (1 = the seed article only)")
    ap.add_argument("--parser-only", action="store_true",
                    help="run only the parser system (no model) and time the whole "
                    "`summarize --no-model` command cold")
    ap.add_argument("--repeat", type=int, default=5,
                    help="--parser-only: fresh processes to take the cold medians of")
    ap.add_argument("--reuse", type=Path, help="re-run only 'ours'; take the floor and baseline "
                    "figures from the '[floor]'/'[baseline]' lines of an earlier run's log (said so "
                    "in the output)")
    args = ap.parse_args()
    if args.child:
        fn = {"ours": run_ours, "baseline": run_baseline, "floor": run_floor,
              "parser": run_parser}[args.child]
        print(json.dumps(fn(args.model, ARTICLES[: args.articles])))
        return

    started = time.time()
    if args.parser_only:
        runs = [_child("parser", args.model, args.articles) for _ in range(args.repeat)]
        parser, colds = runs[0], [run[0]["cold_s"] for run in runs]
        times = cli_cold(args.repeat)
        lines = [f"# local_speed --parser-only, {time.strftime('%Y-%m-%d %H:%M')}", ""]
        lines += parser_lines(parser, None)
        lines += [f"  cold (first article, spaCy load included), {len(colds)} fresh processes: "
                  f"median {statistics.median(colds):.2f} s ({', '.join(f'{c:.2f}' for c in colds)})"]
        lines += ["", f"summarizer summarize --no-model --no-cache, seed article, cold process "
                  f"(Python start, imports, spaCy load, analysis, JSON written): median "
                  f"{statistics.median(times):.2f} s of {len(times)} "
                  f"({', '.join(f'{t:.2f}' for t in times)})"]
        _emit(lines, started, args.out)
        return
    reused: dict[str, Any] = {}
    if args.reuse:
        for line in args.reuse.read_text(encoding="utf-8").splitlines():
            for kind in ("floor", "baseline"):
                if line.startswith(f"[{kind}] "):
                    reused[kind] = json.loads(line[len(kind) + 3:])
        missing = {"floor", "baseline"} - reused.keys()
        if missing:
            sys.exit(f"--reuse {args.reuse}: no {', '.join(sorted(missing))} line")
    floor = reused.get("floor") or _child("floor", args.model, args.articles)
    parser = _child("parser", args.model, args.articles)
    ours = _child("ours", args.model, args.articles)
    base = reused.get("baseline") or _child("baseline", args.model, args.articles)
    lines = [f"# local_speed — model {args.model}, {time.strftime('%Y-%m-%d %H:%M')}, "
             f"prompt {floor['pp_tok_s']:.1f} tok/s, generation {floor['gen_tok_s']:.1f} tok/s", ""]
    if reused:
        lines[-1:-1] = [f"# floor and baseline figures reused from {args.reuse} (same machine and "
                        "model, earlier run); only 'ours' was run now"]
    hdr = (f"{'article':34} {'system':8} {'wall s':>7} {'prompt':>6} {'out':>5} {'reask':>5} "
           f"{'RSS MB':>7} {'claims':>6} {'verif':>7} {'base/ours':>9} {'floor s':>7} {'ours/floor':>10}")
    lines += [hdr, "-" * len(hdr)]
    for o, b in zip(ours, base):
        name = o["article"][:34]
        fl = None
        if "error" not in o:
            fl = floor["prompt_s"][o["article"]] + o["output_tokens"] / floor["gen_tok_s"]
        for sysname, r in (("ours", o), ("baseline", b)):
            if "error" in r:
                lines.append(f"{name:34} {sysname:8} {r['wall_s']:7.1f}  ERROR {r['error'][:90]}")
                continue
            ratio = (b["wall_s"] / o["wall_s"]) if sysname == "ours" and "error" not in b else None
            floor_s = f"{fl:.1f}" if fl and sysname == "ours" else ""
            floor_ratio = f"{o['wall_s'] / fl:.2f}" if fl and sysname == "ours" else ""
            share = f"{r['verified']}/{r['evidence']}"
            lines.append(
                f"{name:34} {sysname:8} {r['wall_s']:7.1f} {r['prompt_tokens'] or 0:6} "
                f"{r['output_tokens'] or 0:5} {r['reasks']:5} {r['rss_mb']:7.0f} {r['claims']:6} "
                f"{share:>7} {(f'{ratio:.2f}x' if ratio else ''):>9} "
                f"{floor_s:>7} {floor_ratio:>10}"
            )
    lines += ["", "ours: model load, stance-label time, claims by origin (parser / regex rules), stances:"]
    lines += [f"  {o['article'][:34]:34} load {o.get('load_s', 0):5.1f} s  stances {o.get('stance_s', 0):5.1f} s  "
              f"parser {o.get('parser_claims', 0):3}  rules {o.get('rule_claims', 0):3}  "
              f"stances {o['stances']:2}"
              for o in ours if "error" not in o]
    first = next((o for o in ours if "error" not in o), None)
    if first is not None:
        lines += [f"  end to end, first article including model load: {first['wall_s'] + first.get('load_s', 0):.1f} s"]
    lines += ["", *parser_lines(parser, ours)]
    _emit(lines, started, args.out)


def _emit(lines: list[str], started: float, out: Path | None) -> None:
    """Print the report (with the total time) and write it to ``out`` when given."""
    text = "\n".join([*lines, "", f"total benchmark time {time.time() - started:.0f} s"])
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")


if __name__ == "__main__":
    main()
