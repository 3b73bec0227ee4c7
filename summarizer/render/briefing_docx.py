"""Word (.docx) for a :class:`~summarizer.briefing.Briefing`, via python-docx.

Citations are superscript numbers; the "Citations" section at the end quotes each cited
sentence with its article, sentence id and character span (python-docx has no footnote API,
so they are endnotes in the body). Needs the ``docx`` extra: ``pip install summarizer[docx]``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..briefing.models import Briefing, Citation
from ..core.errors import ConfigurationError
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

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

__all__ = ["briefing_docx"]

_Cell = tuple[str, list[Citation]]


def _plain(value: str) -> _Cell:
    return (value, [])


def _docx() -> Any:
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError(
            "DOCX output needs python-docx", hint="pip install 'summarizer[docx]'"
        ) from exc
    return docx


class _Writer:
    def __init__(self, note: Briefing) -> None:
        self.note = note
        self.doc: DocxDocument = _docx().Document()
        self.idx = CitationIndex()

    def cite(self, paragraph: Paragraph, citations: Iterable[Citation]) -> None:
        for n in self.idx.numbers(citations):
            run = paragraph.add_run(f"[{n}]")
            run.font.superscript = True

    def text(self, text: str, citations: Iterable[Citation] = (), *, style: str | None = None,
             bold_prefix: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=style)
        if bold_prefix:
            p.add_run(bold_prefix + " ").bold = True
        p.add_run(text + " ")
        self.cite(p, citations)
        return p

    def table(self, header: list[str], rows: list[list[_Cell]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(label).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, (value, citations) in zip(cells, row, strict=True):
                cell.text = ""
                p = cell.paragraphs[0]
                p.add_run(value + (" " if citations else ""))
                self.cite(p, citations)
        self.doc.add_paragraph()


def briefing_docx(note: Briefing) -> bytes:
    """Render ``note`` as a .docx file (bytes) with every section of the note.

    Usage (``note``: a :class:`~summarizer.briefing.Briefing`)::

        from summarizer.render.briefing_docx import briefing_docx
        Path("note.docx").write_bytes(briefing_docx(note))
    """
    w = _Writer(note)
    doc = w.doc
    m = note.methods
    doc.add_heading(note.title, level=0)
    dates = sorted({a.date for a in note.articles if a.date})
    span = (f" · {dates[0]}" + (f" to {dates[-1]}" if len(dates) > 1 else "")) if dates else ""
    doc.add_paragraph(f"Briefing note on {m.analysed} of {m.articles} articles{span} · generated "
                      f"{m.created_at.strftime('%Y-%m-%d')}").runs[0].italic = True

    doc.add_heading(SECTION_TITLES["bottom_line"], level=1)
    for s in note.bottom_line:
        w.text(s.text, s.citations)
    if not note.bottom_line:
        doc.add_paragraph("No bottom line: no article could be analysed.")

    doc.add_heading(SECTION_TITLES["developments"], level=1)
    for d in note.developments:
        reported = ", ".join(article_label(note, a) for a in d.articles)
        p = w.text(d.text, d.citations, style="List Bullet", bold_prefix=d.id)
        p.add_run(f" — {reported}").italic = True

    doc.add_heading(SECTION_TITLES["comparisons"], level=1)
    if not note.comparisons:
        doc.add_paragraph("No claim is made by more than one article.")
    for g in note.comparisons:
        doc.add_heading(f"{g.id} · {relation_label(g)}: {g.subject}", level=2)
        if g.reason:
            w.text(g.reason, g.evidence)
        if g.problem:
            doc.add_paragraph(f"Not decided: {g.problem}")
        w.table(["Source", "Article", "Speaker", "Statement"],
                [[(mem.label, []), (article_label(note, mem.article), []), (mem.speaker, []),
                  (statement_text(mem), mem.citations)] for mem in g.members])

    doc.add_heading(SECTION_TITLES["speakers"], level=1)
    w.table(["Speaker", "Type", "Claim", "Article"],
            [[(sp.name, []), (SPEAKER_TYPE_LABELS[sp.speaker_type], []),
              (f"{c.text} ({c.attribution}{', ' + c.cue if c.cue else ''})", c.citations),
              (article_label(note, c.article), [])]
             for sp in note.speakers for c in sp.claims])

    doc.add_heading(SECTION_TITLES["stances"], level=1)
    matrix = note.stances
    if matrix.cells:
        rows = []
        for h in matrix.holders:
            row: list[_Cell] = [_plain(h)]
            for t in matrix.targets:
                cell = matrix.cell(h, t)
                row.append((cell.label, [e for en in cell.entries for e in en.citations])
                           if cell else _plain("—"))
            rows.append(row)
        w.table(["Holder \\ Target", *matrix.targets], rows)
    else:
        doc.add_paragraph("No stances.")

    doc.add_heading(SECTION_TITLES["sourcing"], level=1)
    doc.add_paragraph("Share of claims credited to each kind of source.")
    labels = list(SPEAKER_TYPE_LABELS.values())
    w.table(["Article", "Outlet", "Claims", *labels],
            [[_plain(p.key), _plain(p.outlet or "-"), _plain(str(p.claims))]
             + [_plain(v) for v in share_cells(p)] for p in note.sourcing_by_article])
    w.table(["Outlet", "Articles", "Claims", *labels],
            [[_plain(p.key), _plain(str(p.articles)), _plain(str(p.claims))]
             + [_plain(v) for v in share_cells(p)] for p in note.sourcing_by_outlet])
    for n in note.outlet_notes:
        w.text(f"is {OWNERSHIP_LABELS[n.info.ownership]} ({n.info.country}): {n.info.basis}",
               bold_prefix=n.outlet)
    if not note.outlet_notes:
        doc.add_paragraph("None of the outlets is in the outlet registry.")

    doc.add_heading(SECTION_TITLES["sources"], level=1)
    w.table(["Id", "Title", "Outlet", "Date", "Status"],
            [[(a.id, []), (a.title or a.headline or "-", []), (a.outlet or "-", []),
              (a.date or "-", []), ("analysed" if a.analysed else "failed", [])]
             for a in note.articles])

    doc.add_heading(SECTION_TITLES["methods"], level=1)
    for label, value in methods_lines(note):
        w.text(value, bold_prefix=f"{label}:")
    for f in m.failed:
        w.text(f"{f.id} — {f.error}: {f.message}", bold_prefix="Failed:")
    for text in m.notes:
        w.text(text, bold_prefix="Note:")

    doc.add_heading(SECTION_TITLES["citations"], level=1)
    for i, cit in enumerate(w.idx.entries, 1):
        para = doc.add_paragraph()
        para.add_run(f"[{i}] ").bold = True
        para.add_run(f"“{' '.join(cit.text.split())}” ")
        para.add_run(f"— {citation_note(note, cit)}").italic = True

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
