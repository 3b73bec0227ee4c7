"""The article view (``summarize -f html``): spans to nested marks, the page, the browser."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

from summarizer.llm.backends.fake import FakeBackend
from summarizer.cli import main
from summarizer.core.errors import BadInputError
from summarizer.core.models import ArticleAnalysis, Claim, Evidence, Stance
from summarizer.pipeline import Summarizer
from summarizer.render.article_html import (
    PALETTE,
    Span,
    analysis_spans,
    mark_up,
    render_article_html,
    sourcing_profile,
    speaker_colour,
)
from summarizer.testing import Reply, ScriptedServer
from tests.conftest import SEED_PATH

# -- reading the HTML back ------------------------------------------------------------------


class _Marks(HTMLParser):
    """Collects the text of the element ``id=root`` and every ``<mark data-ref>`` in it."""

    VOID: ClassVar[set[str]] = {"br", "img", "meta", "link", "hr", "input", "wbr"}

    def __init__(self, root: str | None = "text") -> None:
        super().__init__(convert_charrefs=True)
        self.root = root
        self.stack: list[dict[str, Any]] = []
        self.inside = root is None
        self.depth = 0
        self.text: list[str] = []
        self.marks: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag in self.VOID:
            return
        if not self.inside and a.get("id") == self.root:
            self.inside, self.depth = True, 0
            return
        if self.inside:
            self.depth += 1
            node = {"tag": tag, "attrs": a, "text": [], "offset": sum(len(t) for t in self.text)}
            self.stack.append(node)
            if tag == "mark" and "data-ref" in a:
                self.marks.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self.inside:
            return
        if self.depth == 0:
            self.inside = self.root is None
            return
        self.depth -= 1
        node = self.stack.pop()
        assert node["tag"] == tag, f"mis-nested </{tag}> closes <{node['tag']}>"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text.append(data)
            for node in self.stack:
                node["text"].append(data)


def read_marks(html: str, root: str | None = "text") -> _Marks:
    parser = _Marks(root)
    parser.feed(html)
    parser.close()
    return parser


def check_pieces(text: str, html: str, spans: list[Span], root: str | None = "text") -> _Marks:
    """The invariants of :func:`mark_up`: the text comes back unchanged, every piece's text is
    its slice, and each span's pieces tile exactly the span, once."""
    got = read_marks(html, root)
    assert "".join(got.text) == text
    pieces: dict[str, list[tuple[int, int]]] = {}
    for m in got.marks:
        a = m["attrs"]
        start, end = int(a["data-start"]), int(a["data-end"])
        assert m["offset"] == start  # the piece sits where its offsets say
        assert "".join(m["text"]) == text[start:end]
        pieces.setdefault(a["data-ref"], []).append((start, end))
    expected = {s.ref: (s.start, s.end) for s in spans if 0 <= s.start < s.end <= len(text)}
    assert set(pieces) == set(expected)
    for ref, parts in pieces.items():
        start, end = expected[ref]
        assert parts[0][0] == start and parts[-1][1] == end
        assert all(a[1] == b[0] for a, b in itertools.pairwise(parts))  # contiguous
    return got


def _wrap(body: str) -> str:
    return f'<div id="text">{body}</div>'


# -- mark_up --------------------------------------------------------------------------------


def test_no_spans_is_the_escaped_text() -> None:
    text = 'Tom & Jerry said "<b>hi</b>" > 3 \'ok\''
    html = str(mark_up(text, []))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert "".join(read_marks(_wrap(html)).text) == text


def test_empty_text() -> None:
    assert str(mark_up("", [])) == ""
    assert str(mark_up("", [Span(0, 1, "claim", "c1-e0", "claim-1")])) == ""


