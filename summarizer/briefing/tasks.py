"""The note's own model questions, each a :class:`~summarizer.llm.ask.Task` run by the one
ask loop: how a claim group relates (:class:`CompareTask`, prompt ``compare``) and the bottom
line (:class:`BlufTask`, prompt ``bluf``), their wire formats, and :class:`AskCache`, the
verified answers kept next to the response cache."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz

from ..llm.backends.base import Backend, ChoiceRequest, ChoiceScorer, ChoiceScores, Completion, CompletionRequest
from ..core.errors import OutputValidationError, TruncatedOutputError
from ..analysis.grounding import normalize
from ..llm.ask import AttemptRecord, CallObserver, Verdict, ask
from ..core.models import PromptRef, Usage
from ..core.progress import MODEL
from ..pipeline import _UsageMeter, format_validation_error
from ..llm.prompts import PromptTemplate, RenderedPrompt
from .models import Citation
from .text import clean_text, label_conflicts_reason, supported

__all__ = [
    "COMPARE_CHOICES", "AskCache", "BlufTask", "CompareTask", "WireBluf", "WireBottomLine", "WireComparison",
    "WireRelation", "WireSide",
]


WireRelation = Literal["agree", "contradict", "add_detail", "unrelated"]
COMPARE_CHOICES: dict[str, WireRelation] = {
    "agree": "agree", "contradict": "contradict", "add": "add_detail", "unrelated": "unrelated",
}
"""The one-word answers of the scored prompt ``compare@3`` (each starts with its own token)
and the relation each stands for."""


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireSide(_Wire):
    a: str = Field(min_length=1, max_length=3, description="Source label, e.g. 'A'.")
    s: list[int] = Field(min_length=1, max_length=3, description="Sentence ids of that source.")


class WireComparison(_Wire):
    r: WireRelation = Field(description="agree | contradict | add_detail | unrelated")
    y: str = Field(min_length=1, max_length=200, description="One short sentence: what agrees or differs.")
    e: list[WireSide] = Field(min_length=2, max_length=4, description="Evidence from every side.")


class WireBottomLine(_Wire):
    x: str = Field(min_length=1, max_length=240, description="One sentence of the bottom line.")
    d: list[str] = Field(min_length=1, max_length=4, description="Ids of the points it rests on.")


class WireBluf(_Wire):
    b: list[WireBottomLine] = Field(min_length=2, max_length=4, description="2-4 sentences.")


W = TypeVar("W", bound=_Wire)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100",
}


def _numbers(text: str) -> set[str]:
    norm = normalize(text)
    found = {n.replace(",", "") for n in _NUMBER.findall(norm)}
    found |= {v for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", norm)}
    return found


@dataclass
class _CallStats:
    calls: int = 0
    usage: Usage = field(default_factory=Usage)


class AskCache:
    """Verified answers of the note's own model calls (compare, bottom line), in a JSON file
    next to the response cache, so a note on cached analyses makes no model call at all.

    Keyed by model, prompt and the exact messages; an entry is used only if it still passes
    the check, so a stale or edited file cannot put an unverified answer in a note.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._data = {}

    @classmethod
    def beside(cls, store: object) -> AskCache | None:
        """The ask cache of a :class:`~summarizer.store.Store` with a file, else ``None``."""
        path = getattr(store, "path", None)
        if not isinstance(path, Path) or str(path) == ":memory:" or not path.parent.is_dir():
            return None
        return cls(path.with_name(path.name + ".briefing-asks.json"))

    @staticmethod
    def key(model: str, messages: list[dict[str, str]], wire: str, max_tokens: int) -> str:
        raw = json.dumps([model, messages, wire, max_tokens], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._data.get(key)
        return value if isinstance(value, dict) else None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        self._data[key] = answer
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


class _BriefingTask(Generic[W]):
    """One model question of the note as a :class:`~summarizer.llm.ask.Task`: the answer must
    parse into ``wire`` and pass :meth:`problems` (the question's content checks).

    A re-ask repeats the request with the reasons appended, never the rejected answer (as in
    the summary task: small models copy an answer shown back to them), so the prompt prefix
    stays cacheable."""

    wire: type[W]

    def __init__(self, rendered: RenderedPrompt) -> None:
        self.rendered = rendered
        self.prompt: PromptRef = rendered.ref

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.rendered.messages)

    def problems(self, answer: W) -> list[str]:
        """Instructions for the model, one per failed content check; empty means verified."""
        raise NotImplementedError

    def parse(self, data: dict[str, Any]) -> W | None:
        """``data`` (e.g. a cached answer) as the wire model, or ``None`` when it is not one."""
        try:
            return self.wire.model_validate(data)
        except ValidationError:
            return None

    # -- the Task protocol ---------------------------------------------------------------------

    def first_request(self, max_tokens: int) -> CompletionRequest:
        return CompletionRequest(messages=self.messages, response_model=self.wire,
                                 max_tokens=max_tokens)

    def check(self, completion: Completion) -> Verdict[W]:
        if completion.data is None:
            return Verdict(None, [completion.parse_error or "the answer is not a JSON object"])
        try:
            answer = self.wire.model_validate(completion.data)
        except ValidationError as exc:
            return Verdict(None, ["it does not match the schema: " + format_validation_error(exc)])
        return Verdict(answer, self.problems(answer))

    def next_request(self, verdict: Verdict[W], max_tokens: int) -> CompletionRequest:
        messages = self.messages + [
            {"role": "user", "content": "A previous answer to this request could not be verified:\n"
             + "\n".join(f"- {r}" for r in verdict.problems[:10])
             + "\nAnswer again with a complete, corrected JSON object."},
        ]
        return CompletionRequest(messages=messages, response_model=self.wire, max_tokens=max_tokens)


