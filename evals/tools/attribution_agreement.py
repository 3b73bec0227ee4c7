"""How often do the attribution rules (summarizer/attribution.py) find the gold speaker?

For every attributed gold claim (speaker type not ``outlet``) of the English fixtures, the rule
source of the claim's sentences is compared with the gold speaker by the eval harness's own
speaker rule (:func:`summarizer.evals.metrics.speakers_match`). No model is involved.

    python evals/tools/attribution_agreement.py [--fixtures evals/fixtures] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from summarizer.attribution import detect_all
from summarizer.document import Document
from summarizer.evals.fixtures import load_fixtures
from summarizer.evals.metrics import speakers_match


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parents[1] / "fixtures")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and mismatch")
    args = ap.parse_args()
    total = match = wrong = missing = 0
    for fx in load_fixtures(args.fixtures):
        if fx.meta.language != "en":
            continue
        doc = Document(text=fx.text)
        rules = detect_all(doc.visible)
        for claim in fx.claims:
            if claim.speaker_type == "outlet":
                continue
            ids = [s.id for s in doc.sentences if s.start < claim.end and s.end > claim.start]
            found = [rules[i] for i in ids if i in rules]
            total += 1
            if not found:
                missing += 1
                if args.verbose:
                    print(f"none   {fx.name}: {claim.speaker!r}")
            elif any(speakers_match(f.source, claim.speaker) for f in found):
                match += 1
            else:
                wrong += 1
                if args.verbose:
                    print(f"wrong  {fx.name}: gold {claim.speaker!r}, rules {[f.source for f in found]}")
    print(f"attributed gold claims: {total}; rule source matches the gold speaker: {match} "
          f"({match / total:.0%}); wrong: {wrong} ({wrong / total:.0%}); none found: {missing} "
          f"({missing / total:.0%})")


if __name__ == "__main__":
    main()
