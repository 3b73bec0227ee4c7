"""FNC-1 loader and the stance task (stance of an article body toward a headline claim).

Reads ``bodies.csv`` (``Body ID``, ``articleBody``) and ``stances.csv`` (``Headline``,
``Body ID``, ``Stance``). :func:`load_fnc1` samples pairs stratified by label: by default
only *related* pairs (agree / disagree / discuss) in equal numbers, since 74% of FNC-1 is
``unrelated`` and the related classes are the hard part.

:class:`StanceTask` asks a model through any :class:`~summarizer.backends.base.Backend`
with the ``stance`` prompt; the model answers a label and the ids of its evidence sentences,
which are checked (ids must exist; only ``unrelated`` may cite none) with one re-ask.

>>> pairs = load_fnc1("/path/to/benchmarks/fnc1", limit=60, seed=0)  # doctest: +SKIP
>>> sorted({p.stance for p in pairs})  # doctest: +SKIP
['agree', 'disagree', 'discuss']
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..backends.base import Backend, CompletionRequest
from ..document import Document
from ..errors import ConfigurationError
from ..models import Evidence, Usage
from ..prompts import load_prompt
from .cache import AnswerCache, task_key

__all__ = ["FNC_LABELS", "FncPair", "StanceAnswer", "StanceTask", "load_fnc1"]

FNC_LABELS = ["agree", "disagree", "discuss", "unrelated"]
RELATED = ["agree", "disagree", "discuss"]


@dataclass(frozen=True)
class FncPair:
    """One headline–body pair and its gold stance."""

    id: str
    headline: str
    body_id: str
    body: str
    stance: str


def load_fnc1(
    path: Path | str,
    *,
    limit: int | None = None,
    seed: int = 0,
    labels: Sequence[str] = RELATED,
) -> list[FncPair]:
    """Load FNC-1 pairs whose stance is in ``labels``, optionally a stratified sample.

    Args:
        path: folder with ``bodies.csv`` and ``stances.csv``.
        limit: total pairs to keep, split as evenly as possible across ``labels``
            (``limit=60`` with the default labels gives 20 agree / 20 disagree / 20 discuss).
        seed: seed of the sample; the same seed always gives the same pairs.
        labels: which gold stances to keep.

    Raises:
        ConfigurationError: the files are missing or not in the FNC-1 format.
    """
    path = Path(path)
    bodies_csv, stances_csv = path / "bodies.csv", path / "stances.csv"
    if not bodies_csv.is_file() or not stances_csv.is_file():
        raise ConfigurationError(f"no FNC-1 data at {path}", hint="expected bodies.csv and stances.csv")
    try:
        with bodies_csv.open(encoding="utf-8", newline="") as fh:
            bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}
        with stances_csv.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        pairs = [
            FncPair(f"{k}", row["Headline"], row["Body ID"], bodies[row["Body ID"]], row["Stance"])
            for k, row in enumerate(rows)
            if row["Stance"] in labels
        ]
    except KeyError as exc:
        raise ConfigurationError(f"{path}: not in the FNC-1 format (missing {exc})") from exc
    if limit is None or limit >= len(pairs):
        return pairs
    rng = random.Random(seed)
    by_label = {label: [p for p in pairs if p.stance == label] for label in labels}
    for group in by_label.values():
        rng.shuffle(group)
    quota = {label: limit // len(labels) for label in labels}
    for label in list(labels)[: limit % len(labels)]:
        quota[label] += 1
    chosen: list[FncPair] = []
    for label in labels:
        chosen += by_label[label][: quota[label]]
    # top up from other classes when one class is short
    chosen_ids = {p.id for p in chosen}
    rest = [p for p in pairs if p.id not in chosen_ids]
    rng.shuffle(rest)
    chosen += rest[: limit - len(chosen)]
    order = {p.id: i for i, p in enumerate(pairs)}
    return sorted(chosen, key=lambda p: order[p.id])


class WireStanceAnswer(BaseModel):
    """The model's answer to the stance prompt."""

    model_config = ConfigDict(extra="forbid")
    l: Literal["agree", "disagree", "discuss", "unrelated"]
    # Required (may be empty): grammar-constrained decoding only emits required properties.
    e: list[int] = Field(max_length=3, description="Evidence sentence ids.")


