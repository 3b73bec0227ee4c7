"""Conflicts found from structure: numbers, dates, money and outcomes compared across articles.

Pure functions, no model. The parse (spaCy) finds the facts a sentence states in a form that
can be compared without reading it the way a model does:

* **counts and quantities** — a CARDINAL/QUANTITY entity, its modifier ("at least", "more
  than", "about", "up to") and what it counts: the counted noun ("19 *bodies*") or the noun
  whose value it is ("the death *toll* stood at 12"), mapped to a measure ("deaths",
  "injuries", "missing", "arrests", ... or the noun's lemma);
* **money and percentages** — MONEY/PERCENT entities with the word they attach to;
* **dates** — DATE entities split into year / month / day / weekday, with the event they date
  (the verb or noun they attach to: "passed its last safety *inspection* in 2023");
* **ordinals** — ORDINAL entities with the noun they modify;
* **named outcomes** — a small list of opposite outcome verbs ("approved"/"rejected",
  "won"/"lost", "confirmed"/"denied") on the same subject.

Every fact becomes an interval (``12`` → [12, 12], ``at least 19`` → [19, ∞), ``about 40`` →
[36, 44]). Facts of the same measure are grouped into *positions* (facts whose intervals
overlap); a measure with two or more positions held by different sources is a
:class:`Dispute` with ``conflict=True`` ("12" vs "at least 19" on deaths); one position
reported by two or more articles is an agreement.

The spaCy pipeline is loaded in one place, :func:`load_nlp` (to be replaced by the engine's
``summarizer.nlp.load_pipeline("en")``).

This module is over 400 lines because it is one finder: the fact extraction, the intervals
and the dispute grouping share the same measure and modifier tables; it moved here whole from
``summarizer/briefing_conflicts.py`` when the briefing became a package.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "Dispute",
    "Fact",
    "Position",
    "Statement",
    "claim_features",
    "extract_facts",
    "find_disputes",
    "load_nlp",
    "measure_name",
    "nlp_available",
]

FactKind = Literal["count", "money", "percent", "date", "ordinal", "outcome"]


def _engine_dir() -> Path | None:
    """The engine's pulled English parser folder (``summarizer models pull en-core-web-sm``)."""
    from ..nlp.parse import has_parser
    from ..core.settings import Settings

    parsers = Settings.from_env().parser_models_dir
    return parsers if has_parser("en", parsers) else None


def nlp_available() -> bool:
    """Whether :func:`load_nlp` can load a pipeline (the English parser model is pulled)."""
    return _engine_dir() is not None


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The English spaCy pipeline, loaded once per process: the engine's
    ``summarizer.nlp.parse.load_pipeline("en", parsers_dir)`` (the same pipeline object the
    analyses used, so it is loaded once).

    Raises:
        RuntimeError: the English parser model is not pulled.
    """
    engine = _engine_dir()
    if engine is None:
        raise RuntimeError("the English parser model is not pulled: summarizer models pull en-core-web-sm")
    from ..nlp.parse import load_pipeline

    return load_pipeline("en", engine)


# ---------------------------------------------------------------------------------------------
# Inputs and outputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A sentence of one article, with whoever the engine credits it to."""

    article: str
    sentence: int
    text: str
    speaker: str
    speaker_type: str
    outlet: str | None = None


@dataclass(frozen=True)
class Fact:
    """One comparable fact stated in a sentence."""

    statement: Statement
    kind: FactKind
    measure: str = field(metadata={"doc": "what is measured: 'deaths', 'inspect', ..."})
    value: str = field(metadata={"doc": "as the sentence words it: 'at least 19', '2023'"})
    low: float = -math.inf
    high: float = math.inf
    parts: tuple[tuple[str, int], ...] = ()  # dates: (("year", 2023), ("weekday", 3))

    def compatible(self, other: Fact) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "date":
            mine, theirs = dict(self.parts), dict(other.parts)
            return all(mine[k] == theirs[k] for k in mine.keys() & theirs.keys())
        if self.kind == "outcome":
            return self.value == other.value
        return self.low <= other.high and other.low <= self.high


