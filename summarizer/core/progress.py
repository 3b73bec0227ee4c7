"""Stage names of the single-article pipeline, reported to an optional progress observer.

:class:`~summarizer.pipeline.Summarizer` takes ``on_progress``, a callable
``(stage, detail) -> None`` that it calls when a stage starts; the CLI shows it as a spinner on
stderr (only on a terminal). The stage names live here, in one place, so the pipeline and
every display agree on them.

Stages, in the order a run reaches them (re-asks repeat ``re-ask`` and ``verifying``):

* :data:`PARSE` — the text is split into sentences and parsed (the claims of the parse);
* :data:`MODEL` — the model call for the summary (detail ``"summary"``, or
  ``"retry: max_tokens N"`` after a truncated answer);
* :data:`VERIFY` — the answer is parsed and every item grounded in the text;
* :data:`REASK` — a re-ask for the rejected items (detail ``"n/N"``);
* :data:`STANCES` — stance labels scored for the holder × target candidates (only when the
  article has a parse and the backend can score labels).

Example:
    >>> seen = []
    >>> observer: ProgressObserver = lambda stage, detail: seen.append((stage, detail))
    >>> observer(MODEL, "summary"); describe(REASK, "1/2")
    're-ask 1/2'
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["MODEL", "PARSE", "REASK", "STAGES", "STANCES", "VERIFY", "ProgressObserver", "describe"]

PARSE = "parsing"
MODEL = "model"
STANCES = "stance labels"
VERIFY = "verifying"
REASK = "re-ask"
STAGES = (PARSE, MODEL, STANCES, VERIFY, REASK)

ProgressObserver = Callable[[str, "str | None"], None]
"""Called with a stage name (one of :data:`STAGES`) and an optional detail when it starts."""


def describe(stage: str, detail: str | None) -> str:
    """One short line for a display: ``model (summary)``, ``re-ask 1/2``, ``verifying``."""
    if not detail:
        return stage
    return f"{stage} {detail}" if stage == REASK else f"{stage} ({detail})"
