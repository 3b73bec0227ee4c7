"""The eval harness: fixtures, benchmark loaders, metrics, reports.

>>> from summarizer.evals import load_fixtures, validate_fixtures  # doctest: +SKIP
"""

from __future__ import annotations

from .fixtures import (
    Fixture,
    FixtureMeta,
    GoldClaim,
    GoldKeyPoint,
    GoldStance,
    load_fixture,
    load_fixtures,
    locate_span,
    validate_fixtures,
)

__all__ = [
    "Fixture",
    "FixtureMeta",
    "GoldClaim",
    "GoldKeyPoint",
    "GoldStance",
    "load_fixture",
    "load_fixtures",
    "locate_span",
    "validate_fixtures",
]