@dataclass
class Position:
    """Facts on one measure that agree with each other."""

    facts: list[Fact]

    @property
    def value(self) -> str:
        """The value as the most precise fact words it (digits preferred: '12', not 'Twelve')."""
        best = min(self.facts, key=lambda f: (f.high - f.low if f.kind not in ("date", "outcome")
                                              else -len(f.parts),
                                              not any(ch.isdigit() for ch in f.value)))
        return best.value

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(f.statement.article for f in self.facts))

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(f.statement.speaker for f in self.facts))

    def accepts(self, fact: Fact) -> bool:
        return all(fact.compatible(f) for f in self.facts)


@dataclass
class Dispute:
    """All facts on one measure across the articles, grouped into positions."""

    kind: FactKind
    measure: str
    positions: list[Position]

    @property
    def conflict(self) -> bool:
        """Two or more positions, held by different sources (speaker or article)."""
        if len(self.positions) < 2:
            return False
        sources = [{(f.statement.article, _norm(f.statement.speaker)) for f in p.facts}
                   for p in self.positions]
        return any(a != b for i, a in enumerate(sources) for b in sources[i + 1:])

    @property
    def agreement(self) -> bool:
        """One position reported by two or more articles."""
        return len(self.positions) == 1 and len(self.positions[0].articles) >= 2

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(a for p in self.positions for a in p.articles))

    @property
    def facts(self) -> list[Fact]:
        return [f for p in self.positions for f in p.facts]

    def describe(self) -> str:
        """One plain sentence: 'Deaths: 12 (Elena Marsh, the regional government) vs at least
        19 (hospital officials, Samir Okafor).'"""
        name = measure_name(self.measure)
        if self.kind == "date":
            name = f"when the {name} happened" if self.conflict else f"the date of the {name}"
        elif self.kind == "outcome":
            name = f"the outcome for the {name}"
        elif self.kind in ("money", "percent") or self.measure not in _MEASURE_NAMES:
            name = f"the figure for {name}" if self.kind != "count" else f"the number of {name}s"
        sides = []
        for p in self.positions:
            by_value: dict[str, list[str]] = {}
            for f in p.facts:
                who = by_value.setdefault(f.value, [])
                if f.statement.speaker not in who:
                    who.append(f.statement.speaker)
            sides.append(" and ".join(f"{v} ({', '.join(w)})" for v, w in by_value.items()))
        joiner = " vs " if self.conflict else "; "
        if self.conflict:
            return f"The sources disagree on {name}: " + joiner.join(sides) + "."
        return f"The sources agree on {name}: " + joiner.join(sides) + "."


# ---------------------------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------------------------

_DEATH_WORDS = {"kill", "die", "dead", "death", "toll", "fatality", "body", "life", "victim",
                "perish", "drown", "corpse"}
_INJURY_WORDS = {"injure", "injury", "wound", "hurt", "injured", "wounded"}
_MISSING_WORDS = {"missing", "unaccounted"}
_ARREST_WORDS = {"arrest", "detain", "detention", "arrested"}
_EVACUATION_WORDS = {"evacuate", "evacuation", "evacuee", "displace", "displaced"}
_MEASURE_OF: dict[str, str] = {}
for _m, _words in (("deaths", _DEATH_WORDS), ("injuries", _INJURY_WORDS),
                   ("missing", _MISSING_WORDS), ("arrests", _ARREST_WORDS),
                   ("evacuations", _EVACUATION_WORDS)):
    for _w in _words:
        _MEASURE_OF[_w] = _m
_MEASURE_NAMES = {"deaths": "the death toll", "injuries": "the number injured",
                  "missing": "the number missing", "arrests": "the number of arrests",
                  "evacuations": "the number evacuated"}