def test_nested_spans_keep_order_and_offsets() -> None:
    text = "Officials said the bridge reopened on Monday."
    spans = [Span(0, 45, "claim", "c1-e0", "claim-1", "#1f77b4"),
             Span(0, 9, "mention", "c1-m", "claim-1", "#1f77b4"),
             Span(10, 14, "cue", "c1-v", "claim-1", "#1f77b4"),
             Span(0, 45, "key_point", "k1-e0", "kp-1")]
    html = str(mark_up(text, spans))
    got = check_pieces(text, _wrap(html), spans)
    # same extent: the key point is drawn outside the claim; nothing had to be split
    assert [m["attrs"]["data-ref"] for m in got.marks] == ["k1-e0", "c1-e0", "c1-m", "c1-v"]
    assert "data-part" not in html
    assert html.startswith('<mark id="k1-e0" class="key_point"')


def test_crossing_spans_are_split_without_losing_characters() -> None:
    text = "0123456789abcdefghij"
    spans = [Span(2, 12, "claim", "c1-e0", "claim-1"), Span(8, 16, "claim", "c2-e0", "claim-2"),
             Span(10, 11, "mention", "c2-m", "claim-2"), Span(4, 9, "stance", "s1-e0", "stance-1")]
    html = str(mark_up(text, spans))
    got = check_pieces(text, _wrap(html), spans)
    pieces = [(m["attrs"]["data-ref"], int(m["attrs"]["data-start"]), int(m["attrs"]["data-end"]))
              for m in got.marks]
    # c2 starts inside the stance (inside c1) and outlives both: it is split where each ends
    assert pieces == [("c1-e0", 2, 12), ("s1-e0", 4, 9), ("c2-e0", 8, 9), ("c2-e0", 9, 12),
                      ("c2-m", 10, 11), ("c2-e0", 12, 16)]
    firsts = [m for m in got.marks if "id" in m["attrs"]]
    assert sorted(m["attrs"]["id"] for m in firsts) == sorted(s.ref for s in spans)  # one anchor each
    assert all("data-part" in m["attrs"] for m in got.marks if "id" not in m["attrs"])


def test_special_characters_and_non_ascii() -> None:
    text = "«Ça va?» — 北京 said <Kim> & co.\r\nZoë 👍🏽 \"quoted\" 'x'"
    spans = [Span(0, 8, "claim", "c1-e0", "claim-1"), Span(11, 13, "mention", "c1-m", "claim-1"),
             Span(14, 18, "cue", "c1-v", "claim-1"), Span(19, 33, "claim", "c2-e0", "claim-2"),
             Span(36, 41, "claim", "c3-e0", "claim-3"), Span(40, 45, "mention", "c3-m", "claim-3")]
    html = str(mark_up(text, spans))
    assert "<Kim>" not in html and "&lt;Kim&gt;" in html and "&#13;" in html
    check_pieces(text, _wrap(html), spans)


def test_out_of_range_and_empty_spans_are_ignored() -> None:
    text = "short text"
    spans = [Span(3, 3, "claim", "c1-e0", "claim-1"), Span(5, 99, "claim", "c2-e0", "claim-2"),
             Span(0, 5, "claim", "c3-e0", "claim-3")]
    html = str(mark_up(text, spans))
    got = read_marks(_wrap(html))
    assert "".join(got.text) == text
    assert [m["attrs"]["data-ref"] for m in got.marks] == ["c3-e0"]


@pytest.mark.parametrize("seed", range(40))
def test_random_overlaps_keep_every_invariant(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab <>&\"'é北👍\n"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))
    kinds = ["key_point", "stance", "claim", "mention", "cue"]
    spans = []
    for i in range(rng.randint(0, 12)):
        start = rng.randrange(len(text))
        end = rng.randint(start + 1, len(text))
        spans.append(Span(start, end, rng.choice(kinds), f"x{i}", f"entry-{i}"))
    if spans and rng.random() < 0.5:  # an exact duplicate extent of another kind
        s = spans[0]
        spans.append(Span(s.start, s.end, "mention", "dup", "entry-dup"))
    check_pieces(text, _wrap(str(mark_up(text, spans))), spans)


# -- from an analysis -----------------------------------------------------------------------


def _ev(text: str, needle: str, sentence: int | None = None) -> Evidence:
    start = text.index(needle)
    return Evidence(start=start, end=start + len(needle), text=needle, sentence=sentence)


