"""What every briefing renderer shares: citation numbering, labels and small formatters.

Citations are numbered in reading order, once each: the same sentence cited twice keeps its
first number, so footnotes stay short and every marker resolves to one quoted sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..briefing.models import Briefing, Citation, Comparison, ComparisonMember, SourcingProfile
from ..core.models import SpeakerType

__all__ = [
    "OWNERSHIP_LABELS",
    "RELATION_LABELS",
    "SECTION_TITLES",
    "SPEAKER_TYPE_LABELS",
    "CitationIndex",
    "article_label",
    "citation_note",
    "methods_lines",
    "percent",
    "relation_label",
    "share_cells",
    "statement_text",
]

SPEAKER_TYPE_LABELS: dict[SpeakerType, str] = {
    "outlet": "Outlet voice",
    "person": "Named person",
    "organization": "Organisation",
    "group": "Unnamed group",
    "anonymous": "Anonymous",
}
RELATION_LABELS = {"agree": "Agree", "contradict": "Contradict", "add_detail": "Add detail"}
OWNERSHIP_LABELS = {
    "state-owned": "state-owned",
    "state-affiliated": "state-affiliated",
    "public-broadcaster": "public broadcaster",
    "private": "privately owned",
    "cooperative": "cooperative",
}
SECTION_TITLES = {
    "bottom_line": "Bottom line",
    "developments": "Key developments",
    "comparisons": "Agreements and contradictions",
    "speakers": "Who said what",
    "stances": "Stance matrix",
    "sourcing": "Sourcing profile",
    "sources": "Sources",
    "methods": "Methods",
    "citations": "Citations",
}


@dataclass
class CitationIndex:
    """Assigns footnote numbers to citations in the order they are first rendered."""

    entries: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def number(self, citation: Citation) -> int:
        """The footnote number of ``citation`` (a new one on first sight)."""
        if citation.key not in self._numbers:
            self.entries.append(citation)
            self._numbers[citation.key] = len(self.entries)
        return self._numbers[citation.key]

    def numbers(self, citations: Iterable[Citation]) -> list[int]:
        """Footnote numbers of ``citations``, without repeats, in order."""
        return list(dict.fromkeys(self.number(c) for c in citations))


def article_label(note: Briefing, article_id: str) -> str:
    """``id (Outlet)`` when the outlet is known, else the id."""
    ref = note.article(article_id)
    return f"{article_id} ({ref.outlet})" if ref is not None and ref.outlet else article_id


def citation_note(note: Briefing, c: Citation) -> str:
    """Where a citation points, in words: article, outlet, sentence and character span."""
    ref = note.article(c.article)
    outlet = f", {ref.outlet}" if ref is not None and ref.outlet else ""
    sentence = f", sentence {c.sentence}" if c.sentence else ""
    return f"{c.article}{outlet}{sentence}, characters {c.start}–{c.end}"


def relation_label(g: Comparison) -> str:
    """'Contradict (found by the parse)', 'Agree (same statement)', 'Agree', 'Undecided'."""
    label = RELATION_LABELS[g.relation] if g.relation else "Undecided"
    how = {"parse": " (found by the parse)", "match": " (same statement)"}.get(g.found_by, "")
    return label + how


def statement_text(m: ComparisonMember) -> str:
    """A member's statement, led by the compared value when the parse found one."""
    return f"{m.value}: {m.text}" if m.value else m.text


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def share_cells(profile: SourcingProfile) -> list[str]:
    """The five shares of a profile as percentages, in :data:`SPEAKER_TYPE_LABELS` order."""
    return [percent(profile.shares[t]) for t in SPEAKER_TYPE_LABELS]


def methods_lines(note: Briefing) -> list[tuple[str, str]]:
    """The methods footer as (label, value) pairs."""
    m = note.methods
    prompts = ", ".join(str(p) for p in m.prompts) or "-"
    bottom = {
        "model": "written by the model from the developments and comparisons, then validated",
        "extractive": ("extracted: the disputed facts the parse found, then the articles' most "
                       "central lead sentences, quoted (no model text)"),
        "none": "none (no article could be analysed)",
    }[m.bottom_line_by]
    return [
        ("Model", f"{m.model} (backend: {m.backend})"),
        ("Prompts", prompts),
        ("Generated", m.created_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Articles", f"{m.articles} given, {m.analysed} analysed, {len(m.failed)} failed"),
        ("Model calls", (f"{m.model_calls} ({m.usage.prompt_tokens:,} prompt + "
                         f"{m.usage.completion_tokens:,} completion tokens; "
                         f"{m.cached} cached analyses)")),
        ("Time", f"{m.latency_s:.1f} s"),
        ("Bottom line", bottom),
    ]