_GENERIC_NOUNS = {"people", "person", "man", "woman", "child", "resident", "individual",
                  "number", "total", "figure", "count", "least", "more", "most"}
_TIME_NOUNS = {"year", "month", "week", "day", "hour", "time", "decade", "morning", "evening",
               "night", "today", "yesterday"}
_LIGHT_VERBS = {"be", "have", "pass", "carry", "take", "make", "do", "hold", "put", "stand",
                "give", "get", "reach", "rise", "climb", "bring", "say", "report", "tell",
                "happen", "occur", "come", "go", "set", "place", "begin", "start"}
_REPORTING = {"say", "tell", "report", "add", "state", "announce", "claim", "accuse", "confirm",
              "deny", "insist", "argue", "note", "warn", "explain", "write", "according",
              "decline", "comment", "speak", "ask", "promise", "put"}
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "m": 1e6, "bn": 1e9, "k": 1e3}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MONTHS |= {k[:3]: v for k, v in list(_MONTHS.items())} | {"sept": 9}
_WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_OUTCOMES = {  # lemma -> (polarity group, value)
    "approve": ("vote", "approved"), "adopt": ("vote", "approved"),
    "reject": ("vote", "rejected"), "defeat": ("vote", "rejected"), "veto": ("vote", "rejected"),
    "win": ("contest", "won"), "lose": ("contest", "lost"),
    "confirm": ("truth", "confirmed"), "deny": ("truth", "denied"),
    "acquit": ("verdict", "acquitted"), "convict": ("verdict", "convicted"),
}
_LOWER_BOUND = re.compile(r"\b(?:at least|more than|over|upwards of|no fewer than|in excess of|"
                          r"a minimum of|as many as)\b", re.IGNORECASE)
_STRICT_LOWER = re.compile(r"\b(?:more than|over|in excess of)\b", re.IGNORECASE)
_UPPER_BOUND = re.compile(r"\b(?:up to|at most|fewer than|less than|under|no more than|"
                          r"a maximum of)\b", re.IGNORECASE)
_APPROX = re.compile(r"\b(?:about|around|nearly|almost|roughly|approximately|some|close to|"
                     r"an estimated|estimated)\b", re.IGNORECASE)
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def measure_name(measure: str) -> str:
    """A measure in words: 'deaths' -> 'the death toll', 'inspect' -> 'inspect'."""
    word = measure.split(":")[-1]
    return _MEASURE_NAMES.get(measure, _NOUN_OF.get(word, word))


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _stem(lemma: str) -> str:
    """Fold verb and noun forms of an event together: inspection/inspect, repairs/repair."""
    lemma = lemma.lower()
    for suffix in ("ation", "ion", "ment"):
        if lemma.endswith(suffix) and len(lemma) - len(suffix) >= 4:
            base = lemma[: -len(suffix)]
            stem = base[:-1] if base.endswith("at") and suffix == "ion" else base
            _NOUN_OF.setdefault(stem, lemma)
            return stem
    return lemma


_NOUN_OF: dict[str, str] = {}
"""A stem's noun, for display: 'inspect' -> 'inspection' (filled as stems are made)."""


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def _number(text: str) -> float | None:
    """12, 'Twelve', '1,200', '3.5 million', 'a dozen' → a number (None when there is none)."""
    t = text.lower().replace("%", " ")
    m = _NUM.search(t)
    value: float | None = None
    if m:
        raw = m.group(0)
        value = float(raw.replace(",", "")) if raw.count(",") and len(raw.split(",")[-1]) == 3 \
            else float(raw.replace(",", "."))
    else:
        words = re.findall(r"[a-z]+", t)
        total = 0
        for i, w in enumerate(words):
            if w in _NUMBER_WORDS:
                total += _NUMBER_WORDS[w]
            elif w == "dozen" and i and words[i - 1] in _NUMBER_WORDS:
                total *= 12
        value = float(total) if total or "zero" in words else None
    if value is None:
        return None
    for w, scale in _SCALES.items():
        if re.search(rf"(?<![a-z]){w}\b", t):
            value *= scale
            break
    return value


