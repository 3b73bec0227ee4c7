"""Self-contained HTML for a :class:`~summarizer.briefing.Briefing`.

One file with inline CSS and an inline SVG stance chart: no fonts, scripts or images are
fetched from the network, and the page prints cleanly. Every citation is a footnote marker
whose hover title quotes the cited sentence; the footnote gives article, sentence and
character span. A tiny inline script checks that every marker resolves and records the result
on ``<body data-check="ok">`` (used by the headless-browser test).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from .._version import __version__
from ..briefing.models import Briefing, Citation, StanceCell, StanceMatrix
from .briefing_common import (
    OWNERSHIP_LABELS,
    RELATION_LABELS,
    SECTION_TITLES,
    SPEAKER_TYPE_LABELS,
    CitationIndex,
    article_label,
    citation_note,
    methods_lines,
    relation_label,
    share_cells,
)

__all__ = ["briefing_html", "stance_chart_svg"]

STANCE_COLOURS = {"favor": "#2e7d32", "against": "#c62828", "neutral": "#78909c", "mixed": "#ef6c00"}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("summarizer", "render/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stance_chart_svg(matrix: StanceMatrix) -> Markup:
    """An inline SVG heat map of ``matrix``: one coloured square per holder × target.

    Example:
        >>> stance_chart_svg(StanceMatrix()).startswith("<svg")
        True
    """
    cell, left, top = 34, 210, 120
    # rotated column labels overhang to the right by up to ~130 px; the legend needs 4 x 90 px
    width = max(left + cell * max(len(matrix.targets), 1) + 140, left + 4 * 90)
    height = top + cell * max(len(matrix.holders), 1) + 46
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Stance matrix chart" '
         f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         'font-family="Arial, DejaVu Sans, sans-serif" font-size="12">')
    ]
    for j, target in enumerate(matrix.targets):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x:.0f}" y="{top - 8}" transform="rotate(-40 {x:.0f} {top - 8})">'
                     f"{escape(_short(target, 24))}</text>")
    for i, holder in enumerate(matrix.holders):
        y = top + i * cell
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4:.0f}" text-anchor="end">'
                     f"{escape(_short(holder, 30))}</text>")
        for j, target in enumerate(matrix.targets):
            x = left + j * cell
            c: StanceCell | None = matrix.cell(holder, target)
            fill = STANCE_COLOURS[c.label] if c else "#f2f4f7"
            title = f"{holder} → {target}: {c.label}" if c else f"{holder} → {target}: no stance"
            parts.append(f'<rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" '
                         f'rx="3" fill="{fill}"><title>{escape(title)}</title></rect>')
    legend_y = top + cell * max(len(matrix.holders), 1) + 24
    for k, (label, colour) in enumerate(STANCE_COLOURS.items()):
        x = left + k * 90
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="{legend_y}">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def briefing_html(note: Briefing) -> str:
    """Render ``note`` as one self-contained, print-friendly HTML page.

    Usage (``note``: a :class:`~summarizer.briefing.Briefing`)::

        from summarizer.render.briefing_html import briefing_html
        html = briefing_html(note)
        "stance-table" in html
        True
    """
    env = _environment()
    env.filters["label"] = lambda article_id: article_label(note, article_id)
    idx = CitationIndex()

    def tooltip(n: int) -> str:
        c = idx.entries[n - 1]
        return f"{' '.join(c.text.split())} — {citation_note(note, c)}"

    def entry_citations(cell: StanceCell) -> Iterable[Citation]:
        return [c for e in cell.entries for c in e.citations]

    template = env.get_template("briefing.html.j2")
    return template.render(
        note=note,
        idx=idx,
        tooltip=tooltip,
        where=lambda c: citation_note(note, c),
        entry_citations=entry_citations,
        shares=share_cells,
        chart=stance_chart_svg(note.stances),
        methods=methods_lines(note),
        dates=sorted({a.date for a in note.articles if a.date}),
        titles=SECTION_TITLES,
        relations=RELATION_LABELS,
        relation_label=relation_label,
        speaker_types=SPEAKER_TYPE_LABELS,
        ownership=OWNERSHIP_LABELS,
        version=__version__,
    )
