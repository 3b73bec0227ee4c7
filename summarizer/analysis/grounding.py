"""Evidence verification: the model's sentence ids and quotes → verified character spans.

Nothing the model says about the source is trusted. For every item the library checks that

* every cited sentence id exists;
* a named speaker or stance holder occurs in the article (the outlet's own voice excepted);
* the cited sentences actually state the claim (content-word overlap, :data:`MIN_SUPPORT`);
* any words the claim puts in quotation marks occur in the cited sentences (after whitespace
  and quote-mark normalisation; fuzzy matching only at :data:`QUOTE_MIN_RATIO` or above);
* a claim labelled ``direct`` cites a sentence that contains a quotation.

Each failure yields a :class:`Problem` whose message is an instruction to the model; the
pipeline sends them back in a re-ask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from .rules import for_document, speaker_type
from ..core.document import Document, Sentence
from ..core.models import Claim, Evidence, KeyPoint, RejectedItem, Stance
from ..llm.wire import WIRE_TO_SPEAKER_TYPE, WireArticle, WireClaim, WireRepair

__all__ = ["GroundedItems", "Problem", "content_words", "ground", "normalize", "reask_message"]

MIN_SUPPORT = 0.25
"""Share of a claim's content words that must occur in its cited sentences."""
QUOTE_MIN_RATIO = 95.0
"""rapidfuzz partial-ratio a quoted phrase must reach against the cited sentences."""

_QUOTE_CHARS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
                "`": "'", "´": "'", "″": '"', "「": '"', "」": '"', "『": '"', "』": '"'}
