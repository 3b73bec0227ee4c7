"""Self-contained HTML for one :class:`~summarizer.core.models.ArticleAnalysis` (``-f html``).

The page shows the analysed text with every span of the analysis highlighted: each claim's
content, its source as named in the text (``mention``) and its cue, in one colour per speaker;
key points' evidence more lightly; stances' evidence with a dotted underline. A side panel lists
the claims, stances and key points (each links to its spans, and a click on a span leads back
to its entry), the rejected items with their reasons, and a sourcing profile (share of claims
per kind of source). Inline CSS and a few lines of inline script, nothing fetched: the page
works offline and prints.

Spans may overlap in any way (a claim inside another claim's sentence, a mention inside a
content span, two claims on the same sentence): :func:`mark_up` turns them into properly
nested ``<mark>`` elements, splitting a span into pieces where it crosses another one. Every
piece carries ``data-start``/``data-end`` (its slice of the text) and ``data-ref`` (the span
it belongs to), so ``text[start:end]`` equals the piece's text content.

No model calls happen here. (Over 400 lines: the span nesting, the claim/speaker tables and
the page assembly are one renderer; the page's CSS and script are in ``render/templates``.)
"""

from __future__ import annotations

import colorsys
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .._version import __version__
from ..core.errors import BadInputError
from ..core.models import ArticleAnalysis, Claim, Evidence, SpeakerType
from .briefing_common import SPEAKER_TYPE_LABELS, percent

__all__ = [
    "KINDS",
    "Span",
    "analysis_spans",
    "mark_up",
    "render_article_html",
    "sourcing_profile",
    "speaker_colour",
]

KINDS = ("key_point", "stance", "claim", "mention", "cue")
"""Span kinds, outermost first: when two spans start and end at the same place, the earlier
kind is drawn outside the later one."""
_RANK = {kind: i for i, kind in enumerate(KINDS)}

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2",
           "#8c564b", "#bcbd22", "#3949ab", "#00897b", "#c0ca33")
"""Speaker colours, in order of first appearance; further speakers get :func:`speaker_colour`'s
generated hues."""
OUTLET_COLOUR = "#607d8b"
STANCE_COLOURS = {"favor": "#2e7d32", "against": "#c62828", "neutral": "#78909c",
                  "mixed": "#ef6c00", "none": "#b0bec5"}


@dataclass(frozen=True)
class Span:
    """One highlighted span of the text.

    Attributes:
        start / end: character offsets into the analysed text (end exclusive).
        kind: one of :data:`KINDS`.
        ref: the span's anchor id (``c3-e1``); its first piece carries it as ``id``.
        target: the id of the side-panel entry the span belongs to (``claim-3``).
        colour: the speaker colour (hex), or ``None``.
        title: hover text.
        located: ``True`` when the renderer found the span itself (the analysis gave none).
    """

    start: int
    end: int
    kind: str
    ref: str
    target: str
    colour: str | None = None
    title: str = ""
    located: bool = False


@dataclass
class _Piece:
    index: int
    span: Span
    start: int
    first: bool
    part: int
    end: int = -1

    def open_tag(self) -> str:
        s = self.span
        attrs = [f'class="{escape(s.kind)}{" located" if s.located else ""}"',
                 f'data-ref="{escape(s.ref)}"', f'data-target="{escape(s.target)}"',
                 f'data-start="{self.start}"', f'data-end="{self.end}"',
                 f'data-span="{s.start}-{s.end}"']
        if self.first:
            attrs.insert(0, f'id="{escape(s.ref)}"')
        else:
            attrs.append(f'data-part="{self.part}"')
        if s.colour:
            attrs.append(f'style="--c:{s.colour};--bg:{_tint(s.colour, 0.20)};'
                         f'--bg2:{_tint(s.colour, 0.42)}"')
        if s.title:
            attrs.append(f'title="{escape(s.title)}"')
        return f"<mark {' '.join(attrs)}>"


