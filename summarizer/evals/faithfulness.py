"""Faithfulness checks: is each summary sentence supported by the source?

Two checkers share one interface (``check(source, summary) -> FaithfulnessVerdict``):

* :class:`LexicalChecker` — offline and instant. A summary sentence is supported when one
  window of source sentences (one, by default) holds at least :attr:`LexicalChecker.min_support`
  of its content words, at most :attr:`LexicalChecker.max_novel` of its content words occur
  nowhere in the source, and every number it states occurs in the source.
* :class:`LLMJudge` — asks a model (any :class:`~summarizer.llm.backends.base.Backend`) with the
  ``faithfulness`` prompt to answer ``y``/``n`` per summary sentence; answers are cached.

Both are validated on QAGS (:func:`validate_on_qags`): balanced accuracy of "all sentences
supported" against the human label "consistent".

>>> LexicalChecker().check("The council met on Monday.", "The council met.").share
1.0
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..llm.backends.base import Backend, Completion, CompletionRequest
from ..core.document import split_sentences
from ..analysis.grounding import content_words, normalize
from ..llm.ask import CallObserver, Verdict, ask
from ..core.models import PromptRef, Usage
from ..llm.prompts import PromptTemplate, load_prompt
from .cache import AnswerCache, task_key
from .qags import QagsPair

__all__ = [
    "FaithfulnessChecker",
    "FaithfulnessVerdict",
    "JudgeTask",
    "LLMJudge",
    "LexicalChecker",
    "QagsValidation",
    "balanced_accuracy",
    "validate_on_qags",
]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class FaithfulnessVerdict:
    """Per-sentence support of one summary."""

    sentences: list[str]
    supported: list[bool]
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    calls: int = 0

    @property
    def share(self) -> float | None:
        """Share of summary sentences supported (``None`` for an empty summary)."""
        if not self.supported:
            return None
        return round(sum(self.supported) / len(self.supported), 4)

    @property
    def faithful(self) -> bool:
        """Every sentence is supported."""
        return all(self.supported)


class FaithfulnessChecker(Protocol):
    name: str

    def check(self, source: str, summary: str) -> FaithfulnessVerdict: ...


def summary_sentences(summary: str) -> list[str]:
    """The sentences of a summary (empty lines dropped)."""
    return [s.text for s in split_sentences(summary) if content_words(s.text)]


@dataclass
class LexicalChecker:
    """Content-word support of each summary sentence in a window of the source.

    Attributes:
        min_support: share of the sentence's content words that one window of
            ``window`` consecutive source sentences must contain.
        max_novel: largest share of the sentence's content words allowed to be absent from
            the whole source.
        window: source sentences per window.
    """

    # Chosen on QAGS (dev) among 48 settings whose balanced accuracy ranged 0.55-0.61: the
    # heuristic is weakly informative at best; see docs/evals.md.
    min_support: float = 0.7
    max_novel: float = 0.2
    window: int = 1
    name: str = "lexical"

    def check(self, source: str, summary: str) -> FaithfulnessVerdict:
        started = time.perf_counter()
        src_sents = [content_words(s.text) for s in split_sentences(source)]
        windows = [
            set().union(*src_sents[i : i + self.window]) for i in range(max(1, len(src_sents) - self.window + 1))
        ] or [set()]
        all_words: set[str] = set().union(*src_sents) if src_sents else set()
        src_numbers = set(_NUMBER.findall(normalize(source).replace(",", "")))
        sentences = summary_sentences(summary)
        supported = []
        for sent in sentences:
            words = content_words(sent)
            best = max(len(words & w) for w in windows) / len(words)
            novel = len(words - all_words) / len(words)
            numbers = set(_NUMBER.findall(normalize(sent).replace(",", "")))
            supported.append(best >= self.min_support and novel <= self.max_novel and numbers <= src_numbers)
        return FaithfulnessVerdict(sentences, supported, latency_s=time.perf_counter() - started)


class WireVerdicts(BaseModel):
    """The judge's answer: one verdict per numbered summary sentence."""

    model_config = ConfigDict(extra="forbid")
    v: list[Literal["y", "n"]] = Field(
        min_length=1,
        max_length=30,
        description="One entry per summary sentence, in order: y = supported by the article, n = not.",
    )


class JudgeTask:
    """The judge's question as a :class:`~summarizer.llm.ask.Task`: one ``y``/``n`` verdict per
    numbered summary sentence. A re-ask names what was wrong and never echoes the answer (as
    every task of the ask loop)."""

    def __init__(self, template: PromptTemplate, source: str, sentences: list[str]) -> None:
        numbered_source = "\n".join(f"[{s.id}] {s.text}" for s in split_sentences(source))
        numbered_summary = "\n".join(f"({i}) {s}" for i, s in enumerate(sentences, start=1))
        self.rendered = template.render(article=numbered_source, summary=numbered_summary,
                                        n=len(sentences))
        self.prompt: PromptRef = self.rendered.ref
        self.n = len(sentences)

    def first_request(self, max_tokens: int) -> CompletionRequest:
        return CompletionRequest(messages=list(self.rendered.messages), response_model=WireVerdicts,
                                 max_tokens=max_tokens)

    def check(self, completion: Completion) -> Verdict[list[bool]]:
        if completion.data is None:
            return Verdict(None, [completion.parse_error or "the answer is not a JSON object"])
        try:
            wire = WireVerdicts.model_validate(completion.data)
        except ValidationError as exc:
            return Verdict(None, [f"the answer does not match the schema: {exc.errors()[0]['msg']}"])
        if len(wire.v) != self.n:
            return Verdict(None, [f"'v' has {len(wire.v)} entries; it must have exactly {self.n}"])
        return Verdict([x == "y" for x in wire.v])

    def next_request(self, verdict: Verdict[list[bool]], max_tokens: int) -> CompletionRequest:
        problem = "; ".join(verdict.problems) or "no answer"
        messages = [*self.rendered.messages,
                    {"role": "user", "content": f"A previous answer to this request was invalid: "
                                                f"{problem}. Answer again with the JSON object."}]
        return CompletionRequest(messages=messages, response_model=WireVerdicts, max_tokens=max_tokens)


