"""Scoring: claim matching and P/R/F1, stance classification scores, key-point coverage.

The matching rules are documented in ``evals/README.md`` ("Metrics and matching rules"); the
constants below are the thresholds that document refers to. Every function is pure: it takes
predicted and gold items and returns numbers, so scores can be recomputed from cached model
answers without calling a model.

>>> prf(tp=2, n_pred=4, n_gold=2).f1
0.6667

(Just under 500 lines: the claim and stance matching rules of ``evals/README.md`` in one place,
each next to the threshold it uses; every function is small and pure.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..analysis.grounding import content_words, normalize

__all__ = [
    "PRF",
    "ClaimMatch",
    "ClaimScores",
    "ClassScores",
    "GoldClaimRef",
    "GoldStanceRef",
    "PredClaim",
    "PredStance",
    "claim_similarity",
    "class_precision",
    "class_recall",
    "classification_scores",
    "keypoint_coverage",
    "match_claims",
    "match_stances",
    "prf",
    "span_overlap",
    "speakers_match",
    "strict_speaker_match",
    "target_similarity",
]

SPAN_MIN_OVERLAP = 0.5
"""Share of the gold evidence span a prediction's evidence must cover to count as the same place."""
TEXT_MIN_SIMILARITY = 0.75
"""Content similarity (0-1) that matches a claim on its wording alone, wherever its evidence is."""
TARGET_MIN_SIMILARITY = 0.6
"""Similarity (0-1) of two stance targets for them to be the same target."""
KEYPOINT_MIN_RECALL = 0.5
"""Share of a gold key point's content words one predicted unit must contain to cover it."""
SPEAKER_MIN_RATIO = 90.0
"""rapidfuzz ratio of two normalised names accepted as spelling variants ("Kim Jong-un"/"Kim Jong Un")."""

_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "president", "prime", "minister", "foreign", "sen", "senator",
    "rep", "gov", "governor", "gen", "general", "the", "a", "an", "mayor", "chairman", "chair",
    "spokesman", "spokeswoman", "spokesperson", "secretary", "ceo", "leader", "king", "queen",
}
_PRONOUNS = {
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "its", "their",
    "who", "which", "one",
}
_NAME_TOKEN = re.compile(r"[\w]+", re.UNICODE)


