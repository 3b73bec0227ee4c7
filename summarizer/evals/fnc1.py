"""FNC-1 loader and the stance task (stance of an article body toward a headline claim).

Reads ``bodies.csv`` (``Body ID``, ``articleBody``) and ``stances.csv`` (``Headline``,
``Body ID``, ``Stance``). :func:`load_fnc1` samples pairs stratified by label (equal numbers
per label; the default labels are the *related* ones, since 74% of FNC-1 is ``unrelated``).

:class:`FncTask` is the task in two stages, as FNC-1 systems do it:

1. ``unrelated`` by lexical similarity: the TF-IDF cosine of headline and body
   (:class:`Relatedness`; binary term weights on stemmed content words, IDF over the bodies
   and headlines of the data) below a threshold tuned on pairs outside the scored sample
   (:meth:`Relatedness.tune`, best balanced accuracy of related vs unrelated);
2. ``agree`` / ``disagree`` / ``discuss`` by the model, reading the body sentences most
   similar to the headline, scored not generated: the backend's label probabilities
   (:meth:`~summarizer.llm.backends.base.ChoiceScorer.score_choices`) and the best label wins.

Usage (needs the benchmark data)::

    pairs = load_fnc1("/path/to/benchmarks/fnc1", limit=60, seed=0)
    sorted({p.stance for p in pairs})
['agree', 'disagree', 'discuss']
"""

from __future__ import annotations

import csv
import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.grounding import content_words
from ..core.document import Document
from ..core.errors import ConfigurationError, SummarizerError
from ..core.models import Evidence, Usage
from ..llm.backends.base import ChoiceRequest, ChoiceScorer
from ..llm.prompts import load_prompt
from .cache import AnswerCache, task_key
from .fnc1_lexical import LexicalStance

__all__ = ["FNC_LABELS", "RELATED", "FncAnswer", "FncPair", "FncTask", "Relatedness", "load_fnc1"]

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



# -- stage 1: related or not, by lexical similarity ------------------------------------------


class Relatedness:
    """TF-IDF cosine similarity of a headline and a body, and the ``unrelated`` threshold.

    Term weights are binary (a stemmed content word is in the text or not) times its IDF,
    ``log((1 + N) / (1 + df)) + 1`` over the ``corpus`` texts.

    Example:
        >>> rel = Relatedness(["The panda is pregnant.", "Stocks hit a record."], threshold=0.1)
        >>> rel.similarity("Panda pregnant", "The zoo says the panda is pregnant.") > 0.5
        True
    """

    def __init__(self, corpus: Iterable[str], *, threshold: float = 0.1) -> None:
        df: Counter[str] = Counter()
        n = 0
        for text in corpus:
            df.update(content_words(text))
            n += 1
        self._idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        self._default_idf = math.log(1 + n) + 1
        self.threshold = threshold
        self._vectors: dict[str, tuple[dict[str, float], float]] = {}

    def vector(self, text: str) -> dict[str, float]:
        return self._vector(text)[0]

    def _vector(self, text: str) -> tuple[dict[str, float], float]:
        if (hit := self._vectors.get(text)) is None:
            vec = {w: self._idf.get(w, self._default_idf) for w in content_words(text)}
            hit = self._vectors[text] = (vec, math.sqrt(sum(x * x for x in vec.values())))
        return hit

    def similarity(self, a: str, b: str) -> float:
        (va, na), (vb, nb) = self._vector(a), self._vector(b)
        dot = sum(x * vb[w] for w, x in va.items() if w in vb)
        return round(dot / (na * nb), 6) if na and nb else 0.0

    def related(self, headline: str, body: str) -> bool:
        return self.similarity(headline, body) >= self.threshold

    def tune(self, pairs: Sequence[FncPair]) -> float:
        """Set (and return) the threshold of best balanced accuracy on ``pairs``.

        Balanced accuracy (mean recall of related and unrelated) does not depend on the share
        of unrelated pairs, which differs between the data (74%) and a stratified sample.
        Ties go to the lower threshold. Pairs of one class only leave the threshold as is.
        """
        scored = [(self.similarity(p.headline, p.body), p.stance != "unrelated") for p in pairs]
        n_rel = sum(r for _, r in scored)
        n_unrel = len(scored) - n_rel
        if not n_rel or not n_unrel:
            return self.threshold
        best, best_t = -1.0, self.threshold
        for t in sorted({s for s, _ in scored}):
            rec_rel = sum(s >= t and r for s, r in scored) / n_rel
            rec_unrel = sum(s < t and not r for s, r in scored) / n_unrel
            if (rec_rel + rec_unrel) / 2 > best:
                best, best_t = (rec_rel + rec_unrel) / 2, t
        self.threshold = best_t
        return best_t


