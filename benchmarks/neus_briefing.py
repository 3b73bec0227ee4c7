"""Briefing notes on NeuS/AllSides events, scored against the editors' neutral roundup.

For each of the first N events of the validation split (three outlets' lead paragraphs and
the AllSides editors' neutral roundup), build a briefing note with the embedded model and
measure:

* ``rouge_l`` — ROUGE-L F1 (longest common subsequence of lower-cased word tokens) between
  the note's bottom line and the roundup text;
* ``keypoint_coverage`` — share of the roundup's sentences covered by a bottom-line sentence,
  judged as in the eval harness (:func:`summarizer.evals.metrics.keypoint_coverage`: a
  sentence is covered when one bottom-line sentence contains at least
  ``KEYPOINT_MIN_RECALL`` of its content words);
* ``citation_support`` — share of note sentences (bottom line + key developments) whose cited
  sentences contain at least ``MIN_SUPPORT`` of their content words (as in
  :mod:`summarizer.analysis.grounding`);
* time per note, model calls, failed articles, and whether the bottom line came from the
  model or was extracted.

The data is read from ``--data`` and never copied: the results file holds event ids and
numbers only (no article or note text).

Run (real model runs must hold the model lock)::

    flock /work/model.lock /work/venv/bin/python benchmarks/neus_briefing.py \\
        --data ../shared/benchmarks/neus_allsides --events 10 --model qwen2.5-coder-1.5b \\
        --out evals/baselines/neus
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarizer.briefing import Briefing, Citation, brief
from summarizer.briefing.leads import central_leads
from summarizer.core.document import Document, split_sentences
from summarizer.evals.metrics import KEYPOINT_MIN_RECALL, keypoint_coverage
from summarizer.evals.neus import NeusEvent, load_neus
from summarizer.analysis.grounding import MIN_SUPPORT, content_words
from summarizer.pipeline import Summarizer
from summarizer.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ("left-leaning outlet", "centre outlet", "right-leaning outlet")
_TOKEN = re.compile(r"\w+", re.UNICODE)


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over lower-cased word tokens (LCS-based, beta = 1).

    >>> rouge_l("the cat sat on the mat", "the cat lay on the mat")
    0.8333
    """
    c = _TOKEN.findall(candidate.lower())
    r = _TOKEN.findall(reference.lower())
    if not c or not r:
        return 0.0
    prev = [0] * (len(r) + 1)
    for tok in c:
        cur = [0]
        for j, ref_tok in enumerate(r, 1):
            cur.append(prev[j - 1] + 1 if tok == ref_tok else max(prev[j], cur[j - 1]))
        prev = cur
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(c), lcs / len(r)
    return round(2 * precision * recall / (precision + recall), 4)


def supported(text: str, citations: list[Citation]) -> bool:
    """Do the cited sentences contain at least MIN_SUPPORT of ``text``'s content words?"""
    words = content_words(text)
    if not words or not citations:
        return False
    cited: set[str] = set()
    for c in citations:
        cited |= content_words(c.text)
    return len(words & cited) / len(words) >= MIN_SUPPORT


def score(note: Briefing, reference: str) -> dict[str, Any]:
    bluf = " ".join(s.text for s in note.bottom_line)
    gold = [s.text for s in split_sentences(reference)]
    coverage, _ = keypoint_coverage(gold, [s.text for s in note.bottom_line])
    units = [(s.text, s.citations) for s in note.bottom_line]
    units += [(d.text, d.citations) for d in note.developments]
    support = [supported(t, c) for t, c in units]
    return {
        "rouge_l": rouge_l(bluf, reference) if bluf else 0.0,
        "keypoint_coverage": coverage,
        "citation_support": round(sum(support) / len(support), 4) if support else None,
        "note_sentences": len(units),
        "bottom_line_sentences": len(note.bottom_line),
        "bottom_line_by": note.methods.bottom_line_by,
        "comparisons": len(note.comparisons),
        "relations": [g.relation for g in note.comparisons],
        "relation_confidences": [g.confidence for g in note.comparisons],
        "bottom_line_kinds": ["dispute" if s.basis else "lead" for s in note.bottom_line],
        "analysed": note.methods.analysed,
        "failed": [f.error for f in note.methods.failed],
        "model_calls": note.methods.model_calls,
        "prompt_tokens": note.methods.usage.prompt_tokens,
        "completion_tokens": note.methods.usage.completion_tokens,
        "seconds": note.methods.latency_s,
        "notes": len(note.methods.notes),
    }