def _r(x: float) -> float:
    return round(x, 4)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts they come from."""

    tp: int
    n_pred: int
    n_gold: int
    precision: float
    recall: float
    f1: float


def prf(*, tp: int, n_pred: int, n_gold: int) -> PRF:
    """Precision/recall/F1 from counts.

    Conventions for empty sides (so that every case has a score): with no predictions,
    precision is 1 (nothing was wrongly predicted); with no gold items, recall is 1 (nothing
    was missed); F1 is 0 when precision and recall are both 0. So no predictions and no gold
    scores 1/1/1, and predictions on an article with no gold items score precision 0.

    Example:
        >>> prf(tp=0, n_pred=0, n_gold=3).f1
        0.0
    """
    if tp > min(n_pred, n_gold):
        raise ValueError(f"tp ({tp}) cannot exceed n_pred ({n_pred}) or n_gold ({n_gold})")
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(tp, n_pred, n_gold, _r(precision), _r(recall), _r(f1))


# -- names ----------------------------------------------------------------------------------


def _name_tokens(name: str) -> list[str]:
    tokens = _NAME_TOKEN.findall(normalize(name).replace("-", " "))
    return [t for t in tokens if t not in _TITLES] or tokens


def _is_wildcard(name: str | None) -> bool:
    if name is None:
        return True
    tokens = _NAME_TOKEN.findall(normalize(name))
    return not tokens or (len(tokens) <= 2 and tokens[-1] in _PRONOUNS)


def speakers_match(
    pred: str | None,
    gold: str | None,
    *,
    pred_type: str | None = None,
    gold_type: str | None = None,
) -> bool:
    """Whether two speaker names denote the same speaker (tolerant to name variants).

    Rules, in order: both are the outlet's own voice → match; either is missing or a pronoun
    ("she", "they") → match (no coreference is attempted); equal after normalisation (case,
    quotes, hyphens, titles such as "President" dropped) → match; every word of the shorter
    name is in the longer one ("Putin" / "Vladimir Putin") → match; same surname and compatible
    first name or initial ("V. Putin" / "Vladimir Putin") → match; spelling variants at a
    rapidfuzz ratio of at least :data:`SPEAKER_MIN_RATIO` → match. Anything else is not a
    match: "Chinese experts" and "Chinese analysts" differ (neither contains the other).

    Example:
        >>> speakers_match("Putin", "Vladimir Putin"), speakers_match("Chinese experts", "Chinese analysts")
        (True, False)
    """
    if pred_type == "outlet" and gold_type == "outlet":
        return True
    if pred is None or gold is None or _is_wildcard(pred) or _is_wildcard(gold):
        return True
    a, b = _name_tokens(pred), _name_tokens(gold)
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short and set(short) <= set(long_):
        return True
    same_surname = len(a) >= 2 and len(b) >= 2 and a[-1] == b[-1] and len(a[-1]) >= 3
    initial = a[0][0] == b[0][0] and (len(a[0]) == 1 or len(b[0]) == 1)
    if same_surname and (a[0] == b[0] or initial):
        return True
    return fuzz.ratio(" ".join(a), " ".join(b)) >= SPEAKER_MIN_RATIO


# -- claims ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PredClaim:
    """A predicted claim reduced to what matching needs."""

    text: str
    speaker: str | None
    speaker_type: str | None = None
    attribution: str | None = None
    spans: tuple[tuple[int, int], ...] = ()
    source_spans: tuple[tuple[int, int], ...] = ()  # the source mention as written, if known


@dataclass(frozen=True)
class GoldClaimRef:
    """A gold claim reduced to what matching needs (fixtures and PolNeAR map to it)."""

    text: str
    speaker: str | None
    start: int
    end: int
    speaker_type: str | None = None
    attribution: str | None = None
    evidence: str = ""
    source_spans: tuple[tuple[int, int], ...] = ()  # the gold Source mention, if annotated


def _named(name: str | None) -> bool:
    """A speaker name that says who: not missing, not a pronoun ("he", "they", "who")."""
    return name is not None and not _is_wildcard(name)


def strict_speaker_match(pred: PredClaim, gold: GoldClaimRef) -> bool:
    """The who-said-what rule: is the predicted speaker the gold one, with no wildcard?

    The predicted source mention overlaps the gold Source span; or both speakers are names
    (not a pronoun, not missing) that :func:`speakers_match` accepts. A gold claim with no
    Source (no span and no speaker) matches only a prediction with no source either. A
    pronoun or a missing speaker never matches a named one (unlike :func:`speakers_match`).

    Example:
        >>> g = GoldClaimRef("the pact is defensive", "he", 10, 31, source_spans=((0, 2),))
        >>> strict_speaker_match(PredClaim("x", "Vladimir Putin", source_spans=((0, 2),)), g)
        True
        >>> strict_speaker_match(PredClaim("x", "he", source_spans=((40, 42),)), g)
        False
        >>> named = GoldClaimRef("the pact is defensive", "Vladimir Putin", 10, 31)
        >>> strict_speaker_match(PredClaim("x", "Putin"), named), strict_speaker_match(PredClaim("x", None), named)
        (True, False)
    """
    gold_none = not gold.source_spans and gold.speaker is None
    pred_none = not pred.source_spans and pred.speaker is None
    if gold_none or pred_none:
        return gold_none and pred_none
    if _same_mention(pred, gold):
        return True
    if _named(pred.speaker) and _named(gold.speaker):
        return speakers_match(pred.speaker, gold.speaker)
    return False


def span_overlap(spans: Iterable[tuple[int, int]], start: int, end: int) -> float:
    """Share of ``[start, end)`` covered by the union of ``spans`` (0-1).

    Example:
        >>> span_overlap([(0, 5), (8, 20)], 3, 13)
        0.7
    """
    if end <= start:
        return 0.0
    covered = [False] * (end - start)
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            covered[i - start] = True
    return _r(sum(covered) / (end - start))


def _similarity(a: str, b: str) -> float:
    wa, wb = sorted(content_words(a)), sorted(content_words(b))
    if not wa or not wb:
        return 0.0
    ja, jb = " ".join(wa), " ".join(wb)
    # token_set_ratio scores any subset as 100: only trust it when both sides say something.
    if min(len(wa), len(wb)) >= 3:
        return fuzz.token_set_ratio(ja, jb) / 100
    return fuzz.ratio(ja, jb) / 100


def claim_similarity(pred: PredClaim, gold: GoldClaimRef) -> float:
    """Content similarity (0-1) of a predicted claim to a gold claim's text or evidence."""
    best = _similarity(pred.text, gold.text)
    if gold.evidence and gold.evidence != gold.text:
        best = max(best, _similarity(pred.text, gold.evidence))
    return _r(best)


@dataclass(frozen=True)
class ClaimMatch:
    """One matched (prediction, gold) pair."""

    pred: int
    gold: int
    score: float
    similarity: float
    overlap: float


@dataclass
class ClaimScores:
    """Result of :func:`match_claims`."""

    prf: PRF
    matches: list[ClaimMatch] = field(default_factory=list)
    speaker_type_correct: int = 0
    speaker_type_total: int = 0
    attribution_correct: int = 0
    attribution_total: int = 0