@dataclass
class StanceAnswer:
    """A verified stance answer."""

    label: str | None
    evidence: list[Evidence] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    calls: int = 0
    reasks: int = 0
    first_valid: bool = False
    error: str | None = None
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "evidence": [e.model_dump() for e in self.evidence],
            "usage": self.usage.model_dump(),
            "latency_s": self.latency_s,
            "calls": self.calls,
            "reasks": self.reasks,
            "first_valid": self.first_valid,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StanceAnswer:
        return cls(
            label=data["label"],
            evidence=[Evidence.model_validate(e) for e in data["evidence"]],
            usage=Usage.model_validate(data["usage"]),
            latency_s=data["latency_s"],
            calls=data["calls"],
            reasks=data["reasks"],
            first_valid=data["first_valid"],
            error=data["error"],
            cached=True,
        )


class StanceTask:
    """Stance of a body toward a claim, through any backend, with grounded evidence ids.

    Example:
        >>> task = StanceTask(backend=FakeBackend(default={"l": "agree", "e": [1]}))  # doctest: +SKIP
        >>> task.run("Cats can fly.", "Cats can fly, a study says.").label  # doctest: +SKIP
        'agree'
    """

    def __init__(self, *, backend: Backend, cache: AnswerCache | None = None, max_reasks: int = 1) -> None:
        self.backend = backend
        self.cache = cache
        self.max_reasks = max_reasks
        self.template = load_prompt("stance")

    def key(self, claim: str, body: str) -> str:
        return task_key(task="stance", backend=self.backend.name, model=self.backend.model,
                        prompt=self.template.sha256, claim=claim, body=body)

    def run(self, claim: str, body: str) -> StanceAnswer:
        """Ask for the stance of ``body`` toward ``claim``; never raises on bad model output."""
        key = self.key(claim, body)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return StanceAnswer.from_json(hit)
        doc = Document(body)
        rendered = self.template.render(claim=claim, article=doc.numbered())
        messages = list(rendered.messages)
        answer = StanceAnswer(label=None)
        started = time.perf_counter()
        for attempt in range(1 + self.max_reasks):
            answer.calls += 1
            completion = self.backend.complete(
                CompletionRequest(messages=messages, response_model=WireStanceAnswer, max_tokens=48)
            )
            answer.usage = answer.usage + completion.usage
            problem = None
            try:
                wire = WireStanceAnswer.model_validate(completion.data)
            except ValidationError as exc:
                problem = f"the answer does not match the schema: {exc.errors()[0]['msg']}"
            else:
                bad = [i for i in wire.e if not 1 <= i <= len(doc.sentences)]
                if bad:
                    problem = f"sentence ids {bad} do not exist (1..{len(doc.sentences)})"
                elif not wire.e and wire.l != "unrelated":
                    problem = f"'{wire.l}' needs the ids of the sentences that show it in 'e'"
            if problem is None:
                answer.label = wire.l
                answer.first_valid = attempt == 0
                answer.evidence = [
                    Evidence(start=s.start, end=s.end, text=s.text, sentence=s.id)
                    for s in (doc.sentences[i - 1] for i in dict.fromkeys(wire.e))
                ]
                break
            answer.error = problem
            if attempt < self.max_reasks:
                answer.reasks += 1
                messages = list(rendered.messages) + [
                    {"role": "assistant", "content": completion.text or "(no answer)"},
                    {"role": "user", "content": f"Invalid: {problem}. Answer again with the JSON object."},
                ]
        if answer.label is not None:
            answer.error = None
        answer.latency_s = round(time.perf_counter() - started, 4)
        if self.cache is not None and answer.label is not None:
            self.cache.put(key, answer.to_json())
        return answer