@pytest.fixture
def seed_analysis(seed_text: str, seed_answer: dict[str, Any]) -> ArticleAnalysis:
    return Summarizer(backend=FakeBackend([seed_answer])).summarize(seed_text)


def _all_spans_check(analysis: ArticleAnalysis, text: str, html: str) -> _Marks:
    """Every evidence span of the JSON is on the page, its pieces tiling exactly its offsets."""
    got = read_marks(html)
    assert "".join(got.text) == text
    pieces: dict[str, list[tuple[int, int]]] = {}
    for m in got.marks:
        a = m["attrs"]
        start, end = int(a["data-start"]), int(a["data-end"])
        assert "".join(m["text"]) == text[start:end]
        pieces.setdefault(a["data-ref"], []).append((start, end))
    expected: dict[str, Evidence] = {}
    for i, kp in enumerate(analysis.summary.key_points, 1):
        expected |= {f"k{i}-e{j}": e for j, e in enumerate(kp.evidence)}
    for i, st in enumerate(analysis.stances, 1):
        expected |= {f"s{i}-e{j}": e for j, e in enumerate(st.evidence)}
    for i, c in enumerate(analysis.claims, 1):
        expected |= {f"c{i}-e{j}": e for j, e in enumerate(c.evidence)}
        if c.mention:
            expected[f"c{i}-m"] = c.mention
        if c.cue_span:
            expected[f"c{i}-v"] = c.cue_span
    for ref, e in expected.items():
        parts = pieces[ref]
        assert (parts[0][0], parts[-1][1]) == (e.start, e.end), ref
        assert "".join(text[a:b] for a, b in parts) == e.text
    return got


def test_seed_page_has_every_span_and_every_link_resolves(seed_analysis: ArticleAnalysis, seed_text: str) -> None:
    html = render_article_html(seed_analysis, seed_text)
    got = _all_spans_check(seed_analysis, seed_text, html)
    page = read_marks(html, root=None)
    assert len(page.ids) == len(set(page.ids))  # anchors are unique
    ids = set(page.ids)
    jumps = [h for h in page.hrefs if h.startswith("#")]
    assert jumps and all(h[1:] in ids for h in jumps)
    assert {m["attrs"]["data-target"] for m in got.marks} <= ids  # and back, from the text
    claims = seed_analysis.claims
    assert all(f"claim-{i}" in ids for i in range(1, len(claims) + 1))
    assert all(f"#c{i}-e0" in jumps for i in range(1, len(claims) + 1))
    # the parser's source mentions are marked where they stand in the text
    mentions = {m["attrs"]["data-ref"]: "".join(m["text"]) for m in got.marks
                if m["attrs"]["data-ref"].endswith("-m")}
    with_mention = [(i, c) for i, c in enumerate(claims, 1) if c.mention is not None]
    assert with_mention
    for i, c in with_mention:
        assert c.mention is not None and c.mention.text.startswith(mentions[f"c{i}-m"])


def test_page_is_self_contained(seed_analysis: ArticleAnalysis, seed_text: str) -> None:
    html = render_article_html(seed_analysis, seed_text)
    page = read_marks(html, root=None)
    assert not page.tags & {"link", "img", "iframe", "object", "embed"}
    assert "src=" not in html and "@import" not in html and "url(" not in html
    assert "http://" not in html and "https://" not in html  # the seed source has no url


def test_one_colour_per_speaker(seed_analysis: ArticleAnalysis, seed_text: str) -> None:
    spans = analysis_spans(seed_analysis, seed_text)
    by_target = {s.target: s.colour for s in spans if s.kind == "claim"}
    colour_of: dict[str, set[str | None]] = {}
    for i, c in enumerate(seed_analysis.claims, 1):
        colour_of.setdefault(c.speaker, set()).add(by_target[f"claim-{i}"])
    assert all(len(v) == 1 for v in colour_of.values())  # Putin's three claims share one colour
    distinct = {next(iter(v)) for v in colour_of.values()}
    outlet = any(c.speaker_type == "outlet" for c in seed_analysis.claims)  # its own colour
    named = len({c.speaker for c in seed_analysis.claims if c.speaker_type != "outlet"})
    assert len(distinct) == named + outlet  # one colour each, past the hand-picked ones too
    html = render_article_html(seed_analysis, seed_text)
    legend = html[html.index('id="legend"'):html.index('id="text"')]
    assert all(name in legend for name in colour_of)


