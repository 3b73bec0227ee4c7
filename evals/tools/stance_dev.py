"""Stance labelling on the fixtures, scored once and studied offline (dev tool, real model).

Step 1 (``score``, real model): for every fixture whose language has a parser, the engine's
own claims and parse (``Summarizer.claims``) give a *wide* pool of stance candidates
(``stance_candidates`` with many targets per holder); each is scored with the label prompt
after the article prefix, exactly as the pipeline asks it, plus one content-free question per
article ("N/A" holder, target and sentence: the model's label prior, for calibration). The
scores are kept in a JSON file, so step 2 costs no model call.

Step 2 (``report``, no model): candidate selection and the label decision as the pipeline
does them (``summarizer.stances.select_candidates`` / ``decide``), detection P/R/F1 against
the gold stances (``match_stances``) and label accuracy / macro-F1 on the matched ones, per
article and in total, for a few margins.

    flock /work/model.lock python evals/tools/stance_dev.py score --out ~/.cache/summarizer/stance-dev.json
    python evals/tools/stance_dev.py report --scores ~/.cache/summarizer/stance-dev.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

POOL_PER_HOLDER = 2
POOL_MAX = 12


def _attributed(claims: list[Any]) -> list[Any]:
    from summarizer.pipeline import _Attributed

    return [_Attributed(c.speaker, c.speaker_type, c.evidence) for c in claims if c.speaker_type != "outlet"]


def score(args: argparse.Namespace) -> None:
    from summarizer.analysis.summary import SummaryTask
    from summarizer.document import Document
    from summarizer.evals.fixtures import load_fixtures
    from summarizer.language import language_name
    from summarizer.pipeline import Summarizer
    from summarizer.settings import Settings
    from summarizer.stances import content_free_prior, score_candidates, select_candidates, stance_candidates

    out = Path(args.out).expanduser()
    done: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    summarizer = Summarizer(settings=Settings(backend="local", model=args.model))
    started, calls = time.perf_counter(), 0
    for fx in load_fixtures(args.fixtures):
        if args.only and fx.name not in args.only.split(","):
            continue
        key = f"{fx.name}@{args.prompt_version}"
        if key in done:
            continue
        doc = summarizer.prepare(Document(fx.text, id=fx.name, title=fx.meta.title, outlet=fx.meta.outlet))
        claims, parsed = summarizer.claims(doc)
        if parsed is None:
            print(f"{fx.name}: no parser, skipped", flush=True)
            continue
        pool = select_candidates(stance_candidates(_attributed(claims), parsed, doc, outlet=doc.outlet,
                                                   per_holder=POOL_PER_HOLDER, max_candidates=60),
                                 max_candidates=POOL_MAX, per_holder=POOL_PER_HOLDER)
        language = language_name(doc.language) or "the article's language"
        prefix = SummaryTask(summarizer.template, doc, language=language).rendered.messages[:1]
        t0 = time.perf_counter()
        prior = content_free_prior(summarizer.backend, prefix=prefix, version=args.prompt_version)
        scored = score_candidates(summarizer.backend, doc, pool, prefix=prefix, version=args.prompt_version)
        calls += len(scored) + 1
        done[key] = {
            "fixture": fx.name,
            "language": doc.language,
            "prior": prior.probs,
            "gold": [s.model_dump() for s in fx.stances],
            "candidates": [
                {"holder": c.holder, "holder_type": c.holder_type, "target": c.target,
                 "sentence_ids": list(c.sentence_ids), "salience": c.salience,
                 "spans": [[s.start, s.end] for s in sents], "texts": [s.text for s in sents],
                 "probs": sc.probs}
                for c, sents, sc in scored
            ],
        }
        out.write_text(json.dumps(done, ensure_ascii=False, indent=1))
        print(f"{fx.name}: {len(scored)} candidates in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"{calls} calls in {time.perf_counter() - started:.1f} s")


def report(args: argparse.Namespace) -> None:
    from summarizer.evals.metrics import GoldStanceRef, PredStance, classification_scores, match_stances, prf
    from summarizer.stances import StanceCandidate, calibrated, decide_label, evaluative_score, select_candidates

    data = json.loads(Path(args.scores).expanduser().read_text())
    rows = [v for k, v in sorted(data.items()) if k.endswith(f"@{args.prompt_version}")]
    for margin in [float(m) for m in args.margins.split(",")]:
        tp = n_pred = n_gold = 0
        gold_labels: list[str] = []
        pred_labels: list[str] = []
        lines = []
        for row in rows:
            gold = [GoldStanceRef(g["holder"], g["target"], g["label"], g["start"], g["end"], g["holder_type"])
                    for g in row["gold"]]
            language = row.get("language") or row["fixture"].split("-")[0] if row["fixture"][:3] in ("fr-", "es-") \
                else row.get("language", "en")
            cands = [StanceCandidate(c["holder"], c["holder_type"], c["target"], tuple(c["sentence_ids"]),
                                     c.get("salience", 0.0), evaluative_score(c.get("texts", ()), language))
                     for c in row["candidates"]]
            by_key = {(c.holder, c.target, c.sentence_ids): raw for c, raw in zip(cands, row["candidates"])}
            chosen = select_candidates(cands, max_candidates=args.max_candidates)
            preds = []
            for c in chosen:
                raw = by_key[(c.holder, c.target, c.sentence_ids)]
                probs = calibrated(raw["probs"], row["prior"]) if args.calibrate else raw["probs"]
                label = decide_label(probs, margin)
                if label is None:
                    continue
                preds.append(PredStance(c.holder, c.target, label, c.holder_type,
                                        tuple((a, b) for a, b in raw["spans"])))
            det, pairs = match_stances(preds, gold)
            tp, n_pred, n_gold = tp + det.tp, n_pred + det.n_pred, n_gold + det.n_gold
            gold_labels += [gold[j].label for _, j in pairs]
            pred_labels += [preds[i].label for i, _ in pairs]
            if args.verbose:
                lines.append(f"  {row['fixture']}: pred {det.n_pred} gold {det.n_gold} tp {det.tp}")
                for i, j in pairs:
                    lines.append(f"    {preds[i].holder} → {preds[i].target}: {preds[i].label} (gold {gold[j].label})")
        d = prf(tp=tp, n_pred=n_pred, n_gold=n_gold)
        labels = classification_scores(gold_labels, pred_labels, labels=["favor", "against", "neutral", "mixed"])
        print(f"margin {margin}: kept {n_pred} tp {tp} gold {n_gold}  detection P {d.precision} R {d.recall} "
              f"F1 {d.f1}  label acc {labels.accuracy} macro-F1 {labels.macro_f1}")
        print("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score", help="score the candidate pool with the real model (slow)")
    s.add_argument("--fixtures", default="evals/fixtures")
    s.add_argument("--model", default="qwen2.5-coder-1.5b")
    s.add_argument("--out", default="~/.cache/summarizer/stance-dev.json")
    s.add_argument("--only", default="", help="comma-separated fixture names")
    s.add_argument("--prompt-version", default="3")
    r = sub.add_parser("report", help="select, decide and score offline")
    r.add_argument("--scores", default="~/.cache/summarizer/stance-dev.json")
    r.add_argument("--prompt-version", default="3")
    r.add_argument("--max-candidates", type=int, default=8)
    r.add_argument("--margins", default="0,0.05,0.1,0.2")
    r.add_argument("--calibrate", action="store_true", help="divide by the content-free prior")
    r.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    {"score": score, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