def _same_mention(pred: PredClaim, gold: GoldClaimRef) -> bool:
    """The predicted source mention overlaps the gold Source span ('Only 52 percent' credited
    to 'registered voters' is still the annotated source)."""
    return any(a < ge and gs < b for a, b in pred.source_spans for gs, ge in gold.source_spans)


def match_claims(pred: Sequence[PredClaim], gold: Sequence[GoldClaimRef], *,
                 strict_speakers: bool = False) -> ClaimScores:
    """One-to-one greedy matching of predicted to gold claims, then P/R/F1.

    A pair is eligible when the speakers match (:func:`speakers_match`, or the predicted source
    mention overlaps the gold Source span where one is annotated; with
    ``strict_speakers=True`` the who-said-what rule :func:`strict_speaker_match`, where a
    pronoun or a missing speaker is no wildcard) and either the
    prediction's evidence covers at least :data:`SPAN_MIN_OVERLAP` of the gold span or their
    content similarity is at least :data:`TEXT_MIN_SIMILARITY`. Eligible pairs are taken in
    order of ``(overlap + similarity) / 2``, best first, each prediction and gold claim at most
    once; so a duplicated prediction matches once and the copy is a false positive.

    Example:
        >>> g = [GoldClaimRef("The pact is defensive.", "Vladimir Putin", 0, 22)]
        >>> p = [PredClaim("the pact is defensive", "Putin", spans=((0, 22),))] * 2
        >>> match_claims(p, g).prf
        PRF(tp=1, n_pred=2, n_gold=1, precision=0.5, recall=1.0, f1=0.6667)
        >>> match_claims([PredClaim("the pact is defensive", "he", spans=((0, 22),))], g,
        ...              strict_speakers=True).prf.tp
        0
    """
    candidates: list[ClaimMatch] = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if strict_speakers:
                if not strict_speaker_match(p, g):
                    continue
            elif not (speakers_match(p.speaker, g.speaker, pred_type=p.speaker_type, gold_type=g.speaker_type)
                      or _same_mention(p, g)):
                continue
            overlap = span_overlap(p.spans, g.start, g.end)
            sim = claim_similarity(p, g)
            if overlap >= SPAN_MIN_OVERLAP or sim >= TEXT_MIN_SIMILARITY:
                candidates.append(ClaimMatch(i, j, _r((overlap + sim) / 2), sim, overlap))
    candidates.sort(key=lambda m: (-m.score, m.pred, m.gold))
    used_p: set[int] = set()
    used_g: set[int] = set()
    matches = []
    for m in candidates:
        if m.pred in used_p or m.gold in used_g:
            continue
        used_p.add(m.pred)
        used_g.add(m.gold)
        matches.append(m)
    matches.sort(key=lambda m: m.gold)
    out = ClaimScores(prf=prf(tp=len(matches), n_pred=len(pred), n_gold=len(gold)), matches=matches)
    for m in matches:
        p, g = pred[m.pred], gold[m.gold]
        if g.speaker_type is not None and p.speaker_type is not None:
            out.speaker_type_total += 1
            out.speaker_type_correct += p.speaker_type == g.speaker_type
        if g.attribution is not None and p.attribution is not None:
            out.attribution_total += 1
            out.attribution_correct += p.attribution == g.attribution
    return out


# -- stances --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PredStance:
    holder: str
    target: str
    label: str
    holder_type: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class GoldStanceRef:
    holder: str
    target: str
    label: str
    start: int
    end: int
    holder_type: str | None = None


