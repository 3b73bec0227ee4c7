"""Rule-based attribution cues: who does a sentence credit, by which verb?

A small model is good at summarising and bad at picking the source of each sentence: it credits
whoever the article mentions nearby. News copy marks attribution with a few patterns ("X said",
"..., said X.", "according to X", "X told ...", '"..." he added'), so a cheap rule pass finds
most sources. The analyse prompt shows them as hints after each sentence; the model still
decides (a hint can be wrong), and grounding still verifies whatever it answers.

English cue verbs only; other languages get no hints (the model works unaided, as before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document, Sentence

__all__ = ["Attribution", "detect", "detect_all", "for_document", "hints", "speaker_type"]

_CUES = (
    "said|says|say|told|tells|added|adds|explained|explains|stressed|stresses|emphasized|"
    "emphasised|emphasizes|noted|notes|argued|argues|warned|warns|claimed|claims|denied|"
    "denies|insisted|insists|wrote|writes|reported|reports|announced|announces|stated|states|"
    "acknowledged|admitted|urged|urges|believes|believe|predicted|forecast|forecasts|"
    "suggested|suggests|confirmed|confirms|estimated|estimates|countered|replied|responded|"
    "maintained|maintains|asserted|asserts|contended|alleged|alleges|recalled|cautioned|"
    "pointed out|points out|found|ruled|concluded|welcomed|criticized|criticised|condemned|"
    "praised|dissented|warn|rejected|called for|according to"
)
_CUE = re.compile(rf"\b({_CUES})\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to ([^,.;]{2,80})", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she|they|it)$", re.IGNORECASE)
# "Three said ...", "one of them said": members of a group named just before (resolved like
# a pronoun; never a source on their own)
_ANAPHOR = re.compile(
    r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+|several|some|many|"
    r"most|others|both)(?: of them)?$", re.IGNORECASE)
# words that open a clause or a heading, never a source ("Such claims are ...", "What the
# science says", "Anyone who tells you ...")
_NOT_SOURCE_LEAD = {"such", "this", "these", "those", "that", "what", "anyone", "everyone",
                    "nobody", "whoever", "it", "there", "here"}
_QUOTE = re.compile(r"[\"“”«»„]")
_LEAD_DETERMINERS = {"a", "an", "the", "some", "many", "several", "other", "most", "few",
                     "two", "three", "four", "one", "its", "his", "her", "their", "our"}
_MAX_SOURCE_WORDS = 12
_AUXILIARIES = re.compile(r"(?:\s+(?:has|have|had|will|would|also|previously|earlier|again|"
                          r"repeatedly|has also|have also|had also|once|later|then))+\s*$",
                          re.IGNORECASE)
_CONJUNCTION = re.compile(r"^(?:while|and|but|whereas|as)\s+", re.IGNORECASE)


def _inside_quote(before: str) -> bool:
    """True when ``before`` leaves a quotation open (the cue is inside quoted words).

    A cue right after a closing mark is outside it even when the opening mark is in the
    previous sentence ('Now I can visit her," said Mirela Dobos.')."""
    if before.rstrip().endswith(('"', "”", "»")):
        return False
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


@dataclass(frozen=True, slots=True)
class Attribution:
    """The source a sentence credits (as worded in it) and the cue verb."""

    sentence: int
    source: str
    cue: str
    pronoun: bool = False  # the sentence says "he/she/they"; source was taken from before


def _clean(text: str) -> str:
    return text.strip(" \t\n,;:—–-\"“”'’‘«»()").strip()


def _words(text: str) -> list[str]:
    return text.split()


def _tail_source(after: str) -> str | None:
    """'..., said Chinese analysts.' → 'Chinese analysts' (the inverted order)."""
    tail = _clean(re.split(r"[.;!?]\s*$", after.strip())[0])
    tail = re.split(r",\s*(?:although|but|while|who said|adding|and added)\b", tail)[0]
    if re.search(r"\bthat\b", tail):
        return None  # ', told the Global Times that ...': the source came before the cue
    if _QUOTE.search(tail.split(",")[0]):
        return None  # '..., said the majority opinion was "..."' is not an inverted source
    if re.match(r"(?i)^(that|in|on|at|by|to|with|it|this|these|after|before|during)\b", tail):
        return None
    first = _clean(tail.split(",")[0])
    words = _words(first)
    if not words or len(words) > _MAX_SOURCE_WORDS:
        return None
    return first


_NAME_PARTICLES = {"of", "for", "the", "and", "de", "del", "la", "van", "von", "al", "du", "da"}


def _is_name(text: str) -> bool:
    """'Cui Heng', 'Parents for Maple Street', 'The State Road Builders Alliance': a short
    capitalised name (lower-case particles inside); not an all-caps dateline ('LISBON')."""
    words = _words(text)
    if not 1 <= len(words) <= 6 or text.isupper():
        return False
    return (words[0][:1].isupper() and words[-1][:1].isupper()
            and all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words))


def _head_source(before: str) -> str | None:
    """'Russian presidential aide Yuri Ushakov said' → 'Russian presidential aide Yuri Ushakov';
    'Cui Heng, a research fellow ..., told' → 'Cui Heng'; '"...," he said' → 'he'."""
    text = _QUOTE.split(before)[-1] if _QUOTE.search(before) else before
    text = re.split(r"[\n;]", text)[-1]  # a heading glued to the sentence, or a clause before ';'
    parts = [_clean(p) for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    last = _AUXILIARIES.sub("", parts[-1]).strip()
    if last and _PRONOUN.match(_words(last)[-1]):
        return _words(last)[-1]  # 'In a 14-page opinion he wrote' → 'he'
    first_word = _words(last)[0] if _words(last) else ""
    # "A professor who ..., and who asked not to be named, said": a relative clause
    relative = bool(re.match(r"(?i)^(?:and\s+)?(?:who|which|whose)\b", last))
    # "Kim, for his part, emphasized": the last segment is a short aside
    aside = (first_word[:1].islower() and first_word.lower() not in _LEAD_DETERMINERS
             and not _PRONOUN.match(first_word) and len(_words(last)) <= 4
             and not _CONJUNCTION.match(last))
    # (an aside only when what comes before it can be a source: in "Such claims are
    # groundless, analysts said" the lower-case last segment is the source itself)
    if len(parts) > 1 and (relative or (aside and _plausible(parts[0]))):
        last = parts[0]
    # "Cui Heng, a research fellow from ..., told": a short capitalised name leads the clause
    elif len(parts) == 2 and first_word.lower() in {"a", "an", "the"} and _is_name(parts[0]):
        last = parts[0]
    last = _CONJUNCTION.sub("", last)
    # "During talks with X, Putin said" keeps "Putin"; an intro clause alone is not a source
    words = _words(last)
    if not words or len(words) > _MAX_SOURCE_WORDS:
        return None
    if re.match(r"(?i)^(during|after|before|in|on|at|while|when|as|by)\b", last):
        return None
    return last


_CLAUSE = re.compile(r"\b(?:would|was|were|is|are|not|had|has|have|will|could|did|can|be|been|"
                     r"may|might|should|must)\b", re.IGNORECASE)


def _plausible(source: str) -> bool:
    """A source is a name, a title or a noun phrase, not a clause or a number fragment."""
    if _refers_back(source):
        return True
    head = re.split(r"\s+(?:who|which|whose)\b\s*", source)[0]  # 'an official who asked ...'
    words = _words(head)
    if not words or _CLAUSE.search(head) or not words[0][:1].isalpha():
        return False
    if words[0].lower() in _NOT_SOURCE_LEAD or ";" in source:
        return False
    if words[-1].lower() in {"and", "but", "or", "then", "also"}:
        return False  # 'The governor promised an inquiry and said': a clause, not a source
    if all(w.lower() in _LEAD_DETERMINERS for w in words) and words[0].lower() not in {
            "two", "three", "four", "some", "many", "several", "most", "few", "other"}:
        return False  # 'The forecast shows ...': a noun read as a cue verb
    return words[0][:1].isupper() or words[0].lower() in _LEAD_DETERMINERS or len(words) <= 4


def _refers_back(source: str) -> bool:
    """'he', 'they', 'three', 'one of them': the source is named in an earlier sentence."""
    return bool(_PRONOUN.match(source) or _ANAPHOR.match(source))


def detect(sentence: Sentence) -> Attribution | None:
    """The attribution of one sentence, or ``None`` when no cue pattern matches."""
    text = sentence.text
    for m in _CUE.finditer(text):
        cue = m.group(1).lower()
        if cue == "according to":
            continue
        before, after = text[: m.start()], text[m.end():]
        if _inside_quote(before):
            continue
        stripped_before = before.rstrip()
        # inverted: '..., said X.' / '"...," said X.' (the cue follows a comma or a quote)
        if stripped_before.endswith((",", "”", '"', "’")) or not stripped_before:
            src = _tail_source(after)
            if src and _plausible(src):
                return Attribution(sentence.id, src, cue, _refers_back(src))
        src = _head_source(before)
        if src and _plausible(src):
            return Attribution(sentence.id, src, cue, _refers_back(src))
    if according := _ACCORDING.search(text):
        src = _clean(according.group(1))
        if src:
            return Attribution(sentence.id, src, "according to")
    return None


def detect_all(sentences: list[Sentence], *, lookback: int = 3) -> dict[int, Attribution]:
    """Attributions by sentence id; a pronoun source ("he said") is replaced by the nearest
    named source of the ``lookback`` sentences before it, when there is one."""
    found: dict[int, Attribution] = {}
    for s in sentences:
        att = detect(s)
        if att is None:
            continue
        if att.pronoun:
            for back in range(s.id - 1, max(0, s.id - 1 - lookback), -1):
                prev = found.get(back)
                if prev is not None:
                    att = Attribution(s.id, prev.source, att.cue, pronoun=True)
                    break
            else:
                continue  # an unresolved "he said" is no hint at all
        found[s.id] = att
    return found


def hints(doc: Document) -> dict[int, str]:
    """``{sentence id: "source: X"}`` for the analyse prompt; empty for articles
    that are not in English (the cue lists are English)."""
    return {i: f"source: {a.source}" for i, a in for_document(doc).items()}


def for_document(doc: Document) -> dict[int, Attribution]:
    """:func:`detect_all` over the sentences shown to the model; empty for non-English text."""
    if doc.language not in (None, "en"):
        return {}
    return detect_all(doc.visible)


_ANON = re.compile(r"anonymity|not to be (?:named|identified)|not authori[sz]ed|declined to be "
                   r"(?:named|identified)|on condition|who asked not|unnamed|anonymous", re.IGNORECASE)
_ORG_WORDS = re.compile(
    r"\b(?:agency|news|ministry|bank|court|chamber|union|association|council|government|times|"
    r"sputnik|tass|reuters|xinhua|ria|report|company|federation|board|committee|department|office|"
    r"university|hospital|police|party|authority|commission|institute|center|centre|group|"
    r"coalition|exchange|service|corporation|inc|ltd|media|network|post|daily|gazette|press)\b",
    re.IGNORECASE)


_GROUP_NOUNS = {"residents", "experts", "analysts", "officials", "economists", "critics", "scientists",
                "researchers", "diplomats", "sources", "observers", "lawmakers", "parents", "teachers",
                "workers", "farmers", "protesters", "activists", "witnesses", "doctors", "nurses",
                "investors", "traders", "voters", "locals", "villagers", "engineers", "students",
                "opponents", "supporters", "campaigners", "advocates", "authorities", "police"}


def speaker_type(source: str, sentence_text: str) -> str:
    """outlet/person/organization/group/anonymous for a detected source (labelling guide in
    ``evals/README.md``): withheld identity → anonymous; a plural category or a number →
    group; organisation words → organization; capitalised name → person; an unnamed single
    person ("a senior nurse") → anonymous."""
    head = re.split(r"\s+(?:who|which|whose)\s+", source)[0]
    words = _words(head)
    if _ANON.search(source) or (_ANON.search(sentence_text) and not any(w[:1].isupper() for w in words[1:])):
        return "anonymous"
    last = words[-1].strip(".,'’") if words else ""
    if len(words) == 1 and last.lower().endswith("s") and not last.endswith("ss") and last[1:].islower() \
            and last.lower() in {w.lower() for w in _GROUP_NOUNS}:
        return "group"  # 'Residents said' (capitalised only because it starts the sentence)
    if last.lower() in {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                        "some", "many", "several", "others", "both", "all", "most", "them"} or \
            (last[:1].islower() and last.endswith("s") and not last.endswith("ss")):
        return "group"
    if words and words[0].lower() in {"a", "an"}:
        return "anonymous"  # 'a senior nurse in the department': one unnamed person
    if len(words) >= 2 and all(w[:1].isupper() for w in words[-2:]) and not _ORG_WORDS.search(" ".join(words[-2:])):
        return "person"  # '... spokeswoman Lena Fischer'
    if _ORG_WORDS.search(head):
        return "organization"
    if any(w[:1].isupper() for w in words if w.lower() not in _LEAD_DETERMINERS):
        return "person"
    return "anonymous"