class CompareTask(_BriefingTask[WireComparison]):
    """How the statements of one claim group relate (prompt ``compare``): the evidence must
    cite shown sentences of at least two sources, and the label must match the reason."""

    wire = WireComparison

    def __init__(self, template: PromptTemplate, *, subject: str,
                 shown: dict[str, dict[int, Citation]], lines: list[str]) -> None:
        super().__init__(template.render(subject=subject, sources="\n".join(lines)))
        self.shown = shown

    def problems(self, answer: WireComparison) -> list[str]:
        if answer.r == "unrelated":
            return []  # nothing to cite: the group is dropped
        shown = self.shown
        problems = []
        sides = set()
        for side in answer.e:
            if side.a not in shown:
                problems.append(f"source '{side.a}' does not exist; use {sorted(shown)}")
                continue
            bad = [s for s in side.s if s not in shown[side.a]]
            if bad:
                problems.append(f"sentences {bad} of source {side.a} are not shown; cite only "
                                f"[{side.a}:id] pairs from {sorted(shown[side.a])}")
            else:
                sides.add(side.a)
        if len(sides) < 2:
            problems.append("e must cite evidence from at least two different sources")
        mismatch = label_conflicts_reason(answer.r, answer.y)
        if mismatch:
            problems.append(f"{mismatch}; choose r to match what y says, or rewrite y")
        return problems


REPEAT_RATIO = 90
"""Two bottom-line sentences whose rapidfuzz ratio (normalised text, 0-100) reaches this
are one sentence said twice."""


class BlufTask(_BriefingTask[WireBluf]):
    """The bottom line (prompt ``bluf``): every sentence rests on listed points that support
    it, uses only their numbers, and the first disputes found by the parse are said."""

    wire = WireBluf

    def __init__(self, template: PromptTemplate, *, topic: str | None,
                 points: dict[str, tuple[str, list[Citation]]], disputes: list[str]) -> None:
        listing = "\n".join(f"[{pid}] {text}" for pid, (text, _) in points.items())
        super().__init__(template.render(topic=topic or "(not given)", points=listing))
        self.points = points
        self.disputes = disputes
        self.support: dict[str, list[str]] = {}
        self.numbers: dict[str, set[str]] = {}
        for pid, (text, cites) in points.items():
            self.support[pid] = [text] + [c.text for c in cites]
            self.numbers[pid] = _numbers(text + " " + " ".join(c.text for c in cites))

    def problems(self, answer: WireBluf) -> list[str]:
        problems = []
        for i, s in enumerate(answer.b):
            unknown = [d for d in s.d if d not in self.points]
            if unknown:
                problems.append(f"b[{i}]: ids {unknown} do not exist; cite ids from "
                                f"{sorted(self.points)}")
                continue
            text = clean_text(s.x)
            if not supported(text, [t for d in s.d for t in self.support[d]]):
                problems.append(f"b[{i}]: points {s.d} do not support '{s.x[:80]}'; "
                                "cite the points it rests on or rewrite it")
            extra = _numbers(text) - set().union(*(self.numbers[d] for d in s.d))
            if extra:
                problems.append(f"b[{i}]: the numbers {sorted(extra)} are not in points "
                                f"{s.d}; use numbers exactly as the points give them")
        said: list[str] = []
        for i, s in enumerate(answer.b):  # a sentence said twice (small models loop) is not a bottom line
            text = normalize(clean_text(s.x))
            twin = next((j for j, t in enumerate(said) if fuzz.ratio(text, t) >= REPEAT_RATIO), None)
            if twin is not None:
                problems.append(f"b[{i}] repeats b[{twin}]; say something else or leave it out")
            said.append(text)
        cited = {d for s in answer.b for d in s.d}
        missing = [g for g in self.disputes[:2] if g not in cited]
        if missing:
            problems.append(f"the sources dispute {', '.join(missing)}: one sentence must "
                            "say so, give each version with who says it, and cite it")
        return problems