def _interval(value: float, context: str) -> tuple[float, float]:
    if _LOWER_BOUND.search(context):
        return (value + (1e-9 if _STRICT_LOWER.search(context) else 0), math.inf)
    if _UPPER_BOUND.search(context):
        return (-math.inf, value)
    if _APPROX.search(context):
        return (value * 0.9, value * 1.1)
    return (value, value)


def _date_parts(text: str) -> tuple[tuple[str, int], ...]:
    t = text.lower()
    parts: dict[str, int] = {}
    if m := re.search(r"\b(1[89]\d\d|20\d\d)\b", t):
        parts["year"] = int(m.group(1))
    for w in re.findall(r"[a-z]+", t):
        if w in _MONTHS and "month" not in parts:
            parts["month"] = _MONTHS[w]
        if w in _WEEKDAYS:
            parts["weekday"] = _WEEKDAYS[w]
    if "month" in parts and (m := re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", t)):
        day = int(m.group(1))
        if 1 <= day <= 31 and day != parts.get("year"):
            parts["day"] = day
    return tuple(sorted(parts.items()))


# ---------------------------------------------------------------------------------------------
# What a value is about
# ---------------------------------------------------------------------------------------------


def _governor(token: Any) -> Any:
    """The content word an entity's root attaches to, skipping prepositions."""
    head = token.head
    while head.dep_ == "prep" and head.head is not head:
        head = head.head
    return head


def _count_measure(ent: Any) -> str | None:
    root = ent.root
    # "19 bodies", "Twelve people were killed": the counted noun, or its verb when generic
    if root.dep_ in ("nummod", "quantmod", "amod", "compound") and root.head.pos_ in ("NOUN", "PROPN"):
        noun = root.head
        lemma = noun.lemma_.lower()
        if lemma in _MEASURE_OF:
            return _MEASURE_OF[lemma]
        verb = noun.head if noun.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") else None
        if verb is not None:
            vl = verb.lemma_.lower()
            if vl in _MEASURE_OF:
                return _MEASURE_OF[vl]
            for child in verb.children:  # "people were found dead"
                if child.dep_ in ("acomp", "oprd", "xcomp") and child.lemma_.lower() in _MEASURE_OF:
                    return _MEASURE_OF[child.lemma_.lower()]
        for child in noun.children:  # "12 people dead"
            if child.dep_ == "amod" and child.lemma_.lower() in _MEASURE_OF:
                return _MEASURE_OF[child.lemma_.lower()]
        if lemma in _GENERIC_NOUNS:
            return None
        return str(lemma)
    # "the death toll stood at 12", "put the toll at 12", "the toll rose to 19"
    gov = _governor(root)
    candidates = [gov, *gov.children] if gov is not None else []
    for tok in candidates:
        if tok is root:
            continue
        lemma = tok.lemma_.lower()
        if lemma in _MEASURE_OF:
            return _MEASURE_OF[lemma]
        for child in tok.children:
            if child.dep_ == "compound" and child.lemma_.lower() in _MEASURE_OF:
                return _MEASURE_OF[child.lemma_.lower()]
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _MEASURE_OF:
        return _MEASURE_OF[root.head.lemma_.lower()]  # "12 died"
    return None


def _event(token: Any) -> str | None:
    """The event a date/money/percent value belongs to: the verb or noun it attaches to, or
    that word's object or subject when it is a light verb ('passed its *inspection* in 2023')."""
    while token.dep_ == "compound" and token.head is not token:
        token = token.head  # "on Tuesday morning": the date is the whole phrase
    gov = _governor(token)
    if gov is None or gov is token:
        return None
    lemma = gov.lemma_.lower()
    if gov.pos_ in ("VERB", "AUX") and lemma in _LIGHT_VERBS:
        for dep in ("dobj", "nsubjpass", "nsubj", "attr"):
            child = next((c for c in gov.children if c.dep_ == dep and c.pos_ not in ("PRON", "DET", "NUM")
                          and c.is_alpha and not c.ent_type_ in ("DATE", "MONEY", "PERCENT")), None)
            if child is not None and child.lemma_.lower() not in _GENERIC_NOUNS:
                return _stem(child.lemma_)
        if gov.dep_ in ("acl", "relcl") and gov.head.pos_ == "NOUN":
            return _stem(gov.head.lemma_)  # "repairs carried out in 2019"
        return None
    if gov.pos_ in ("VERB", "NOUN", "PROPN", "ADJ") and lemma not in _REPORTING:
        return _stem(gov.lemma_)
    return None


def _facts_in(doc: Any, st: Statement) -> list[Fact]:
    out: list[Fact] = []
    seen_dates: set[str] = set()
    for ent in doc.ents:
        label = ent.label_
        left = doc[max(ent.start - 3, 0): ent.start].text + " " + ent.text
        if label in ("CARDINAL", "QUANTITY"):
            value = _number(ent.text)
            measure = _count_measure(ent)
            if value is None or measure is None:
                continue
            if label == "CARDINAL" and 1800 <= value <= 2100 and re.fullmatch(r"\d{4}", ent.text):
                continue  # a year spaCy did not call a date
            low, high = _interval(value, left)
            out.append(Fact(st, "count", measure, _display(ent, doc), low, high))
        elif label in ("MONEY", "PERCENT"):
            value = _number(ent.text)
            event = _event(ent.root)
            if value is None or event is None:
                continue
            low, high = _interval(value, left)
            kind: FactKind = "money" if label == "MONEY" else "percent"
            out.append(Fact(st, kind, event, _display(ent, doc), low, high))
        elif label == "DATE" or (label == "TIME" and _date_parts(ent.text)):  # "Monday night"
            parts = _date_parts(ent.text)
            event = _event(ent.root)
            if not parts or event is None or event in seen_dates:
                continue
            seen_dates.add(event)
            out.append(Fact(st, "date", event, ent.text, parts=parts))
        elif label == "ORDINAL":
            word = ent.text.lower()
            value = float(_ORDINALS.get(word, _number(word) or 0))
            head = ent.root.head
            if not value or head.pos_ != "NOUN" or word == "last":
                continue
            out.append(Fact(st, "ordinal", _stem(head.lemma_), ent.text, value, value))
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB" or lemma not in _OUTCOMES:
            continue
        subj = next((c for dep in ("dobj", "nsubjpass", "nsubj") for c in tok.children
                     if c.dep_ == dep), None)
        if subj is None or subj.pos_ not in ("NOUN", "PROPN"):
            continue
        negated = any(c.dep_ == "neg" for c in tok.children)
        group, outcome = _OUTCOMES[lemma]
        if negated:
            outcome = "not " + outcome
        out.append(Fact(st, "outcome", f"{group}:{_stem(subj.lemma_)}", outcome))
    return out


def _display(ent: Any, doc: Any) -> str:
    """The value as worded, with its modifier: 'at least 19', 'Twelve'."""
    start = ent.start
    left = doc[max(start - 3, 0): start].text
    mod = _LOWER_BOUND.search(left) or _UPPER_BOUND.search(left) or _APPROX.search(left)
    text = ent.text
    value = _number(text)
    if value is not None and ent.label_ == "CARDINAL" and re.fullmatch(r"[A-Za-z\- ]+", text) \
            and not _LOWER_BOUND.search(text) and not _UPPER_BOUND.search(text) \
            and not _APPROX.search(text):
        text = f"{value:g}"  # 'Twelve' -> '12', so the sides compare at a glance
    if mod and not re.match(re.escape(mod.group(0)), text, re.IGNORECASE):
        text = f"{mod.group(0).lower()} {text}"
    return str(text[0].lower() + text[1:]) if text[:1].isupper() and text.split()[0].lower() in (
        "at", "more", "over", "about", "around", "nearly", "almost", "up", "fewer", "less",
        "some", "roughly", "approximately") else text


def extract_facts(statements: Sequence[Statement], nlp: Any | None = None) -> list[Fact]:
    """Every comparable fact in ``statements`` (sentences are parsed once each)."""
    nlp = nlp or load_nlp()
    texts = list(dict.fromkeys(st.text for st in statements))
    docs = dict(zip(texts, nlp.pipe(texts), strict=True))
    out: list[Fact] = []
    for st in statements:
        out += _facts_in(docs[st.text], st)
    return out


def find_disputes(facts: Iterable[Fact]) -> list[Dispute]:
    """Group facts by (kind, measure) and each group into positions of compatible facts.

    Only measures reported by two or more sources are returned; conflicts first (those spanning
    most articles first), then agreements.
    """
    by_measure: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        by_measure.setdefault((f.kind, f.measure), []).append(f)
    out = []
    for (kind, measure), group in by_measure.items():
        # exact values first, so an 'at least 19' joins '19' rather than opening a position
        group = sorted(group, key=lambda f: (f.high - f.low if f.kind != "date" else -len(f.parts)))
        positions: list[Position] = []
        for f in group:
            home = next((p for p in positions if p.accepts(f)), None)
            if home is None:
                positions.append(Position([f]))
            else:
                home.facts.append(f)
        order = {id(f): i for i, f in enumerate(_in_input_order(group))}
        for p in positions:
            p.facts.sort(key=lambda f: order[id(f)])
        positions.sort(key=lambda p: min(order[id(f)] for f in p.facts))
        d = Dispute(kind, measure, positions)  # type: ignore[arg-type]
        if d.conflict or d.agreement:
            out.append(d)
    out.sort(key=lambda d: (not d.conflict, -len(d.articles), d.kind != "count"))
    return out


def _in_input_order(facts: list[Fact]) -> list[Fact]:
    return sorted(facts, key=lambda f: (f.statement.article, f.statement.sentence))


# ---------------------------------------------------------------------------------------------
# What a claim is about (for grouping claims across articles)
# ---------------------------------------------------------------------------------------------


def claim_features(texts: Sequence[str], speakers: Sequence[str],
                   nlp: Any | None = None) -> list[tuple[set[str], set[str]]]:
    """Per claim, what it is about: (lemmas, core arguments).

    *lemmas*: the nouns, verbs, adjectives and names of the text, minus reporting verbs and the
    speaker's own name, so "Engineers said X" and "Residents said Y" do not look alike because
    both 'said'. *core arguments*: the nouns that are the subject or object of a clause
    ("*Inspections* had been rushed", "passed its last safety *inspection*"), stemmed so verb
    and noun forms meet.
    """
    nlp = nlp or load_nlp()
    out = []
    for doc, speaker in zip(nlp.pipe(list(texts)), speakers, strict=True):
        skip = set(_norm(speaker).split())
        words: set[str] = set()
        core: set[str] = set()
        for tok in doc:
            lemma = tok.lemma_.lower()
            if tok.is_stop or not tok.is_alpha or len(lemma) < 3 or lemma in skip \
                    or tok.text.lower() in skip or lemma in _REPORTING:
                continue
            if tok.pos_ in ("NOUN", "PROPN", "VERB", "ADJ"):
                words.add(_stem(lemma))
            if tok.pos_ in ("NOUN", "PROPN") and lemma not in _GENERIC_NOUNS \
                    and lemma not in _TIME_NOUNS and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr"):
                core.add(_stem(lemma))
        out.append((words, core))
    return out