# -- stage 2: agree / disagree / discuss, scored by the model ---------------------------------


@dataclass
class FncAnswer:
    """One pair's answer: the label, the label distribution and how it was reached."""

    label: str
    similarity: float
    probs: dict[str, float] | None = None
    evidence: list[Evidence] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    calls: int = 0
    error: str | None = None
    cached: bool = False
    lexical: dict[str, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "similarity": self.similarity, "probs": self.probs,
                "evidence": [e.model_dump() for e in self.evidence], "usage": self.usage.model_dump(),
                "latency_s": self.latency_s, "calls": self.calls, "error": self.error}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FncAnswer:
        return cls(label=data["label"], similarity=data["similarity"], probs=data["probs"],
                   evidence=[Evidence.model_validate(e) for e in data["evidence"]],
                   usage=Usage.model_validate(data["usage"]), latency_s=data["latency_s"],
                   calls=data["calls"], error=data["error"], cached=True)


class FncTask:
    """The FNC-1 stance of a body toward a headline: lexical ``unrelated``, then model scores.

    Args:
        backend: any backend with ``score_choices`` (:class:`~summarizer.llm.backends.base.ChoiceScorer`).
        relatedness: the stage-1 similarity and its tuned threshold.
        cache: answers are cached by backend, model, prompt, headline and the sentences read.
        sentences: how many body sentences (the most similar to the headline) the model reads.
        bias: added to each label's log-probability before the best label is taken (a prior
            correction; ``None``: none).

    Usage::

        task = FncTask(backend=FakeBackend(default_distribution={"agree": 1}), relatedness=rel)
        task.run(pair).label  # 'agree'
    """

    def __init__(self, *, backend: ChoiceScorer, relatedness: Relatedness, cache: AnswerCache | None = None,
                 sentences: int = 4, bias: dict[str, float] | None = None,
                 lexical: LexicalStance | None = None, model_weight: float = 1.0) -> None:
        if not isinstance(backend, ChoiceScorer):
            raise ConfigurationError(f"the {getattr(backend, 'name', '?')} backend cannot score labels",
                                     hint="use the local or an OpenAI-compatible backend")
        self.backend = backend
        self.relatedness = relatedness
        self.cache = cache
        self.sentences = sentences
        self.bias = bias or {}
        self.lexical = lexical
        self.model_weight = model_weight
        self.template = load_prompt("stance")

    def evidence(self, headline: str, body: str) -> list[Evidence]:
        """The ``sentences`` body sentences most similar to the headline, in body order."""
        doc = Document(body)
        ranked = sorted(doc.sentences, key=lambda s: (-self.relatedness.similarity(headline, s.text), s.id))
        chosen = sorted(ranked[: self.sentences], key=lambda s: s.id)
        return [Evidence(start=s.start, end=s.end, text=s.text, sentence=s.id) for s in chosen]

    def scores(self, headline: str, evidence: Sequence[Evidence]) -> tuple[dict[str, float], Usage, bool]:
        """The model's distribution over agree/disagree/discuss (cached), its usage, cache hit."""
        excerpt = "\n".join(e.text for e in evidence)
        key = task_key(task="fnc1-choice", backend=self.backend.name, model=self.backend.model,
                       prompt=self.template.sha256, claim=headline, body=excerpt)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit["probs"], Usage.model_validate(hit["usage"]), True
        rendered = self.template.render(claim=headline, excerpt=excerpt)
        result = self.backend.score_choices(ChoiceRequest(messages=list(rendered.messages), choices=tuple(RELATED)))
        if self.cache is not None:
            self.cache.put(key, {"probs": result.probs, "usage": result.usage.model_dump()})
        return result.probs, result.usage, False

    def calibrate(self, pairs: Sequence[FncPair], *, step: float = 0.5, span: float = 3.0,
                  weights: Sequence[float] = (1.0,), min_pairs: int = 20) -> dict[str, float]:
        """Fit the prior correction ``bias`` (and, with a :attr:`lexical` classifier, the
        ``model_weight`` among ``weights``) on related dev ``pairs`` (not the scored ones).

        Small models favour one label whatever the text (the generated-label baseline said
        ``disagree`` for 37 of 60 pairs). The model scores every pair once; then a grid of
        log-probability offsets for ``disagree`` and ``discuss`` (``agree`` fixed at 0, from
        ``-span`` to ``span`` by ``step``) and of model weights is searched for the lowest
        log-loss of the combined scores on ``pairs`` (a proper scoring rule: on a few dozen
        pairs, macro-F1 picked corrections that did not carry over), ties to the smallest
        correction. With fewer than ``min_pairs`` usable pairs nothing is fitted (zero offsets,
        the given weight). Sets and returns ``bias``.
        """
        dev = [(p.stance, self.scores(p.headline, self.evidence(p.headline, p.body))[0],
                self.lexical.log_probs(p.headline, p.body) if self.lexical is not None else None)
               for p in pairs if p.stance in RELATED and self.relatedness.related(p.headline, p.body)]
        if len(dev) < min_pairs:  # two offsets (and a weight) are not fitted on a handful of pairs
            self.bias = {label: 0.0 for label in RELATED}
            return self.bias
        grid = [round(-span + k * step, 4) for k in range(int(2 * span / step) + 1)]
        best: tuple[float, float, float] | None = None
        best_bias: dict[str, float] = {}
        best_weight = self.model_weight
        for weight in weights if self.lexical is not None else (1.0,):
            self.model_weight = weight
            for b_dis in grid if weight else [0.0]:
                for b_disc in grid if weight else [0.0]:
                    self.bias = {"agree": 0.0, "disagree": b_dis, "discuss": b_disc}
                    loss = sum(self.log_loss(gold, pr, lex) for gold, pr, lex in dev) / len(dev)
                    key = (-round(loss, 9), -(abs(b_dis) + abs(b_disc)), -weight)
                    if best is None or key > best:
                        best, best_bias, best_weight = key, dict(self.bias), weight
        self.bias, self.model_weight = best_bias, best_weight
        return best_bias

    def _scores(self, probs: dict[str, float], lexical: dict[str, float] | None) -> dict[str, float]:
        return {c: self.model_weight * (math.log(max(probs.get(c, 0.0), 1e-12)) + self.bias.get(c, 0.0))
                + (lexical.get(c, 0.0) if lexical else 0.0) for c in RELATED}

    def log_loss(self, gold: str, probs: dict[str, float], lexical: dict[str, float] | None = None) -> float:
        """``-log P(gold)`` under the combined scores (softmax over the three labels)."""
        scores = self._scores(probs, lexical)
        top = max(scores.values())
        return -(scores[gold] - top - math.log(sum(math.exp(v - top) for v in scores.values())))

    def decide(self, probs: dict[str, float], lexical: dict[str, float] | None = None) -> str:
        """The best label: the model's log-probability after the prior correction ``bias``,
        times ``model_weight``, plus the lexical classifier's log-probability when given."""
        scores = self._scores(probs, lexical)
        return max(RELATED, key=scores.__getitem__)

    def run(self, pair: FncPair) -> FncAnswer:
        """Label one pair; a provider failure becomes ``error`` with label ``invalid``."""
        started = time.perf_counter()
        sim = self.relatedness.similarity(pair.headline, pair.body)
        if sim < self.relatedness.threshold:
            return FncAnswer(label="unrelated", similarity=sim, latency_s=round(time.perf_counter() - started, 4))
        evidence = self.evidence(pair.headline, pair.body)
        try:
            probs, usage, cached = self.scores(pair.headline, evidence)
        except SummarizerError as exc:
            return FncAnswer(label="invalid", similarity=sim, error=f"{type(exc).__name__}: {str(exc)[:200]}",
                             calls=1, latency_s=round(time.perf_counter() - started, 4))
        lexical = self.lexical.log_probs(pair.headline, pair.body) if self.lexical is not None else None
        return FncAnswer(label=self.decide(probs, lexical), similarity=sim, probs=probs, lexical=lexical,
                         evidence=evidence, usage=usage,
                         calls=1, cached=cached, latency_s=round(time.perf_counter() - started, 4))
