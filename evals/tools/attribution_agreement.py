"""How often do the attribution rules (summarizer/analysis/rules.py) find the gold speaker?

For every attributed gold claim (speaker type not ``outlet``) of the fixtures in a language
with a cue list (English, Spanish, French; one line per language), the rule source of the claim's sentences is compared with the gold speaker by the eval harness's own
speaker rule (:func:`summarizer.evals.metrics.speakers_match`). No model is involved.

    python evals/tools/attribution_agreement.py [--fixtures evals/fixtures] [-v]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from summarizer.analysis.rules import LANGUAGES, detect_all
from summarizer.core.document import Document
from summarizer.evals.fixtures import load_fixtures
from summarizer.evals.metrics import speakers_match


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parents[1] / "fixtures")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and mismatch")
    args = ap.parse_args()
    counts: dict[str, Counter[str]] = {}
    for fx in load_fixtures(args.fixtures):
        language = fx.meta.language or "en"
        if language not in LANGUAGES:
            continue
        doc = Document(text=fx.text, language=language)
        rules = detect_all(doc.visible, language=language)
        tally = counts.setdefault(language, Counter())
        for claim in fx.claims:
            if claim.speaker_type == "outlet":
                continue
            ids = [s.id for s in doc.sentences if s.start < claim.end and s.end > claim.start]
            found = [rules[i] for i in ids if i in rules]
            tally["total"] += 1
            if not found:
                tally["none"] += 1
                if args.verbose:
                    print(f"none   {fx.name}: {claim.speaker!r}")
            elif any(speakers_match(f.source, claim.speaker) for f in found):
                tally["match"] += 1
            else:
                tally["wrong"] += 1
                if args.verbose:
                    print(f"wrong  {fx.name}: gold {claim.speaker!r}, rules {[f.source for f in found]}")
    for language, c in counts.items():
        total = c["total"]
        print(f"[{language}] attributed gold claims: {total}; rule source matches the gold speaker: "
              f"{c['match']} ({c['match'] / total:.0%}); wrong: {c['wrong']} ({c['wrong'] / total:.0%}); "
              f"none found: {c['none']} ({c['none'] / total:.0%})")

if __name__ == "__main__":
    main()
