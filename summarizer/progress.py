"""Stage names of the single-article pipeline, reported to an optional progress observer.

:class:`~summarizer.pipeline.Summarizer` takes ``on_progress``, a callable
``(stage, detail) -> None`` that it calls when a stage starts; the CLI shows it as a spinner on
stderr (only on a terminal). The stage names live here, in one place, so the pipeline and
every display agree on them.

Stages, in the order a run reaches them (re-asks repeat the last two):

* :data:`PARSE` — the text is split into sentences and parsed (attribution hints);
* :data:`MODEL` — the model call for the summary, claims and stances (detail ``"summary"``,
  or ``"retry: max_tokens N"`` after a truncated answer);
* :data:`STANCES` — stance labels (reserved: the current pipeline gets stances in the same
  answer as the summary and does not report this stage);
* :data:`VERIFY` — the answer is parsed and every item grounded in the text;
* :data:`REASK` — a re-ask for the rejected items (detail ``"n/N"``).

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
