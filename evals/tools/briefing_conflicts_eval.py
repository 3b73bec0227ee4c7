"""Conflict precision / recall of the briefing on the constructed event sets in evals/briefing/.

Each folder under ``evals/briefing/`` holds 2-3 short invented articles (front matter as in
``examples/briefing``) and ``labels.json``:

* ``conflicts``: the planted conflicts — ``kind`` (count / date / money / percent / outcome,
  or ``claim`` for a conflict between statements that no number or date shows, marked
  ``"parse": false``), acceptable ``measure`` names, and the ``sides`` (value, articles,
  speakers);
* ``agreements``: planted agreements (same fields, one side) — a conflict reported on one of
  them is a false positive.

Scored, per set and overall:

* **deterministic finder** (default, no model): the parse on every sentence, speakers from
  the attribution rules (``summarizer.briefing.article_statements`` without an analysis).
  A predicted conflict matches a gold conflict when kind and measure match and every gold
  side shares an article with a different predicted position. Precision = matched predicted
  / predicted; recall = matched gold / gold, over the parse-detectable gold conflicts (and
  over all, ``claim`` conflicts included, for reference). Speaker accuracy: share of gold
  side speakers named in the matching position.
* **full note** (``--model NAME`` or ``--base-url``): the same on the note's ``contradict``
  groups (parse and model), so ``claim`` conflicts can be found too.

    PYTHONPATH=. .venv/bin/python evals/tools/briefing_conflicts_eval.py
    flock /work/model.lock env PYTHONPATH=. .venv/bin/python evals/tools/briefing_conflicts_eval.py --model qwen2.5-coder-1.5b
    # the same notes with the generated compare@2, the analyses reused from --store
    ... --model qwen2.5-coder-1.5b --store /tmp/conf.db --compare-by generate
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "evals" / "briefing"


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _speaker_hit(gold: str, found: list[str]) -> bool:
    g = _norm(gold)
    return any(g in _norm(f) or (_norm(f) and _norm(f) in g) for f in found)


Predicted = dict[str, Any]  # {"kind", "measure", "positions": [{"articles", "speakers"}], "text"}


def _deterministic(folder: Path) -> list[Predicted]:
    from summarizer.briefing import conflicts as bc
    from summarizer.briefing import article_statements, load_articles

    docs, failed = load_articles([folder])
    assert not failed, failed
    statements = [st for d in docs for st, _ in article_statements(d)]
    out = []
    for d in bc.find_disputes(bc.extract_facts(statements)):
        out.append({"kind": d.kind, "measure": d.measure, "text": d.describe(),
                    "agreement": not d.conflict,
                    "positions": [{"articles": p.articles, "speakers": p.speakers}
                                  for p in d.positions]})
    return out


def _from_note(folder: Path, args: argparse.Namespace) -> tuple[list[Predicted], dict[str, Any]]:
    from summarizer.briefing import brief, load_articles
    from summarizer.pipeline import Summarizer
    from summarizer.core.settings import Settings

    settings = Settings.from_env()
    overrides = {k: v for k, v in (("model", args.model), ("base_url", args.base_url)) if v}
    settings = settings.model_copy(update=overrides)
    docs, _ = load_articles([folder])
    store = None
    if args.store:
        from summarizer.store import Store

        store = Store(args.store)
    try:
        note = brief(docs, summarizer=Summarizer(settings=settings, strict=False, cache=store),
                     compare_by=args.compare_by)
    finally:
        if store is not None:
            store.close()
    out = []
    for g in note.comparisons:
        if g.relation != "contradict":
            continue
        sides: dict[str, dict[str, list[str]]] = {}
        for m in g.members:
            key = m.value if g.found_by == "parse" else m.article
            side = sides.setdefault(key or m.article, {"articles": [], "speakers": []})
            if m.article not in side["articles"]:
                side["articles"].append(m.article)
            side["speakers"].append(m.speaker)
        out.append({"kind": "claim" if g.found_by == "model" else (g.measure and "parse"),
                    "measure": g.measure or "", "text": g.reason or "",
                    "positions": list(sides.values()), "found_by": g.found_by})
    judged = [g.relation or "undecided" for g in note.comparisons if g.found_by == "model"]
    return out, {"latency_s": note.methods.latency_s, "model_calls": note.methods.model_calls,
                 "model_judged": judged}


def _matches(pred: Predicted, gold: dict[str, Any], *, loose_kind: bool) -> bool:
    if gold["kind"] == "claim":
        if pred.get("found_by") != "model":
            return False
    elif not loose_kind and pred["kind"] != gold["kind"] or pred.get("found_by") == "model":
        return False
    measures = [m.lower() for m in gold.get("measure", [])]
    if gold["kind"] != "claim" and measures and not any(
            m == pred["measure"].lower() or m in pred["measure"].lower() for m in measures):
        return False
    used: set[int] = set()
    for side in gold["sides"]:
        hit = next((i for i, p in enumerate(pred["positions"]) if i not in used
                    and set(p["articles"]) & set(side["articles"])), None)
        if hit is None:
            return False
        used.add(hit)
    return True


def _speaker_accuracy(pred: Predicted, gold: dict[str, Any]) -> tuple[int, int]:
    found = [s for p in pred["positions"] for s in p["speakers"]]
    total = hits = 0
    for side in gold["sides"]:
        for sp in side.get("speakers", []):
            total += 1
            hits += _speaker_hit(sp, found)
    return hits, total


def _agreement_hit(pred: Predicted, agreement: dict[str, Any]) -> bool:
    measures = [m.lower() for m in agreement.get("measure", [])]
    if agreement["kind"] == "claim" or pred.get("found_by") == "model":
        return False
    return pred["kind"] in (agreement["kind"], "parse") and any(
        m == pred["measure"].lower() or m in pred["measure"].lower() for m in measures)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="score the full note made with this model")
    ap.add_argument("--base-url", help="an OpenAI-compatible endpoint for the full note")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--compare-by", choices=("score", "generate"), default="score",
                    help="how the model judges claim groups (compare@3 scored, or compare@2 generated)")
    ap.add_argument("--store", type=Path, help="a response cache for the analyses (a second run "
                    "with the other --compare-by reuses them; the compare answers are cached beside it)")
    args = ap.parse_args(argv)
    use_model = bool(args.model or args.base_url)

    totals = {"pred": 0, "pred_ok": 0, "gold_parse": 0, "gold_parse_ok": 0, "gold_all": 0,
              "gold_all_ok": 0, "spk_hit": 0, "spk_total": 0, "agreement_fp": 0,
              "agree_gold": 0, "agree_found": 0}
    per_set = {}
    for folder in sorted(p for p in SETS.iterdir() if (p / "labels.json").is_file()):
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        extra: dict[str, Any] = {}
        preds = _from_note(folder, args) if use_model else (_deterministic(folder), {})
        preds, extra = preds
        agreements = [p for p in preds if p.get("agreement")]
        preds = [p for p in preds if not p.get("agreement")]
        for a in labels.get("agreements", []):
            if a["kind"] == "claim" or use_model:
                continue
            totals["agree_gold"] += 1
            totals["agree_found"] += any(
                _agreement_hit(p, a) and set(a["articles"]) <= {x for q in p["positions"]
                                                                for x in q["articles"]}
                for p in agreements)
        gold = labels["conflicts"]
        ok_pred = [p for p in preds if any(_matches(p, g, loose_kind=use_model) for g in gold)]
        row: dict[str, Any] = {"predicted": len(preds), "correct": len(ok_pred), **extra}
        for g in gold:
            hit = next((p for p in preds if _matches(p, g, loose_kind=use_model)), None)
            parse = g.get("parse", True)
            totals["gold_all"] += 1
            totals["gold_all_ok"] += hit is not None
            if parse:
                totals["gold_parse"] += 1
                totals["gold_parse_ok"] += hit is not None
            if hit is not None:
                h, t = _speaker_accuracy(hit, g)
                totals["spk_hit"] += h
                totals["spk_total"] += t
        fp_agree = [p for p in preds if p not in ok_pred and any(
            _agreement_hit(p, a) for a in labels.get("agreements", []))]
        totals["agreement_fp"] += len(fp_agree)
        totals["pred"] += len(preds)
        totals["pred_ok"] += len(ok_pred)
        row["missed"] = [g.get("about") or "/".join(g.get("measure", [])) for g in gold
                         if not any(_matches(p, g, loose_kind=use_model) for p in preds)]
        row["false"] = [p["text"] for p in preds if p not in ok_pred]
        per_set[folder.name] = row

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    figures = {
        "mode": f"note, compare_by={args.compare_by}" if use_model else "deterministic",
        "sets": len(per_set),
        "precision": ratio(totals["pred_ok"], totals["pred"]),
        "recall_parse_detectable": ratio(totals["gold_parse_ok"], totals["gold_parse"]),
        "recall_all": ratio(totals["gold_all_ok"], totals["gold_all"]),
        "speaker_accuracy": ratio(totals["spk_hit"], totals["spk_total"]),
        "conflicts_on_planted_agreements": totals["agreement_fp"],
        "agreements_found_by_parse": ratio(totals["agree_found"], totals["agree_gold"]),
        "counts": totals,
        "per_set": per_set,
    }
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
