"""FNC-1 stage 2 without a model: a small lexical classifier of agree / disagree / discuss.

The features are the ones FNC-1's own baseline relies on (Pomerleau & Rao 2017): refuting
words ("hoax", "fake", "denied", "not", ...) and hedging words ("reportedly", "allegedly",
"claims", "unconfirmed", ...) counted in the headline, the whole body, its first two sentences
and the body sentences most similar to the headline, plus the headline–body similarity, the
best sentence similarity, the body length and whether the headline is a question. A
multinomial logistic regression (class-weighted, L2) is fit on labelled pairs that the scored
sample does not contain (:meth:`LexicalStance.fit`); its log-probabilities are combined with
the model's in :class:`~summarizer.evals.fnc1.FncTask` with a weight chosen on calibration
pairs. Numpy comes with spaCy (a core dependency).

Usage::

    clf = LexicalStance(relatedness)
    clf.fit(training_pairs).log_probs("Panda is pregnant", body)
    # {'agree': -0.4, 'disagree': -2.9, 'discuss': -1.3}
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Protocol


class _Similarity(Protocol):
    """What the classifier needs of stage 1 (:class:`~summarizer.evals.fnc1.Relatedness`)."""

    def similarity(self, a: str, b: str) -> float: ...


class _Pair(Protocol):
    """A labelled pair (:class:`~summarizer.evals.fnc1.FncPair`)."""

    headline: str
    body: str
    stance: str

__all__ = ["LexicalStance"]

LABELS = ("agree", "disagree", "discuss")
_REFUTING = re.compile(
    r"\b(?:fake|fraud|hoax|false|den(?:y|ies|ied|ial)|not|despite|nope|doubts?|doubtful|bogus|debunk\w*|prank\w*|"
    r"retract\w*|untrue|myth|satir\w*|never|isn't|wasn't|no)\b", re.IGNORECASE)
_HEDGING = re.compile(
    r"\b(?:reportedly|allegedly|alleged|claim\w*|rumou?r\w*|unconfirmed|according|report\w*|sources?|purportedly|"
    r"apparently|may|might|could|appears?|seems?|believed|suggest\w*|if)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class LexicalStance:
    """Agree / disagree / discuss from refuting and hedging words (see the module docstring).

    Args:
        relatedness: the stage-1 similarity (its IDF weights the sentence similarities).
        l2: the L2 penalty of the regression.
    """

    def __init__(self, relatedness: _Similarity, *, l2: float = 1.0) -> None:
        self.relatedness = relatedness
        self.l2 = l2
        self._model: tuple[Any, Any, Any] | None = None

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def features(self, headline: str, body: str) -> list[float]:
        sentences = [s for s in _SENTENCE.split(body) if s.strip()] or [body]
        sims = [self.relatedness.similarity(headline, s) for s in sentences]
        closest = " ".join(s for _, s in sorted(zip(sims, sentences, strict=True), key=lambda x: -x[0])[:4])
        lead = " ".join(sentences[:2])
        words = max(len(body.split()), 1)
        return [
            len(_REFUTING.findall(body)) / words * 100, len(_HEDGING.findall(body)) / words * 100,
            len(_REFUTING.findall(headline)), len(_HEDGING.findall(headline)),
            len(_REFUTING.findall(closest)), len(_HEDGING.findall(closest)),
            self.relatedness.similarity(headline, body), max(sims), math.log(words), float("?" in headline),
            len(_REFUTING.findall(lead)), len(_HEDGING.findall(lead)),
        ]

    def fit(self, pairs: Sequence[_Pair], *, iterations: int = 2000, rate: float = 0.2) -> LexicalStance:
        """Fit on labelled related ``pairs`` (classes weighted by inverse frequency). Returns self."""
        import numpy as np

        rows = [p for p in pairs if p.stance in LABELS]
        if not rows:
            return self
        x = np.array([self.features(p.headline, p.body) for p in rows], dtype=float)
        y = np.array([LABELS.index(p.stance) for p in rows])
        counts = np.bincount(y, minlength=len(LABELS)).astype(float)
        weights = (1.0 / np.maximum(counts, 1.0))[y]
        mean, scale = x.mean(0), x.std(0)
        scale[scale < 1e-9] = 1.0  # a constant feature stays 0, whatever it is at prediction time
        xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
        w = np.zeros((xs.shape[1], len(LABELS)))
        onehot = np.eye(len(LABELS))[y]
        for _ in range(iterations):
            z = xs @ w
            z -= z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            grad = xs.T @ ((p - onehot) * weights[:, None]) / weights.sum() + self.l2 * w / len(y)
            w -= rate * grad
        self._model = (mean, scale, w)
        return self

    def log_probs(self, headline: str, body: str) -> dict[str, float]:
        """Log-probabilities of the three labels (all equal before :meth:`fit`)."""
        import numpy as np

        if self._model is None:
            return {label: math.log(1 / len(LABELS)) for label in LABELS}
        mean, scale, w = self._model
        x = np.array(self.features(headline, body), dtype=float)
        z = np.append((x - mean) / scale, 1.0) @ w
        z = z - z.max()
        logp = z - math.log(float(np.exp(z).sum()))
        return {label: round(float(v), 6) for label, v in zip(LABELS, logp, strict=True)}