def test_every_speaker_has_its_own_colour() -> None:
    colours = [speaker_colour(n) for n in range(40)]
    assert colours[: len(PALETTE)] == list(PALETTE)
    assert len(set(colours)) == 40
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)


def test_sourcing_profile(seed_analysis: ArticleAnalysis) -> None:
    rows = {r.speaker_type: r for r in sourcing_profile(seed_analysis)}
    assert list(rows) == ["outlet", "person", "organization", "group", "anonymous"]
    counts = {t: sum(c.speaker_type == t for c in seed_analysis.claims) for t in rows}
    assert {t: r.count for t, r in rows.items()} == counts
    assert sum(r.share for r in rows.values()) == pytest.approx(1.0)
    total = len(seed_analysis.claims)
    assert rows["anonymous"].count >= 1
    assert rows["anonymous"].percent == f"{round(100 * rows['anonymous'].count / total)}%"


def _analysis(text: str, claims: list[Claim], stances: list[Stance] | None = None,
              rejected: list[dict[str, Any]] | None = None) -> ArticleAnalysis:
    first = text.split(".")[0] + "."
    data = {
        "source": {"chars": len(text), "sentences": text.count(".") or 1, "sha256": "0" * 64,
                   "outlet": "The Ledger"},
        "summary": {"headline": "H <i>1</i>", "abstract": "A & B.", "extractive": True,
                    "key_points": [{"text": first, "evidence": [_ev(text, first, 1).model_dump()]}]},
        "claims": [c.model_dump() for c in claims],
        "stances": [s.model_dump() for s in stances or []],
        "rejected": rejected or [],
        "meta": {"model": "m", "backend": "fake", "prompt": {"name": "analyze", "version": "3", "sha256": "x"},
                 "attempts": 1, "latency_s": 0.1, "created_at": "2026-01-01T00:00:00Z"},
    }
    return ArticleAnalysis.model_validate(data)


def test_explicit_mention_cue_hedges_and_confidence(tmp_path: Path) -> None:
    text = ('The ministry said the plan "may work". He added, according to aides, that costs '
            "could rise. <script>alert(1)</script> Prices rose.")
    claim = Claim(text="The plan may work", speaker="Ministry of Finance", speaker_type="organization",
                  attribution="direct", cue="said", evidence=[_ev(text, 'The ministry said the plan "may work".', 1)],
                  mention=_ev(text, "The ministry"), cue_span=_ev(text, "said"), hedges=["may"],
                  origin="parser")
    stance = Stance(holder="Ministry of Finance", holder_type="organization", target="the plan",
                    label="favor", evidence=claim.evidence,
                    confidence={"favor": 0.7, "neutral": 0.2, "against": 0.1})
    outlet = Claim(text="Prices rose", speaker="The Ledger", speaker_type="outlet", attribution="assertion",
                   evidence=[_ev(text, "Prices rose.", 3)])
    rejected = [{"kind": "claim", "item": {"s": "Bob", "t": "person", "a": "indirect", "v": "said",
                                           "x": "<b>made up</b>", "e": [9]},
                 "reasons": ["sentence 9 does not exist"]},
                {"kind": "claim", "item": {"s": "Sputnik", "t": "person", "a": "direct", "v": "said",
                                           "x": None, "e": [2]},
                 "reasons": ["no quotation marks"]},
                {"kind": "stance", "item": {"h": "Washington", "t": "org", "g": "the treaty",
                                            "l": "against", "e": [25]},
                 "reasons": ["sentence 25 does not exist", "replaced or withdrawn"]}]
    analysis = _analysis(text, [claim, outlet], [stance], rejected)
    html = render_article_html(analysis, text)
    got = _all_spans_check(analysis, text, html)
    by_ref = {m["attrs"]["data-ref"]: m for m in got.marks}
    assert "located" not in by_ref["c1-m"]["attrs"]["class"]  # the analysis's own span
    assert "".join(by_ref["c1-m"]["text"]) == "The ministry"
    assert "c2-m" not in by_ref  # the outlet's own voice has no mention
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<strong>Bob:</strong> &lt;b&gt;made up&lt;/b&gt;" in html and "sentence 9 does not exist" in html
    assert "<strong>Washington</strong> → the treaty: against" in html
    assert '<strong>Sputnik</strong> <span class="meta">(sentence 2)</span>' in html
    assert "sentence 25 does not exist; replaced or withdrawn" in html
    assert "H &lt;i&gt;1&lt;/i&gt;" in html and "extractive" in html
    assert "hedges: may" in html and "origin parser" in html
    assert "favor 0.70 · neutral 0.20 · against 0.10" in html
    assert "The Ledger (outlet&#39;s own voice)" in html