class LLMJudge:
    """A model judges each summary sentence against the source (``faithfulness`` prompt),
    through the one ask loop (:class:`JudgeTask`, :func:`summarizer.llm.ask.ask`).

    Args:
        backend: any backend.
        cache: optional answer cache; a hit makes no model call.
        max_reasks: re-asks when the answer has the wrong number of verdicts.
        on_call: optional observer of every model call (the call log).

    Usage::

        judge = LLMJudge(backend=FakeBackend(default={"v": ["y"]}))
        judge.check("The council met.", "The council met.").faithful
        # True
    """

    name = "llm"

    def __init__(self, *, backend: Backend, cache: AnswerCache | None = None, max_reasks: int = 1,
                 on_call: CallObserver | None = None) -> None:
        self.backend = backend
        self.cache = cache
        self.max_reasks = max_reasks
        self.on_call = on_call
        self.template = load_prompt("faithfulness")

    def check(self, source: str, summary: str) -> FaithfulnessVerdict:
        sentences = summary_sentences(summary)
        if not sentences:
            return FaithfulnessVerdict([], [])
        key = task_key(task="faithfulness", backend=self.backend.name, model=self.backend.model,
                       prompt=self.template.sha256, source=source, summary=sentences)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return FaithfulnessVerdict(sentences, [bool(x) for x in hit["supported"]])
        task = JudgeTask(self.template, source, sentences)
        # A cut-off answer is asked again with a doubled budget (by the ask loop).
        result = ask(self.backend, task, budget=1 + self.max_reasks,
                     max_tokens=16 + 6 * len(sentences), on_call=self.on_call, label="faithfulness")
        supported = result.verdict.value
        if result.ok and supported is not None:
            if self.cache is not None:
                self.cache.put(key, {"supported": supported})
            return FaithfulnessVerdict(sentences, supported, result.usage, result.latency_s,
                                       result.attempts)
        # Unanswerable after the re-asks: count nothing as supported (a conservative verdict).
        return FaithfulnessVerdict(sentences, [False] * len(sentences), result.usage,
                                   result.latency_s, result.attempts)


def balanced_accuracy(gold: Sequence[bool], pred: Sequence[bool]) -> float | None:
    """Mean of the recall on the positive and on the negative class (``None`` if one is absent).

    Example:
        >>> balanced_accuracy([True, True, False, False], [True, False, False, False])
        0.75
    """
    pos = [p for g, p in zip(gold, pred, strict=True) if g]
    neg = [p for g, p in zip(gold, pred, strict=True) if not g]
    if not pos or not neg:
        return None
    return round((sum(pos) / len(pos) + sum(not p for p in neg) / len(neg)) / 2, 4)


@dataclass
class QagsValidation:
    """How well a checker's "faithful" agrees with QAGS's "consistent"."""

    checker: str
    n: int
    balanced_accuracy: float | None
    accuracy: float
    by_corpus: dict[str, float | None]
    rows: list[dict[str, object]]
    usage: Usage = field(default_factory=Usage)


def validate_on_qags(
    checker: FaithfulnessChecker,
    pairs: Sequence[QagsPair],
    *,
    on_item: Callable[[], None] | None = None,
) -> QagsValidation:
    """Run ``checker`` on every pair and score it against the human labels.

    Usage::

        v = validate_on_qags(LexicalChecker(), load_qags(path))
        v.balanced_accuracy
        # 0.64
    """
    rows: list[dict[str, object]] = []
    gold: list[bool] = []
    pred: list[bool] = []
    usage = Usage()
    for pair in pairs:
        verdict = checker.check(pair.source, pair.summary)
        usage = usage + verdict.usage
        gold.append(pair.consistent)
        pred.append(verdict.faithful)
        rows.append({"id": pair.id, "corpus": pair.corpus, "gold": pair.consistent,
                     "pred": verdict.faithful, "share": verdict.share,
                     "latency_s": round(verdict.latency_s, 4)})
        if on_item is not None:
            on_item()
    by_corpus: dict[str, float | None] = {}
    for corpus in sorted({p.corpus for p in pairs}):
        idx = [i for i, p in enumerate(pairs) if p.corpus == corpus]
        by_corpus[corpus] = balanced_accuracy([gold[i] for i in idx], [pred[i] for i in idx])
    accuracy = round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4) if gold else 0.0
    return QagsValidation(checker.name, len(pairs), balanced_accuracy(gold, pred), accuracy,
                          by_corpus, rows, usage)