class _Asker:
    """Asks the note's questions through the one ask loop (:func:`summarizer.llm.ask.ask`),
    with the :class:`AskCache` around it and every call counted and reported to ``on_call``.

    A cut-off answer is not asked again with a larger budget (``max_tokens_cap`` equals the
    request's ``max_tokens``): the note keeps its call and token budget, and the truncation
    fails the question like any other unverifiable answer."""

    def __init__(self, backend: Backend, *, max_reasks: int, stats: _CallStats,
                 cache: AskCache | None = None, on_call: CallObserver | None = None,
                 on_progress: Callable[[str, str | None], None] | None = None) -> None:
        self.backend = backend
        self.max_reasks = max_reasks
        self.stats = stats
        self.cache = cache
        self.on_call = on_call
        self.on_progress = on_progress
        self.cached = 0
        self._asked: set[str] = set()

    def asked(self, template: PromptTemplate) -> bool:
        """Whether ``template`` was sent to the model at least once."""
        return template.name in self._asked

    def _observe(self, record: AttemptRecord) -> None:
        self.stats.calls += 1
        self.stats.usage = self.stats.usage + record.usage
        if self.on_call is not None:
            self.on_call(record)

    def can_score(self) -> bool:
        """Whether the backend scores closed answers (one forward pass, no generation)."""
        return isinstance(self.backend, ChoiceScorer)

    def score(self, prompt: PromptRef, messages: list[dict[str, str]],
              choices: tuple[str, ...]) -> ChoiceScores:
        """The backend's distribution over ``choices`` after ``messages`` (from the
        :class:`AskCache` when the same request was scored before); the call is counted and
        reported to ``on_call`` like an asked one.

        Raises:
            ProviderError: the backend failed.
        """
        self._asked.add(prompt.name)
        key = AskCache.key(self.backend.model, messages, "choices:" + ",".join(choices), 0)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            probs = hit.get("probs")
            if isinstance(probs, dict) and set(probs) == set(choices):
                self.cached += 1
                return ChoiceScores(probs={c: float(probs[c]) for c in choices},
                                    model=str(hit.get("model", "")), method=str(hit.get("method", "logprobs")))
        if not isinstance(self.backend, ChoiceScorer):
            raise TypeError(f"backend {self.backend.name!r} cannot score choices")
        if self.on_progress is not None:
            self.on_progress(MODEL, prompt.name)
        # the analyses' stance scorings are metered the same way: timed, counted, logged
        meter = _UsageMeter(self.backend, self._observe, prompt=prompt)
        scores = meter.score_choices(ChoiceRequest(messages=messages, choices=choices))
        if self.cache is not None:
            self.cache.put(key, {"probs": scores.probs, "model": scores.model, "method": scores.method})
        return scores

    def ask(self, task: _BriefingTask[W], *, max_tokens: int) -> W:
        """The verified answer of ``task`` (from the cache, or asked with at most
        ``max_reasks`` re-asks).

        Raises:
            OutputValidationError: still unverified after the re-asks (or a cached failure).
            ProviderError: the backend failed, or the answer was cut off (``TruncatedOutputError``).
        """
        name = task.prompt.name
        self._asked.add(name)
        key = AskCache.key(self.backend.model, task.messages, task.wire.__name__, max_tokens)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            if "_failed" in hit:  # the same request failed before (temperature 0, seeded)
                self.cached += 1
                raise OutputValidationError(
                    f"{name}: cached failure (the same request failed before): "
                    f"{hit['_failed']}", attempts=0,
                    reasons=[str(hit["_failed"])], last_output="")
            cached = task.parse(hit)
            if cached is not None and not task.problems(cached):
                self.cached += 1
                return cached
        try:
            result = ask(self.backend, task, budget=1 + self.max_reasks, max_tokens=max_tokens,
                         max_tokens_cap=max_tokens, on_call=self._observe,
                         on_progress=self.on_progress, label=name)
        except TruncatedOutputError as exc:
            if self.cache is not None:  # deterministic: the same request truncates again
                self.cache.put(key, {"_failed": f"{type(exc).__name__}: {str(exc)[:200]}"})
            raise
        answer = result.verdict.value
        if result.ok and answer is not None:
            if self.cache is not None:
                self.cache.put(key, answer.model_dump(mode="json"))
            return answer
        reasons = result.verdict.problems
        if self.cache is not None:
            self.cache.put(key, {"_failed": "; ".join(reasons)[:300]})
        raise OutputValidationError(
            f"{name}: the model's answer could not be verified after {result.attempts} attempts: "
            + "; ".join(reasons)[:300],
            attempts=result.attempts,
            reasons=reasons,
            last_output=result.last_text,
        )