def central_lead_baseline(events: list[NeusEvent]) -> dict[str, Any]:
    """The note's extractive bottom line without the rest of the note (no model, no parse): the
    events' most central lead sentences (:func:`summarizer.briefing.leads.central_leads`),
    scored like a note. It leaves out the disputed facts a full note puts first."""
    rows = []
    for event in events:
        gold = [s.text for s in split_sentences(event.reference.text)]
        docs = [(str(k), Document(text=a.text, title=a.title or None)) for k, a in enumerate(event.articles)
                if a.text.strip()]
        picked = [s.text for _, s in central_leads(docs)]
        rouge, cover = _scored(picked, event, gold) if picked else (0.0, 0.0)
        rows.append({"event": event.id, "rouge_l": rouge, "keypoint_coverage": cover})
    return _baseline("neus_allsides/val",
                     "the note's extractive bottom line alone: central lead sentences (no model)", rows)


def lead_baseline(events: list[NeusEvent], *, sentences: int = 2) -> dict[str, Any]:
    """The no-model baseline: each outlet's first ``sentences`` sentences as the bottom line,
    scored like a note (ROUGE-L and key-point coverage against the roundup), averaged over the
    outlets of an event, then over events."""
    rows = []
    for event in events:
        gold = [s.text for s in split_sentences(event.reference.text)]
        rouge, cover = [], []
        for article in event.articles:
            lead = [s.text for s in split_sentences(article.text)][:sentences]
            if not lead:
                continue
            r, c = _scored(lead, event, gold)
            rouge.append(r)
            cover.append(c)
        rows.append({"event": event.id, "rouge_l": _mean(rouge), "keypoint_coverage": _mean(cover)})
    return _baseline("neus_allsides/val (first events)",
                     f"lead-{sentences} of each outlet's article (no model), mean over outlets", rows)


def _scored(bottom_line: list[str], event: NeusEvent, gold: list[str]) -> tuple[float, float]:
    """ROUGE-L and key-point coverage of a no-model bottom line against the event's roundup."""
    return rouge_l(" ".join(bottom_line), event.reference.text), keypoint_coverage(gold, bottom_line)[0]


