"""Markdown for a :class:`~summarizer.briefing.Briefing` (GitHub-flavoured, footnote citations)."""

from __future__ import annotations

from collections.abc import Iterable

from ..briefing.models import Briefing, Citation
from ..briefing.text import whole_sentences
from .briefing_common import (
    OWNERSHIP_LABELS,
    SECTION_TITLES,
    SPEAKER_TYPE_LABELS,
    CitationIndex,
    article_label,
    citation_note,
    methods_lines,
    relation_label,
    share_cells,
    statement_text,
)

__all__ = ["briefing_markdown"]


def _cell(text: str, limit: int = 300) -> str:
    """One table cell: whitespace collapsed, pipes escaped; a long text keeps its whole
    sentences up to ``limit`` characters, never cut mid-sentence."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = whole_sentences(text, limit)
    return text.replace("|", "\\|")


def briefing_markdown(note: Briefing) -> str:
    """Render ``note`` as Markdown; every citation is a footnote quoting its sentence.

    Usage (``note``: a :class:`~summarizer.briefing.Briefing`)::

        from summarizer.render.briefing_md import briefing_markdown
        print(briefing_markdown(note))
    """
    idx = CitationIndex()

    def cite(citations: Iterable[Citation]) -> str:
        return "".join(f"[^{n}]" for n in idx.numbers(citations))

    m = note.methods
    dates = sorted({a.date for a in note.articles if a.date})
    span = f" · {dates[0]}" + (f" to {dates[-1]}" if len(dates) > 1 else "") if dates else ""
    out = [f"# {note.title}", "",
           (f"_Briefing note on {m.analysed} of {m.articles} articles{span} · generated "
            f"{m.created_at.strftime('%Y-%m-%d')}_"), ""]

    out += [f"## {SECTION_TITLES['bottom_line']}", ""]
    if note.bottom_line:
        out += [f"{s.text} {cite(s.citations)}" for s in note.bottom_line]
    else:
        out.append("_No bottom line: no article could be analysed._")

    out += ["", f"## {SECTION_TITLES['developments']}", ""]
    for d in note.developments:
        reported = ", ".join(article_label(note, a) for a in d.articles)
        out.append(f"- **{d.id}** {d.text} — _{reported}_ {cite(d.citations)}")
    if not note.developments:
        out.append("_None._")

    out += ["", f"## {SECTION_TITLES['comparisons']}", ""]
    if not note.comparisons:
        out.append("_No claim is made by more than one article._")
    for g in note.comparisons:
        out += [f"### {g.id} · {relation_label(g)}: {_cell(g.subject)}", ""]
        if g.reason:
            out += [f"{g.reason} {cite(g.evidence)}", ""]
        if g.problem:
            out += [f"_Not decided: {g.problem}_", ""]
        out += ["| Source | Article | Speaker | Statement | Cited |", "|---|---|---|---|---|"]
        for mem in g.members:
            out.append(f"| {mem.label} | {_cell(article_label(note, mem.article), 60)} "
                       f"| {_cell(mem.speaker, 60)} | {_cell(statement_text(mem))} | {cite(mem.citations)} |")
        out.append("")

    out += [f"## {SECTION_TITLES['speakers']}", ""]
    if note.speakers:
        out += ["| Speaker | Type | Claim | Article | Cited |", "|---|---|---|---|---|"]
        for sp in note.speakers:
            for c in sp.claims:
                how = c.attribution + (f", {c.cue}" if c.cue else "")
                out.append(f"| {_cell(sp.name, 60)} | {SPEAKER_TYPE_LABELS[sp.speaker_type]} "
                           f"| {_cell(c.text)} ({how}) | {_cell(article_label(note, c.article), 60)} "
                           f"| {cite(c.citations)} |")
    else:
        out.append("_No attributed claims._")

    out += ["", f"## {SECTION_TITLES['stances']}", ""]
    matrix = note.stances
    if matrix.cells:
        out += ["| Holder \\ Target | " + " | ".join(_cell(t, 40) for t in matrix.targets) + " |",
                "|---|" + "---|" * len(matrix.targets)]
        for h in matrix.holders:
            row = []
            for t in matrix.targets:
                cell = matrix.cell(h, t)
                row.append(f"**{cell.label}** {cite(e for en in cell.entries for e in en.citations)}"
                           if cell else "—")
            out.append(f"| {_cell(h, 40)} | " + " | ".join(row) + " |")
    else:
        out.append("_No stances._")

    out += ["", f"## {SECTION_TITLES['sourcing']}", "",
            "Share of each article's claims credited to each kind of source.", "",
            "| Article | Outlet | Claims | " + " | ".join(SPEAKER_TYPE_LABELS.values()) + " |",
            "|---|---|---|" + "---|" * len(SPEAKER_TYPE_LABELS)]
    for p in note.sourcing_by_article:
        out.append(f"| {p.key} | {_cell(p.outlet or '-', 60)} | {p.claims} | "
                   + " | ".join(share_cells(p)) + " |")
    out += ["", "By outlet:", "",
            "| Outlet | Articles | Claims | " + " | ".join(SPEAKER_TYPE_LABELS.values()) + " |",
            "|---|---|---|" + "---|" * len(SPEAKER_TYPE_LABELS)]
    for p in note.sourcing_by_outlet:
        out.append(f"| {_cell(p.key, 60)} | {p.articles} | {p.claims} | "
                   + " | ".join(share_cells(p)) + " |")
    out.append("")
    if note.outlet_notes:
        out.append("Outlet ownership (from the curated outlet registry):")
        out.append("")
        for on in note.outlet_notes:
            out.append(f"- **{on.outlet}** is {OWNERSHIP_LABELS[on.info.ownership]} "
                       f"({on.info.country}): {on.info.basis}")
    else:
        out.append("_None of the outlets is in the outlet registry._")

    out += ["", f"## {SECTION_TITLES['sources']}", "",
            "| Id | Title | Outlet | Date | Sentences | Status |", "|---|---|---|---|---|---|"]
    for a in note.articles:
        title = _cell(a.title or a.headline or "-", 100)
        if a.url:
            title = f"[{title}]({a.url})"
        out.append(f"| {a.id} | {title} | {_cell(a.outlet or '-', 60)} | {a.date or '-'} "
                   f"| {a.sentences} | {'analysed' if a.analysed else 'failed'} |")

    out += ["", f"## {SECTION_TITLES['methods']}", ""]
    out += [f"- {label}: {value}" for label, value in methods_lines(note)]
    for f in m.failed:
        out.append(f"- Failed: {f.id} — {f.error}: {_cell(f.message, 300)}")
    for text in m.notes:
        out.append(f"- Note: {_cell(text, 300)}")

    if idx.entries:
        out.append("")
        for i, cit in enumerate(idx.entries, 1):
            out.append(f"[^{i}]: {citation_note(note, cit)}: “{' '.join(cit.text.split())}”")
    return "\n".join(out) + "\n"
