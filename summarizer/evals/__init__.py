"""The eval harness: fixtures, benchmark loaders, metrics, reports.

Usage (the model is the configured one: ``SUMMARIZER_*`` or ``settings=``)::

    from summarizer.evals import evaluate, write_report
    write_report(evaluate("fixtures"), "runs/now")
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
from .neus import NeusEvent, load_neus
from .report import compare, gate, load_results, write_report
from .results import CaseResult, EvalReport
from .runner import SUITES, evaluate

__all__ = [
    "SUITES",
    "CaseResult",
    "EvalReport",
    "Fixture",
    "FixtureMeta",
    "GoldClaim",
    "GoldKeyPoint",
    "GoldStance",
    "NeusEvent",
    "compare",
    "evaluate",
    "gate",
    "load_fixture",
    "load_fixtures",
    "load_neus",
    "load_results",
    "locate_span",
    "validate_fixtures",
    "write_report",
]