def target_similarity(a: str, b: str) -> float:
    """Similarity (0-1) of two stance targets, on content words (subset-tolerant)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    shared = len(wa & wb) / min(len(wa), len(wb))
    return _r(max(shared, fuzz.token_set_ratio(" ".join(sorted(wa)), " ".join(sorted(wb))) / 100))


def match_stances(
    pred: Sequence[PredStance], gold: Sequence[GoldStanceRef]
) -> tuple[PRF, list[tuple[int, int]]]:
    """Match predicted to gold stances one-to-one (labels are *not* part of the match).

    A pair is eligible when the holders match (:func:`speakers_match`) and the targets are
    similar (:func:`target_similarity` at least :data:`TARGET_MIN_SIMILARITY`) or the
    prediction's evidence covers at least :data:`SPAN_MIN_OVERLAP` of the gold span. Greedy
    by best score. Returns detection P/R/F1 and the ``(pred, gold)`` index pairs; label scores
    are computed on the pairs with :func:`classification_scores`.
    """
    cands: list[tuple[float, int, int]] = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if not speakers_match(p.holder, g.holder, pred_type=p.holder_type, gold_type=g.holder_type):
                continue
            tsim = target_similarity(p.target, g.target)
            overlap = span_overlap(p.spans, g.start, g.end)
            if tsim >= TARGET_MIN_SIMILARITY or overlap >= SPAN_MIN_OVERLAP:
                cands.append(((tsim + overlap) / 2, i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    pairs.sort(key=lambda ij: ij[1])
    return prf(tp=len(pairs), n_pred=len(pred), n_gold=len(gold)), pairs


@dataclass(frozen=True)
class ClassScores:
    """Accuracy, per-class P/R/F1, macro-F1 and the confusion matrix of a labelling."""

    n: int
    accuracy: float | None
    per_class: dict[str, PRF | None]
    """Every class of ``labels`` and every gold label; ``None`` for a class with neither gold
    items nor predictions (undefined, never a perfect score). A class predicted but never
    gold has precision 0 and F1 0; its recall is undefined (see :func:`class_recall`)."""
    macro_f1: float | None
    labels: list[str]
    confusion: list[list[int]]
    """``confusion[i][j]``: gold ``labels[i]`` predicted as ``labels[j]``. Predictions outside
    the classes (e.g. ``invalid``) get a column of their own, and no row or class."""

    def macro_over(self, classes: Sequence[str]) -> float | None:
        """Macro-F1 over the ``classes`` that have gold support (``None`` if none has)."""
        f1s = [s.f1 for name in classes if (s := self.per_class.get(name)) is not None and s.n_gold]
        return _r(sum(f1s) / len(f1s)) if f1s else None


def classification_scores(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str]
) -> ClassScores:
    """Score a labelling against gold labels.

    The classes are ``labels`` plus any gold label outside them. Macro-F1 averages the F1 of
    the classes with gold support in the sample (a class nobody should have received is not
    averaged; predicting it still costs the precision of nothing and the recall of the
    class that was gold). A prediction outside the classes (``"invalid"``, an unparsable
    answer) is wrong: it counts against the gold class's recall and is not a class itself.
    With no items, accuracy and macro-F1 are ``None``.

    Example:
        >>> s = classification_scores(["a", "a", "b"], ["a", "b", "b"], labels=["a", "b", "c"])
        >>> s.accuracy, s.macro_f1, s.confusion[:2], s.per_class["c"]
        (0.6667, 0.6667, [[1, 1, 0], [0, 1, 0]], None)
    """
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels but pred has {len(pred)}")
    classes = list(labels) + sorted(set(gold) - set(labels))
    names = classes + sorted(set(pred) - set(classes))
    index = {name: k for k, name in enumerate(names)}
    confusion = [[0] * len(names) for _ in names]
    for g, p in zip(gold, pred, strict=True):
        confusion[index[g]][index[p]] += 1
    per_class: dict[str, PRF | None] = {}
    for k, name in enumerate(classes):
        tp = confusion[k][k]
        n_gold = sum(confusion[k])
        n_pred = sum(row[k] for row in confusion)
        per_class[name] = prf(tp=tp, n_pred=n_pred, n_gold=n_gold) if n_gold or n_pred else None
    n = len(gold)
    accuracy = _r(sum(confusion[k][k] for k in range(len(classes))) / n) if n else None
    out = ClassScores(n, accuracy, per_class, None, names, confusion)
    return ClassScores(n, accuracy, per_class, out.macro_over(classes), names, confusion)


def class_recall(s: PRF) -> float | None:
    """Recall of one class, ``None`` when it has no gold items (undefined)."""
    return s.recall if s.n_gold else None


def class_precision(s: PRF) -> float | None:
    """Precision of one class, ``None`` when it was never predicted (undefined)."""
    return s.precision if s.n_pred else None


# -- summary --------------------------------------------------------------------------------


def keypoint_recall(gold_point: str, unit: str) -> float:
    """Share of ``gold_point``'s content words (stemmed) that occur in ``unit``."""
    words = content_words(gold_point)
    if not words:
        return 0.0
    return _r(len(words & content_words(unit)) / len(words))


def keypoint_coverage(gold_points: Sequence[str], units: Sequence[str]) -> tuple[float | None, list[bool]]:
    """Share of gold key points covered by at least one predicted unit.

    A unit is one predicted key point, the headline, or one sentence of the abstract; a gold
    point is covered when one unit contains at least :data:`KEYPOINT_MIN_RECALL` of its content
    words. Returns ``(coverage, covered flags)``; coverage is ``None`` with no gold points.

    Example:
        >>> keypoint_coverage(["Council funds ferry to Brack"], ["The council will fund a ferry."])
        (1.0, [True])
    """
    flags = [any(keypoint_recall(g, u) >= KEYPOINT_MIN_RECALL for u in units) for g in gold_points]
    if not flags:
        return None, []
    return _r(sum(flags) / len(flags)), flags