_QUOTE_TABLE = str.maketrans(_QUOTE_CHARS)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w[\w'\-]*", re.UNICODE)
_QUOTED = re.compile(r'"([^"]{12,})"')
_HAS_QUOTE = re.compile(r"[\"“”«»„「」]|(?:^|\s)['‘][^'’]{8,}['’]")

_STOPWORDS = set(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    that this these those it its it's he she they them his her their we our you your i me my
    will would should could can may might must shall do does did has have had not no nor so
    than then there here which who whom whose what when where why how all any both each more
    most other some such only own same too very just also said says say told according about
    into over after before between during under again further once up down out off new""".split()
)
_OUTLET_NAMES = {"outlet", "the outlet", "author", "the author"}
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}
_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|they|his|her|their)\b", re.IGNORECASE)
PRONOUN_LOOKBACK = 3
"""A sentence that refers to its speaker by pronoun ("she said") may credit a speaker named up
to this many sentences before it (a cheap stand-in for coreference); otherwise the speaker must
be named in the cited sentence or the one just before it."""


GROUNDING_VERSION = "3"
"""Bumped whenever verification or the attribution rules change what an analysis contains;
part of every response-cache key, so cached analyses made by older rules are not reused.
1: the rules and checks of the 1.5B baseline (evals/baselines/legacy-engine/qwen2.5-coder-1.5b);
2: six attribution-rule fixes, 'speaker is a piece of the text' check (claims and stance
   holders), category-word stance targets ('policy') rejected, repeated stances merged;
3: Spanish and French cue lists (rule claims and hints for articles in those languages)."""


def normalize(text: str) -> str:
    """Lower-case text with unified quote marks, dashes and whitespace (for matching only)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE)
    text = _DASHES.sub("-", text)
    return _WS.sub(" ", text).strip().lower()


def _stem(word: str) -> str:
    return word[:5]


def content_words(text: str) -> set[str]:
    """Stemmed content words of ``text`` (stop words and one-letter tokens removed)."""
    words = _WORD.findall(normalize(text))
    return {_stem(w.strip("'-")) for w in words if len(w) > 1 and w not in _STOPWORDS}


@dataclass
class Problem:
    """One verification failure, phrased as an instruction to the model."""

    kind: str  # "claim" | "stance" | "key_point"
    index: int
    message: str
    item: dict[str, Any]

    def instruction(self) -> str:
        key = {"claim": "c", "stance": "s", "key_point": "k"}[self.kind]
        return f"{key}[{self.index}]: {self.message}"


@dataclass
class GroundedItems:
    """The verified items of one model output, plus every problem found."""

    key_points: list[KeyPoint] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    overridden: list[Problem] = field(default_factory=list)
    """Model claims that contradict the attribution rules (the outlet's voice, or a speaker the
    rules do not find, on a sentence that credits a source); a rule-based claim replaces them."""
    superseded: list[Problem] = field(default_factory=list)
    """Problems of earlier answers whose items a re-ask replaced or withdrew (audit trail)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def merged_with(self, repair: GroundedItems) -> GroundedItems:
        """These verified items plus a re-ask's verified replacements; the re-ask's problems
        become the open ones and the current open problems move to :attr:`superseded`."""
        claims = _unique_claims([*self.claims, *repair.claims])
        claims.sort(key=lambda c: c.evidence[0].start if c.evidence else 0)
        return GroundedItems(
            key_points=[*self.key_points, *repair.key_points][:7],
            claims=claims,
            stances=_unique_stances([*self.stances, *repair.stances]),
            problems=list(repair.problems),
            overridden=[*self.overridden, *repair.overridden],
            superseded=[*self.superseded, *self.problems],
        )

    def rejected(self) -> list[RejectedItem]:
        """Every item the model proposed that could not be verified: the open problems, then
        (noted as such) the items a re-ask replaced or withdrew."""
        out: dict[tuple[str, str], RejectedItem] = {}
        for p in self.problems:
            key = (p.kind, repr(sorted(p.item.items())))
            if key in out:
                out[key].reasons.append(p.message)
            else:
                out[key] = RejectedItem(kind=p.kind, item=p.item, reasons=[p.message])  # type: ignore[arg-type]
        gone: dict[tuple[str, str], RejectedItem] = {}
        for p in self.superseded:
            key = (p.kind, repr(sorted(p.item.items())))
            if key in out:
                continue  # proposed again and still open
            if key in gone:
                if p.message not in gone[key].reasons:
                    gone[key].reasons.append(p.message)
            else:
                gone[key] = RejectedItem(kind=p.kind, item=p.item, reasons=[p.message])  # type: ignore[arg-type]
        for item in gone.values():
            item.reasons.append(SUPERSEDED_NOTE)
        overridden = [RejectedItem(kind=p.kind, item=p.item, reasons=[p.message])  # type: ignore[arg-type]
                      for p in self.overridden]
        return [*out.values(), *gone.values(), *overridden]


def _unique_claims(claims: list[Claim]) -> list[Claim]:
    """``claims`` without exact repeats (same speaker, sentences and text), order kept."""
    seen: set[tuple[str, tuple[int | None, ...], str]] = set()
    out = []
    for c in claims:
        key = (normalize(c.speaker), tuple(e.sentence for e in c.evidence), normalize(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _unique_stances(stances: list[Stance]) -> list[Stance]:
    """One stance per holder, target and label, order kept: repeats (the 1.5B model lists
    the same stance once per sentence) are merged into the first, with every cited sentence."""
    first: dict[tuple[str, str, str], int] = {}
    out: list[Stance] = []
    for st in stances:
        key = (normalize(st.holder), normalize(st.target), st.label)
        if key not in first:
            first[key] = len(out)
            out.append(st)
            continue
        kept = out[first[key]]
        cited = {e.sentence for e in kept.evidence}
        extra = [e for e in st.evidence if e.sentence not in cited]
        if extra:
            evidence = sorted([*kept.evidence, *extra], key=lambda e: e.start)
            out[first[key]] = kept.model_copy(update={"evidence": evidence})
    return out


SUPERSEDED_NOTE = "replaced or withdrawn by the model when a re-ask asked it to fix this item"


class _Checker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.sentences = doc.sentences
        self.n = len(self.sentences)
        self.visible = {v.id for v in doc.visible}
        self._article_words: set[str] | None = None
        self._article_norm: str | None = None

    @property
    def article_words(self) -> set[str]:
        if self._article_words is None:
            self._article_words = content_words(self.doc.text)
        return self._article_words

    @property
    def article_norm(self) -> str:
        if self._article_norm is None:
            self._article_norm = normalize(self.doc.text)
        return self._article_norm

    def sentences_for(self, ids: list[int]) -> tuple[list[Sentence], list[str]]:
        found, problems = [], []
        for i in dict.fromkeys(ids):  # keep order, drop repeats
            if 1 <= i <= self.n and i in self.visible:
                found.append(self.sentences[i - 1])
            elif 1 <= i <= self.n:
                problems.append(
                    f"sentence {i} is a repeated line or a label, not shown in the article; "
                    "cite a sentence shown in [brackets]"
                )
            else:
                problems.append(
                    f"sentence {i} does not exist; cite ids between 1 and {self.n} from the article"
                )
        return found, problems

    def name_problem(self, name: str, what: str, near: list[Sentence] | None = None) -> str | None:
        """A problem if ``name`` is not named in the article, or (when ``near`` is given)
        not in the cited sentences or the sentence just before each of them (up to
        :data:`PRONOUN_LOOKBACK` sentences before one that uses a pronoun)."""
        norm = normalize(name)
        if norm in _OUTLET_NAMES:
            return None
        words = content_words(name)
        if not words or norm in _PRONOUNS:
            return None  # pronouns and generic descriptors are tolerated (no coreference here)
        if near is None:
            scope_norm, scope_words = self.article_norm, self.article_words
        else:
            ids: set[int] = set()
            for s in near:
                back = PRONOUN_LOOKBACK if _SUBJECT_PRONOUN.search(s.text) else 1
                ids |= set(range(max(1, s.id - back), s.id + 1))
            scope_text = " ".join(self.sentences[i - 1].text for i in sorted(ids))
            scope_norm, scope_words = normalize(scope_text), content_words(scope_text)
        if norm in scope_norm or len(words & scope_words) / len(words) >= 0.5:
            return None
        if near is not None and (norm in self.article_norm or
                                 len(words & self.article_words) / len(words) >= 0.5):
            cited = [s.id for s in near]
            return (
                f"the {what} '{name}' is not named in sentences {cited}; cite the sentence where "
                f"'{name}' says it, or credit the speaker those sentences name"
            )
        return (
            f"the {what} '{name}' does not appear in the article; name the {what} exactly as "
            "the article does"
        )

    def support_problem(self, text: str, sents: list[Sentence], ids: list[int]) -> str | None:
        words = content_words(text)
        if not words or not sents:
            return None
        cited: set[str] = set()
        for s in sents:
            cited |= content_words(s.text)
        if len(words & cited) / len(words) >= MIN_SUPPORT:
            return None
        return (
            f"sentences {ids} do not state '{text[:80]}'; cite the ids of the sentences that "
            "state it, or drop the item"
        )

    def quote_problems(self, text: str, sents: list[Sentence]) -> list[str]:
        problems = []
        haystack = normalize(" ".join(s.text for s in sents))
        for quoted in _QUOTED.findall(normalize(text)):
            q = quoted.strip(" ,.")
            if len(q.split()) < 3 or q in haystack:
                continue
            if fuzz.partial_ratio(q, haystack) >= QUOTE_MIN_RATIO:
                continue
            where = "elsewhere in the article" if q in self.article_norm else "in the article"
            if where == "in the article":
                problems.append(
                    f"the quotation \"{q[:60]}\" is not in the article; quote only words that "
                    "appear verbatim, or paraphrase without quotation marks"
                )
            else:
                problems.append(
                    f"the quotation \"{q[:60]}\" is not in the cited sentences (it is {where}); "
                    "cite the sentence that contains it"
                )
        return problems


_QUOTE_SPAN = re.compile(r'["“«„]([^"“”«»„]{8,})["”»]')


def _claim_text(sents: list[Sentence], *, direct: bool) -> str:
    """The claim's text when the model left ``x`` null: the quoted words of a direct claim,
    else the cited sentences themselves (both taken verbatim from the source)."""
    if direct:
        quotes = [q.strip(" ,.") for s in sents for q in _QUOTE_SPAN.findall(s.text)]
        if quotes:
            return " … ".join(quotes)[:500]
    return " ".join(s.text for s in sents)[:500]


def _evidence(sents: list[Sentence]) -> list[Evidence]:
    return [Evidence(start=s.start, end=s.end, text=s.text, sentence=s.id) for s in sents]


def ground(wire: WireArticle | WireRepair, doc: Document, *, rule_claims: bool = True) -> GroundedItems:
    """Verify every item of ``wire`` (a whole answer or a re-ask's replacements) against
    ``doc``; return the verified items and the problems.

    With ``rule_claims`` (whole answers), sentences that the attribution rules
    (:mod:`summarizer.analysis.rules`) credit to a source get a rule-based claim when the model
    left them out, credited them to the outlet's own voice, or named a speaker the rules do not
    find there; the overridden model items are kept on record in ``rejected``.
    """
    chk = _Checker(doc)
    out = GroundedItems()
    outlet_name = doc.outlet or "outlet"
    rules = for_document(doc) if rule_claims else {}

    for i, kp in enumerate(wire.k):
        sents, probs = chk.sentences_for(kp.e)
        if probs:
            out.problems += [Problem("key_point", i, p, kp.model_dump()) for p in probs]
            continue
        out.key_points.append(KeyPoint(text=kp.x, evidence=_evidence(sents)))

    for i, c in enumerate(wire.c):
        if normalize(c.s) in _OUTLET_NAMES and c.t != "outlet":
            c = c.model_copy(update={"t": "outlet"})  # s="outlet" with t="group": the outlet's voice
        probs = _claim_problems(chk, c)
        if probs:
            out.problems += [Problem("claim", i, p, c.model_dump()) for p in probs]
            continue
        sents, _ = chk.sentences_for(c.e)
        ruled = [rules[s.id] for s in sents if s.id in rules]
        if ruled and (c.t == "outlet" or not any(_same_source(c.s, r.source) for r in ruled)):
            r = ruled[0]
            out.overridden.append(Problem("claim", i, (
                f"sentence {r.sentence} credits '{r.source}' ({r.cue}), not "
                f"{'the outlet' if c.t == 'outlet' else repr(c.s)}; replaced by the rule-based claim"),
                c.model_dump()))
            continue
        text = c.x or _claim_text(sents, direct=c.a == "direct")
        out.claims.append(
            Claim(
                text=text,
                speaker=outlet_name if c.t == "outlet" else c.s,
                speaker_type=WIRE_TO_SPEAKER_TYPE[c.t],  # type: ignore[arg-type]
                attribution=c.a,
                cue=c.v or None,
                evidence=_evidence(sents),
            )
        )

    out.claims = _unique_claims(out.claims)  # an exact repeat of an earlier claim adds nothing
    if rules:
        covered = {e.sentence for c in out.claims for e in c.evidence if c.speaker_type != "outlet"}
        for sid, r in rules.items():
            if sid in covered:
                continue
            sent = chk.sentences[sid - 1]
            direct = bool(_HAS_QUOTE.search(sent.text))
            out.claims.append(Claim(
                text=_claim_text([sent], direct=direct), speaker=r.source[:200],
                speaker_type=speaker_type(r.source, sent.text, doc.language or "en"),  # type: ignore[arg-type]
                attribution="direct" if direct else "indirect", cue=r.cue[:60],
                evidence=_evidence([sent]), origin="rules",
            ))
        out.claims.sort(key=lambda c: c.evidence[0].start)

    for i, st in enumerate(wire.s):
        sents, probs = chk.sentences_for(st.e)
        if st.t != "outlet" and (p := _source_problem(chk, st.h, "stance holder", sents)):
            probs.append(p)
        if normalize(st.g).removeprefix("the ").removeprefix("a ") in _PLACEHOLDER_TARGETS:
            probs.append(f"the target '{st.g}' is a category word; name what the stance is about "
                         "as the article names it (for example 'the rental ban')")
        if probs:
            out.problems += [Problem("stance", i, p, st.model_dump()) for p in probs]
            continue
        out.stances.append(
            Stance(
                holder=outlet_name if st.t == "outlet" else st.h,
                holder_type=WIRE_TO_SPEAKER_TYPE[st.t],  # type: ignore[arg-type]
                target=st.g,
                label=st.l,
                evidence=_evidence(sents),
            )
        )
    out.stances = _unique_stances(out.stances)
    return out


def _same_source(speaker: str, source: str) -> bool:
    """Whether the model's speaker and a rule-detected source name the same source."""
    a, b = content_words(speaker), content_words(source)
    return bool(a & b) or normalize(speaker) in normalize(source) or normalize(source) in normalize(speaker)


_SENTENCE_END = re.compile(r"\S\s+\S+\s+\S+.*[.!?]$")
_NAME_THEN_CUE = re.compile(r"^\S+\s+(?:said|says|told|added)\b", re.IGNORECASE)
_CLAUSE_WORDS = re.compile(r"\b(?:may|might|will|would|could|should|must|is|are|was|were|be)$",
                           re.IGNORECASE)
_PLACEHOLDER_TARGETS = {"policy", "actor", "claim", "target", "issue", "topic", "it", "this",
                        "that", "actor, policy or claim"}


def _source_problem(chk: _Checker, name: str, what: str, sents: list[Sentence]) -> str | None:
    """Why ``name`` (a speaker or stance holder) is not a source the cited sentences name:
    first its shape (:func:`_shape_problem`), then whether the article names it there."""
    return _shape_problem(name, what) or chk.name_problem(name, what, sents or None)


def _shape_problem(name: str, what: str) -> str | None:
    """A problem when ``name`` is a piece of the article's text rather than a source: it holds
    quotation marks, is a sentence of four or more words, is 'Mendes said the ...', or is a
    clause cut short ('People who work night shifts ... may be')."""
    name = name.strip()
    if (_HAS_QUOTE.search(name) or _SENTENCE_END.search(name) or _NAME_THEN_CUE.search(name)
            or _CLAUSE_WORDS.search(name)):
        return (f"the {what} '{name[:80]}' is a piece of the article's text, not a source; give "
                "the name or description of whoever it is (for example 'Mirela Dobos', "
                "'analysts', 'an official who asked not to be named')")
    return None


def _claim_problems(chk: _Checker, c: WireClaim) -> list[str]:
    sents, probs = chk.sentences_for(c.e)
    if c.t != "outlet" and (p := _source_problem(chk, c.s, "speaker", sents)):
        probs.append(p)
    if sents and c.x:
        if p := chk.support_problem(c.x, sents, c.e):
            probs.append(p)
        probs += chk.quote_problems(c.x, sents)
    if sents:
        if c.a == "direct" and not any(_HAS_QUOTE.search(s.text) for s in sents):
            probs.append(
                f"it is marked 'direct' but sentences {c.e} contain no quotation marks; "
                "use 'indirect' for paraphrase"
            )
    return probs


def reask_message(problems: list[Problem], *, parse_error: str | None = None,
                  repair: bool = False) -> str:
    """The user message of a re-ask: every problem, as instructions, then what to do.

    With ``repair=True`` the model is asked for replacements of the rejected items only (a
    :class:`~summarizer.llm.wire.WireRepair`); the verified items of its answer are kept.
    """
    if repair:
        lines = ["Some items of your answer were rejected because they could not be verified "
                 "against the article:"]
    else:
        lines = ["A previous answer to this request was rejected because it could not be "
                 "verified against the article:"]
    if parse_error:
        lines.append(f"- it is not valid: {parse_error}")
    for p in problems[:12]:
        lines.append(f"- {p.instruction()}")
    if len(problems) > 12:
        lines.append(f"- ... and {len(problems) - 12} more problems of the same kind")
    if repair:
        lines.append(
            'Reply with one JSON object {"k": [...], "c": [...], "s": [...]} that holds only a '
            "corrected replacement for each rejected item (same fields as before; a list stays "
            "empty when no item of that kind was rejected). Leave an item out when the article "
            "does not support it. Do not repeat the accepted items. Cite only sentence ids shown "
            "in [brackets], and credit each claim to the speaker its sentence names."
        )
    else:
        lines.append(
            "Write a new, complete JSON answer that avoids these problems. Cite only sentence ids "
            "shown in [brackets] in the article, and only for sentences that say what you claim."
        )
    return "\n".join(lines)
