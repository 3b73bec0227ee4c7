"""An oracle answerer built from gold labels: the summary a perfect model would write.

Used to test the harness end to end on a :class:`~summarizer.llm.backends.fake.FakeBackend`
(an oracle run must score at the summary's ceiling) and to check that the fixtures' key
points can be expressed in the summary format at all. It reads the numbered article from the
request (the system message of the summary prompt), so it also answers the per-chunk
requests of long articles.

The model writes only the summary (:class:`~summarizer.llm.wire.WireSummary`: ``h``/``a``/``k``);
claims come from the parse, so the oracle writes none (and no stances).

Usage::

    fake = FakeBackend(default=oracle_answerer(load_fixtures("evals/fixtures")))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..analysis.grounding import content_words
from ..analysis.summary import KEY_POINT_SUPPORT, TEXT_SUPPORT
from ..llm.backends.base import CompletionRequest
from ..llm.wire import WireSummary, WireSummaryPoint
from .fixtures import Fixture

__all__ = ["oracle_answer", "oracle_answerer"]

_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_ARTICLE = re.compile(r"<article[^>]*>\n(.*?)\n</article>", re.DOTALL)
_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _cap(model: type[Any], name: str, default: int = 10_000) -> int:
    """The ``max_length`` the wire schema sets on a field (so answers always fit it)."""
    for meta in model.model_fields[name].metadata:
        if (limit := getattr(meta, "max_length", None)) is not None:
            return int(limit)
    return default


def _clip(text: str, n: int) -> str:
    text = text.strip()
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0]


def _share(words: set[str], scope: set[str]) -> float:
    return len(words & scope) / len(words) if words else 1.0


def _cite(text: str, lines: list[tuple[int, str]]) -> list[int] | None:
    """The fewest numbered lines (at most 3, most overlapping first) that hold at least
    :data:`KEY_POINT_SUPPORT` of ``text``'s content words; ``None`` if no such lines."""
    words = content_words(text)
    ranked = sorted(lines, key=lambda line: -len(words & content_words(line[1])))
    ids: list[int] = []
    cited: set[str] = set()
    for n, line in ranked[:3]:
        if not words & content_words(line):
            break
        ids.append(n)
        cited |= content_words(line)
        if _share(words, cited) >= KEY_POINT_SUPPORT:
            return sorted(ids)
    return None


def oracle_answer(fixture: Fixture, numbered: str) -> dict[str, Any]:
    """The summary answer for ``fixture`` restricted to the sentences in ``numbered``.

    Key points: the gold key points the shown sentences state, each citing them; then, if
    the engine needs more (one per citable sentence, up to 3), the uncited sentences
    themselves. Headline: the gold title when the article supports it. Abstract: the first
    gold key points when the article supports them, else the lead sentence.
    """
    lines = [(int(m.group(1)), m.group(2)) for m in _LINE.finditer(numbered)]
    article_words = content_words(" ".join(text for _, text in lines))
    kp_cap, k_max = _cap(WireSummaryPoint, "x"), _cap(WireSummary, "k")
    points: list[dict[str, Any]] = []
    for kp in fixture.key_points:
        text = _clip(kp.text, kp_cap)
        if len(points) < k_max and (ids := _cite(text, lines)) is not None:
            points.append({"x": text, "e": ids})
    used = {n for p in points for n in p["e"]}
    seen = [content_words(p["x"]) for p in points]
    # prose sentences first, then lines without an end mark (a title line counts as citable)
    for n, line in sorted(lines, key=lambda line: not _END.search(line[1])):
        if len(points) >= min(3, len(lines), k_max):
            break
        words = content_words(line)
        if n in used or not words or any(_share(words, w) >= 0.8 for w in seen):
            continue
        points.append({"x": _clip(line, kp_cap), "e": [n]})
        seen.append(words)
    points.sort(key=lambda p: p["e"][0])
    if not points and lines:
        points = [{"x": _clip(lines[0][1], kp_cap), "e": [lines[0][0]]}]

    def supported(text: str) -> bool:
        return bool(text) and _share(content_words(text), article_words) >= TEXT_SUPPORT

    title = str(fixture.meta.title or "")
    headline = title if supported(title) else (lines[0][1] if lines else title or "Article")
    gold = [kp.text for kp in fixture.key_points[:2] if supported(kp.text) and _END.search(kp.text)]
    abstract = " ".join(gold)
    if not gold or len(abstract) > _cap(WireSummary, "a"):
        lead = next((line for _, line in lines if _END.search(line)), lines[0][1] if lines else "")
        abstract = lead
    return {
        "h": _clip(headline, _cap(WireSummary, "h")),
        "a": _clip(abstract, _cap(WireSummary, "a")),
        "k": points,
    }


def _article_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The numbered article of a request: inside ``<article>`` in the message that holds it
    (the system message of the summary prompt), else the first user message."""
    for m in messages:
        content = str(m.get("content") or "")
        if (found := _ARTICLE.search(content)) is not None:
            return found.group(1)
    return next((str(m.get("content") or "") for m in messages if m.get("role") == "user"), "")


def oracle_answerer(fixtures: Sequence[Fixture]) -> Callable[[CompletionRequest], dict[str, Any]]:
    """A FakeBackend answer callable that recognises which fixture a request is about."""

    def answer(request: CompletionRequest) -> dict[str, Any]:
        numbered = _article_text(request.messages)
        lines = [m.group(2) for m in _LINE.finditer(numbered)]
        best, best_hits = fixtures[0], -1
        for fx in fixtures:
            hits = sum(1 for line in lines[:5] if line in fx.text)
            if hits > best_hits:
                best, best_hits = fx, hits
        full = oracle_answer(best, numbered)
        # a re-ask asks only for some parts (a repair schema): answer just those
        fields = getattr(request.response_model, "model_fields", None) or full
        out = {k: v for k, v in full.items() if k in fields}
        if "k" in out and request.response_model is not None:
            out["k"] = out["k"][: _cap(request.response_model, "k")]
        return out

    return answer
