"""An oracle answerer built from gold labels: the wire answer a perfect model would give.

Used to test the harness end to end on a :class:`~summarizer.backends.fake.FakeBackend`
(an oracle run must score at or near the ceiling) and to check that the fixtures can be
expressed in the wire format at all. It reads the numbered article from the request, so it
also answers the per-chunk requests of long articles.

>>> fake = FakeBackend(default=oracle_answerer(load_fixtures("evals/fixtures")))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..backends.base import CompletionRequest
from ..grounding import normalize
from ..wire import WireArticle, WireClaim, WireKeyPoint, WireStance
from .fixtures import Fixture

__all__ = ["oracle_answer", "oracle_answerer"]

_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_TO_WIRE_TYPE = {"organization": "org", "anonymous": "anon"}


def _cap(model: type[Any], name: str, default: int = 10_000) -> int:
    """The ``max_length`` the wire schema sets on a field (so answers always fit it)."""
    for meta in model.model_fields[name].metadata:
        if (limit := getattr(meta, "max_length", None)) is not None:
            return int(limit)
    return default


def _ids_for(evidence: str, lines: list[tuple[int, str]]) -> list[int]:
    """Ids of the numbered lines that overlap the evidence text (at most 3)."""
    ev = normalize(evidence)
    ids = [i for i, line in lines if normalize(line) and (normalize(line) in ev or ev in normalize(line))]
    return ids[:3]


def oracle_answer(fixture: Fixture, numbered: str) -> dict[str, Any]:
    """The wire answer for ``fixture`` restricted to the sentences in ``numbered``."""
    lines = [(int(m.group(1)), m.group(2)) for m in _LINE.finditer(numbered)]
    claims = []
    for c in fixture.claims:
        ids = _ids_for(c.evidence, lines)
        if ids:
            claims.append({
                "s": "outlet" if c.speaker_type == "outlet" else c.speaker[: _cap(WireClaim, "s")],
                "t": _TO_WIRE_TYPE.get(c.speaker_type, c.speaker_type),
                "a": c.attribution, "v": (c.cue or None) and c.cue[: _cap(WireClaim, "v")],
                "x": c.text[: _cap(WireClaim, "x")], "e": ids,
            })
    stances = []
    for s in fixture.stances:
        ids = _ids_for(s.evidence, lines)
        if ids:
            stances.append({
                "h": "outlet" if s.holder_type == "outlet" else s.holder[: _cap(WireStance, "h")],
                "t": _TO_WIRE_TYPE.get(s.holder_type, s.holder_type),
                "g": s.target[: _cap(WireStance, "g")], "l": s.label, "e": ids,
            })
    first = lines[0][0] if lines else 1
    kp_cap = _cap(WireKeyPoint, "x")
    points = [{"x": kp.text[:kp_cap], "e": [first]} for kp in fixture.key_points[:5]]
    if not points:
        points = [{"x": (lines[0][1] if lines else "Article.")[:kp_cap], "e": [first]}]
    abstract = " ".join(kp.text for kp in fixture.key_points[:2]) or points[0]["x"]
    return {
        "h": str(fixture.meta.title or points[0]["x"])[: _cap(WireArticle, "h")],
        "a": str(abstract)[: _cap(WireArticle, "a")],
        "k": points,
        "c": claims[:8],
        "s": stances[:5],
    }


def oracle_answerer(fixtures: Sequence[Fixture]) -> Callable[[CompletionRequest], dict[str, Any]]:
    """A FakeBackend answer callable that recognises which fixture a request is about."""

    def answer(request: CompletionRequest) -> dict[str, Any]:
        user = request.messages[-1]["content"] if request.messages else ""
        for message in request.messages:
            if message["role"] == "user":
                user = message["content"]
                break
        lines = [m.group(2) for m in _LINE.finditer(user)]
        best, best_hits = fixtures[0], -1
        for fx in fixtures:
            hits = sum(1 for line in lines[:5] if line in fx.text)
            if hits > best_hits:
                best, best_hits = fx, hits
        return oracle_answer(best, user)

    return answer