def speaker_colour(n: int) -> str:
    """The colour of the ``n``-th speaker (0-based): the palette, then hues a golden angle
    apart (distinct for every speaker, though later ones are harder to tell apart).

    Example:
        >>> speaker_colour(0), speaker_colour(12) != speaker_colour(13)
        ('#1f77b4', True)
    """
    if n < len(PALETTE):
        return PALETTE[n]
    r, g, b = colorsys.hls_to_rgb((n * 137.508 % 360) / 360, 0.42, 0.55)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _tint(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _text(chunk: str) -> str:
    # The HTML parser turns a raw CR (and CR LF) into LF; a character reference keeps it.
    return str(escape(chunk)).replace("\r", "&#13;")


def mark_up(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` as HTML with every span in ``spans`` wrapped in ``<mark>``, properly nested.

    A sweep over the span boundaries with a stack of open elements: at each boundary the
    pieces of spans that end there are closed (and the pieces above them, which are reopened
    right away as continuation pieces), then the spans that start there are opened, longest
    first. Every character of ``text`` is written exactly once, escaped. Spans outside the
    text or empty are ignored.

    Example:
        >>> str(mark_up("a <b> c", [Span(2, 5, "claim", "c1-e0", "claim-1")]))
        'a <mark id="c1-e0" class="claim" data-ref="c1-e0" data-target="claim-1" data-start="2" data-end="5" data-span="2-5">&lt;b&gt;</mark> c'
    """
    kept = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    starting: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(kept):
        starting[s.start].append(i)
    boundaries = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    out: list[str | _Piece] = []
    stack: list[_Piece] = []
    parts: dict[int, int] = defaultdict(int)
    position = 0
    for point in boundaries:
        if point > position:
            out.append(_text(text[position:point]))
            position = point
        reopen: list[int] = []
        lowest = next((k for k, p in enumerate(stack) if p.span.end == point), None)
        if lowest is not None:
            for piece in reversed(stack[lowest:]):
                piece.end = point
                out.append("</mark>")
                if piece.span.end != point:
                    reopen.append(piece.index)
            del stack[lowest:]
        opening = reopen + starting.get(point, [])
        opening.sort(key=lambda i: (-kept[i].end, _RANK.get(kept[i].kind, len(_RANK)), i))
        for i in opening:
            piece = _Piece(i, kept[i], start=point, first=parts[i] == 0, part=parts[i])
            parts[i] += 1
            out.append(piece)
            stack.append(piece)
    return Markup("".join(p if isinstance(p, str) else p.open_tag() for p in out))


# -- from an analysis to spans -------------------------------------------------------------


def _speaker_key(claim: Claim) -> str:
    if claim.speaker_type == "outlet":
        return "\x00outlet"
    return " ".join(claim.speaker.split()).casefold()


@dataclass
class _Speaker:
    key: str
    name: str
    speaker_type: SpeakerType
    colour: str
    claims: int = 0


def _speakers(analysis: ArticleAnalysis) -> dict[str, _Speaker]:
    out: dict[str, _Speaker] = {}
    for claim in analysis.claims:
        key = _speaker_key(claim)
        if key not in out:
            if claim.speaker_type == "outlet":
                name = f"{analysis.source.outlet or claim.speaker} (outlet's own voice)"
                colour = OUTLET_COLOUR
            else:
                name = claim.speaker
                named = sum(1 for s in out.values() if s.speaker_type != "outlet")
                colour = speaker_colour(named)
            out[key] = _Speaker(key, name, claim.speaker_type, colour)
        out[key].claims += 1
    return out


def _find(
    text: str, needle: str, within: list[Evidence], *, ignore_case: bool
) -> tuple[int, int] | None:
    """The first whole-word occurrence of ``needle`` inside one of the ``within`` spans."""
    if not needle.strip():
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(needle.strip()) + r"(?!\w)",
                         re.IGNORECASE if ignore_case else 0)
    for e in within:
        m = pattern.search(text, e.start, e.end)
        if m:
            return m.start(), m.end()
    return None


def _checked(text: str, e: Evidence | None, where: str) -> Evidence | None:
    if e is not None and text[e.start : e.end] != e.text:
        raise BadInputError(
            "text_mismatch",
            f"{where}: text[{e.start}:{e.end}] is not {e.text[:40]!r}; the analysis was made "
            "from another text (render with the exact text that was analysed)",
        )
    return e


def analysis_spans(analysis: ArticleAnalysis, text: str, *, locate: bool = True) -> list[Span]:
    """Every span the page highlights, checked against ``text``.

    With ``locate`` (the default), a claim without a ``mention`` or ``cue_span`` gets one when
    its speaker's name or its cue occurs as a whole word in its evidence (marked ``located``).

    Raises:
        BadInputError: a span does not slice ``text`` (the analysis is of another text).
    """
    speakers = _speakers(analysis)
    spans: list[Span] = []
    for i, kp in enumerate(analysis.summary.key_points, 1):
        for j, e in enumerate(kp.evidence):
            _checked(text, e, f"key_points[{i - 1}]")
            spans.append(Span(e.start, e.end, "key_point", f"k{i}-e{j}", f"kp-{i}",
                              title=f"Key point {i}: {kp.text}"))
    for i, st in enumerate(analysis.stances, 1):
        for j, e in enumerate(st.evidence):
            _checked(text, e, f"stances[{i - 1}]")
            spans.append(Span(e.start, e.end, "stance", f"s{i}-e{j}", f"stance-{i}",
                              title=f"Stance {i}: {st.holder} → {st.target}: {st.label}"))
    for i, claim in enumerate(analysis.claims, 1):
        colour = speakers[_speaker_key(claim)].colour
        who = speakers[_speaker_key(claim)].name
        for j, e in enumerate(claim.evidence):
            _checked(text, e, f"claims[{i - 1}]")
            spans.append(Span(e.start, e.end, "claim", f"c{i}-e{j}", f"claim-{i}", colour,
                              title=f"Claim {i} · {who} · {claim.attribution}: {claim.text}"))
        mention = _checked(text, claim.mention, f"claims[{i - 1}].mention")
        if mention is not None:
            spans.append(Span(mention.start, mention.end, "mention", f"c{i}-m", f"claim-{i}",
                              colour, title=f"Source of claim {i}: {claim.speaker}"))
        elif locate and claim.speaker_type != "outlet" and (
                found := _find(text, claim.speaker, claim.evidence, ignore_case=False)):
            spans.append(Span(*found, "mention", f"c{i}-m", f"claim-{i}", colour,
                              title=f"Source of claim {i}: {claim.speaker} (found by the view)",
                              located=True))
        cue = _checked(text, claim.cue_span, f"claims[{i - 1}].cue_span")
        if cue is not None:
            spans.append(Span(cue.start, cue.end, "cue", f"c{i}-v", f"claim-{i}", colour,
                              title=f"Cue of claim {i}: {cue.text}"))
        elif locate and claim.cue and (
                found := _find(text, claim.cue, claim.evidence, ignore_case=True)):
            spans.append(Span(*found, "cue", f"c{i}-v", f"claim-{i}", colour,
                              title=f"Cue of claim {i}: {claim.cue} (found by the view)",
                              located=True))
    return spans


@dataclass
class SourcingRow:
    """One bar of the sourcing profile."""

    speaker_type: SpeakerType
    label: str
    count: int
    share: float

    @property
    def percent(self) -> str:
        return percent(self.share)


def sourcing_profile(analysis: ArticleAnalysis) -> list[SourcingRow]:
    """Share of the claims credited to each kind of source, in a fixed order (outlet voice,
    named people, organisations, unnamed groups, anonymous sources); shares are 0 with no
    claims."""
    total = len(analysis.claims)
    counts = {t: 0 for t in SPEAKER_TYPE_LABELS}
    for claim in analysis.claims:
        counts[claim.speaker_type] += 1
    return [SourcingRow(t, label, counts[t], counts[t] / total if total else 0.0)
            for t, label in SPEAKER_TYPE_LABELS.items()]


# -- the page ------------------------------------------------------------------------------


@dataclass
class _Link:
    label: str
    href: str
    title: str = ""


@dataclass
class _Entry:
    index: int
    anchor: str
    links: list[_Link] = field(default_factory=list)
    colour: str | None = None


def _evidence_links(prefix: str, evidence: list[Evidence]) -> list[_Link]:
    return [_Link(f"S{e.sentence}" if e.sentence else f"{e.start}–{e.end}", f"#{prefix}-e{j}",
                  f"characters {e.start}–{e.end}") for j, e in enumerate(evidence)]


def _rejected_view(item: dict[str, Any]) -> dict[str, str]:
    """A rejected wire or model item as who / what / where, whatever its keys."""
    who = item.get("s") or item.get("speaker") or item.get("h") or item.get("holder") or ""
    what = item.get("x") or item.get("text") or ""
    if not what and (item.get("g") or item.get("target")):
        target = item.get("g") or item.get("target")
        what = f"→ {target}: {item.get('l') or item.get('label') or '?'}"
    cited = item.get("e") or []
    if isinstance(cited, list) and cited and all(isinstance(c, int) for c in cited):
        where = "sentence " + ", ".join(str(c) for c in cited)
    elif isinstance(cited, list) and cited:
        where = "evidence given"
    else:
        where = ""
    if not who and not what:
        what = ", ".join(f"{k}={v}" for k, v in item.items())[:300]
    elif who and what and not str(what).startswith("→"):
        who = f"{who}:"
    return {"who": str(who), "what": str(what), "where": where}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("summarizer", "render/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_article_html(analysis: ArticleAnalysis, text: str, *, locate: bool = True) -> str:
    """One self-contained HTML page for ``analysis`` of ``text`` (the exact analysed text).

    Args:
        analysis: the result of :meth:`Summarizer.summarize`.
        text: the text that was analysed (``Document.text``; every offset points into it).
        locate: find a claim's source mention and cue in its evidence when the analysis has
            no span for them (shown as found by the view).

    Raises:
        BadInputError: an evidence span does not slice ``text``.

    Example:
        >>> from summarizer import summarize
        >>> text = "The minister said the plan would pass."
        >>> html = render_article_html(summarize(text, no_model=True), text)
        >>> 'class="claim' in html
        True
    """
    spans = analysis_spans(analysis, text, locate=locate)
    speakers = _speakers(analysis)
    shown = {s.ref for s in spans}
    claims = []
    for i, c in enumerate(analysis.claims, 1):
        entry = _Entry(i, f"claim-{i}", _evidence_links(f"c{i}", c.evidence),
                       speakers[_speaker_key(c)].colour)
        if f"c{i}-m" in shown:
            entry.links.append(_Link("source", f"#c{i}-m", "the source as named in the text"))
        if f"c{i}-v" in shown:
            entry.links.append(_Link("cue", f"#c{i}-v", "the cue"))
        claims.append((c, entry))
    by_name = {s.name.casefold(): s.colour for s in speakers.values()}
    stances = [(st, _Entry(i, f"stance-{i}", _evidence_links(f"s{i}", st.evidence),
                           by_name.get(st.holder.casefold())))
               for i, st in enumerate(analysis.stances, 1)]
    key_points = [(kp, _Entry(i, f"kp-{i}", _evidence_links(f"k{i}", kp.evidence)))
                  for i, kp in enumerate(analysis.summary.key_points, 1)]
    located = sorted({s.kind for s in spans if s.located})
    template = _environment().get_template("article.html.j2")
    return template.render(
        a=analysis,
        body=mark_up(text, spans),
        claims=claims,
        stances=stances,
        key_points=key_points,
        speakers=list(speakers.values()),
        speaker_types=SPEAKER_TYPE_LABELS,
        profile=sourcing_profile(analysis),
        rejected=[(r, _rejected_view(r.item)) for r in analysis.rejected],
        stance_colours=STANCE_COLOURS,
        located=located,
        spans=len(spans),
        version=__version__,
    )