def test_empty_analysis(tmp_path: Path) -> None:
    text = "Nothing is claimed here. The end."
    analysis = _analysis(text, [])
    html = render_article_html(analysis, text)
    assert "No attributed claims." in html and "No stances." in html
    assert "Nothing was rejected" in html
    assert all(r.share == 0 for r in sourcing_profile(analysis))
    _all_spans_check(analysis, text, html)


def test_only_web_urls_become_links() -> None:
    text = "Prices rose. Then fell."
    analysis = _analysis(text, [])
    analysis.source.url = "javascript:alert(1)"
    assert 'href="javascript' not in render_article_html(analysis, text)
    analysis.source.url = "https://example.org/a?b=1&c=2"
    assert '<a href="https://example.org/a?b=1&amp;c=2">source</a>' in render_article_html(analysis, text)


def test_wrong_text_is_refused(seed_analysis: ArticleAnalysis, seed_text: str) -> None:
    with pytest.raises(BadInputError, match="another text"):
        render_article_html(seed_analysis, seed_text.replace("Putin", "Pution"))


def test_cli_writes_the_page(seed_answer: dict[str, Any], tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    with ScriptedServer([Reply(content=seed_answer)]) as srv:
        code = main(["summarize", str(SEED_PATH), "--base-url", srv.base_url, "-m", "m",
                     "-f", "html", "-o", str(page)])
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    got = read_marks(html)
    assert "".join(got.text) == SEED_PATH.read_text(encoding="utf-8")
    assert sum(1 for m in got.marks if m["attrs"]["class"] == "claim") >= 12


# -- in a browser ---------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
          "--enable-logging=stderr", "--v=0"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_page_renders_in_headless_chromium(seed_analysis: ArticleAnalysis, seed_text: str,
                                           tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    page = tmp_path / "page.html"
    page.write_text(render_article_html(seed_analysis, seed_text), encoding="utf-8")
    flags = [str(CHROMIUM), *_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    png = tmp_path / "shot.png"
    shot = subprocess.run([*flags, f"--screenshot={png}", "--window-size=1400,1600", page.as_uri()],
                          capture_output=True, text=True, timeout=90, check=False)
    assert png.exists(), shot.stderr[-2000:]
    assert [ln for ln in shot.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln] == []
    image = Image.open(png).convert("RGB")
    assert image.size == (1400, 1600)
    grey = image.convert("L")
    assert ImageStat.Stat(grey).stddev[0] > 20  # not a blank page: text, marks and panel
    non_white = sum(grey.histogram()[:245])
    assert non_white > 0.05 * 1400 * 1600
    colours = {px for _, px in image.resize((350, 400)).getcolors(350 * 400) or [] if max(px) - min(px) > 40}
    assert len(colours) > 50  # the speaker colours were painted, not just black on white

    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=90, check=False)
    assert 'data-check="ok"' in dom.stdout  # the page's script resolved every link and target
    got = _all_spans_check(seed_analysis, seed_text, dom.stdout)  # the DOM Chromium built
    assert len(got.marks) >= len(seed_analysis.claims)
    assert "Uncaught" not in dom.stderr