def _baseline(benchmark: str, baseline: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A no-model baseline's results document (ids and numbers only)."""
    return {
        "benchmark": benchmark,
        "baseline": baseline,
        "events": len(rows),
        "metrics": {"rouge_l": _mean([r["rouge_l"] for r in rows]),
                    "keypoint_coverage": _mean([r["keypoint_coverage"] for r in rows])},
        "rows": rows,
    }


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None


def run(events: list[NeusEvent], summarizer: Summarizer, *, model: str,
        max_comparisons: int = 2, model_bottom_line: bool = False,
        on_row: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Brief every event with ``summarizer`` and score it; return the results document.

    ``on_row`` receives the results document so far after every event (the CLI writes it to
    disk, so an interrupted run keeps the events it finished).
    """
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for event in events:
        docs = [Document(text=a.text, id=f"{event.id}-{k}", title=a.title or None,
                         outlet=OUTLETS[k] if k < len(OUTLETS) else None)
                for k, a in enumerate(event.articles) if a.text.strip()]
        t0 = time.perf_counter()
        note = brief(docs, summarizer=summarizer, max_comparisons=max_comparisons,
                     use_model_bottom_line=model_bottom_line,
                     progress=lambda doc_id, done, total, t0=t0: print(
                         f"{doc_id}: analysed ({done}/{total}, {time.perf_counter() - t0:.0f} s)",
                         file=sys.stderr, flush=True))
        row = {"event": event.id, **score(note, event.reference.text)}
        row["seconds"] = round(time.perf_counter() - t0, 1)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if on_row is not None:
            on_row(_document(rows, summarizer, model, max_comparisons, started, model_bottom_line))
    return _document(rows, summarizer, model, max_comparisons, started, model_bottom_line)


def _document(rows: list[dict[str, Any]], summarizer: Summarizer, model: str,
              max_comparisons: int, started: float, model_bottom_line: bool = False) -> dict[str, Any]:
    return {
        "benchmark": "neus_allsides/val (first events)",
        "events": len(rows),
        "model": model,
        "backend": summarizer.backend.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": {
            "rouge_l": _mean([r["rouge_l"] for r in rows]),
            "keypoint_coverage": _mean([r["keypoint_coverage"] for r in rows]),
            "citation_support": _mean([r["citation_support"] for r in rows]),
            "seconds_per_note": _mean([r["seconds"] for r in rows]),
            "model_bottom_line_share": _mean([1.0 if r["bottom_line_by"] == "model" else 0.0
                                              for r in rows]),
            "failed_articles": sum(len(r["failed"]) for r in rows),
        },
        "settings": {
            "keypoint_min_recall": KEYPOINT_MIN_RECALL,
            "citation_min_support": MIN_SUPPORT,
            "max_comparisons": max_comparisons,
            "bottom_line": "model" if model_bottom_line else "extractive",
            "max_reasks": summarizer.settings.max_reasks,
        },
        "total_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "neus_allsides",
                        help="Folder with val.source and val.target (never copied).")
    parser.add_argument("--events", type=int, default=10, help="First N events of the split.")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="Local catalogue name.")
    parser.add_argument("--backend", default="local", help="local | openai (with SUMMARIZER_* env).")
    parser.add_argument("--max-comparisons", type=int, default=2)
    parser.add_argument("--max-reasks", type=int, default=None, help="Re-asks per model task.")
    parser.add_argument("--out", type=Path, default=None, help="Folder for the results JSON.")
    parser.add_argument("--lead-baseline", action="store_true",
                        help="Only score the no-model baselines on the same events: the outlets' "
                             "lead-2 and the note's central-lead bottom line alone.")
    parser.add_argument("--skip", type=int, default=0,
                        help="Skip the first N events (with --lead-baseline: score events the "
                             "reported first 10 do not include).")
    parser.add_argument("--model-bottom-line", action="store_true",
                        help="Let the model write the bottom line (default: extractive).")
    args = parser.parse_args(argv)

    events = load_neus(args.data, limit=args.events + args.skip)[args.skip:]
    if args.lead_baseline:
        lead, central = lead_baseline(events), central_lead_baseline(events)
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            tag = f"{len(events)}events" + (f"-from{args.skip + 1}" if args.skip else "")
            for name, doc in (("lead2-baseline", lead), ("central-leads", central)):
                (args.out / f"{name}-{tag}.json").write_text(json.dumps(doc, indent=2) + "\n",
                                                             encoding="utf-8")
        print(json.dumps({"lead-2": lead["metrics"], "central leads": central["metrics"]}, indent=2))
        return 0
    settings = Settings.from_env(backend=args.backend, model=args.model, max_reasks=args.max_reasks)
    path = None
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"briefing-{args.model}-{len(events)}events.json"

    def save(document: dict[str, Any]) -> None:
        if path is not None:  # rewritten after every event: an interrupted run keeps its rows
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    summary = run(events, Summarizer(settings=settings, strict=False), model=args.model,
                  max_comparisons=args.max_comparisons, model_bottom_line=args.model_bottom_line,
                  on_row=save)
    save(summary)
    if path is not None:
        print(f"wrote {path}", file=sys.stderr)
    print(json.dumps(summary["metrics"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
