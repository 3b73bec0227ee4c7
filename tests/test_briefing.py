"""Briefing notes: assembly, renderers (Markdown golden file, HTML in headless Chromium, DOCX,
JSON) and the CLI, on a fake model that answers from the three constructed example articles.

Regenerate the Markdown golden file after an intended rendering change with::

    SUMMARIZER_UPDATE_GOLDEN=1 /work/venv/bin/python -m pytest -q tests/test_briefing.py -k golden
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from summarizer.briefing.tasks import COMPARE_CHOICES
from summarizer.llm.backends.base import ChoiceRequest, CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.briefing import (
    Briefing,
    WireBluf,
    WireComparison,
    brief,
    briefing_schema,
    load_articles,
    split_front_matter,
)
from summarizer.cli import main
from summarizer.cli.brief_cmd import NoteFormat, format_for
from summarizer.core.document import Document
from summarizer.core.errors import ProviderError
from summarizer.pipeline import Summarizer
from summarizer.render.briefing_docx import briefing_docx
from summarizer.render.briefing_html import briefing_html
from summarizer.render.briefing_md import briefing_markdown
from summarizer.core.settings import Settings
from summarizer.testing.server import Reply, ScriptedServer
from summarizer.llm.wire import WireSummary

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "briefing"
GOLDEN = Path(__file__).resolve().parent / "golden" / "briefing.md"
SCHEMA = ROOT / "schemas" / "briefing.schema.json"
FIXED_TIME = "2025-03-16T09:00:00Z"


# -- a fake model that answers from the example articles ------------------------------------


def _body(name: str) -> Document:
    meta, body = split_front_matter((EXAMPLES / name).read_text(encoding="utf-8"))
    return Document(body, outlet=meta["outlet"])


def _sid(doc: Document, needle: str) -> int:
    """The id of the only sentence of ``doc`` containing ``needle``."""
    ids = [s.id for s in doc.sentences if needle in s.text]
    assert len(ids) == 1, (needle, ids)
    return ids[0]


def _claim(doc: Document, speaker: str, t: str, a: str, v: str | None, x: str,
           *needles: str) -> dict[str, Any]:
    return {"s": speaker, "t": t, "a": a, "v": v, "x": x, "e": [_sid(doc, n) for n in needles]}


def _kp(doc: Document, x: str, *needles: str) -> dict[str, Any]:
    return {"x": x, "e": [_sid(doc, n) for n in needles]}


def _stance(doc: Document, h: str, t: str, g: str, label: str, *needles: str) -> dict[str, Any]:
    return {"h": h, "t": t, "g": g, "l": label, "e": [_sid(doc, n) for n in needles]}


def analysis_answers() -> dict[str, dict[str, Any]]:
    """Correct wire answers for the three articles, keyed by outlet; ids come from the text."""
    led, nbs, post = _body("ledger.txt"), _body("nbs.txt"), _body("post.txt")
    return {
        led.outlet or "": {
            "h": "Tessel bridge collapse kills 12, governor says",
            "a": "The Tessel river bridge in Alvora collapsed, killing 12 people according to the governor.",
            "k": [
                _kp(led, "The Tessel river bridge in Alvora collapsed on Thursday, killing 12 people.",
                    "Twelve people were killed"),
                _kp(led, "Engineers blame corrosion in the steel supports.", "Engineers who examined"),
                _kp(led, "The governor promised an independent inquiry.", "independent inquiry"),
            ],
            "c": [
                _claim(led, "outlet", "outlet", "assertion", None,
                       "Twelve people were killed in the bridge collapse", "Twelve people were killed"),
                _claim(led, "Elena Marsh", "person", "indirect", "said",
                       "The death toll stood at 12 and no one else was missing", "death toll stood at 12"),
                _claim(led, "Marsh", "person", "direct", "told",
                       "Every vehicle that was on the bridge has been accounted for", "accounted for"),
                _claim(led, "Alvora Transport Authority", "org", "indirect", "said",
                       "The bridge passed its last safety inspection in 2023", "last safety inspection"),
                _claim(led, "Engineers", "group", "indirect", "said",
                       "Corrosion in the steel supports most likely caused the collapse",
                       "Engineers who examined"),
                _claim(led, "Residents", "group", "indirect", "said",
                       "Residents complained for years about cracks in the road surface", "Residents"),
            ],
            "s": [
                _stance(led, "Elena Marsh", "person", "independent inquiry", "favor", "death toll stood at 12",
                        "independent inquiry"),
                _stance(led, "outlet", "outlet", "regional government", "neutral", "death toll stood"),
            ],
        },
        nbs.outlet or "": {
            "h": "At least 19 dead in Alvora bridge collapse",
            "a": "Hospital officials say at least 19 people died; the governor had put the toll at 12.",
            "k": [
                _kp(nbs, "At least 19 people died in the Tessel bridge collapse, hospital officials say.",
                    "At least 19 people died"),
                _kp(nbs, "Divers are still searching the river for missing people.", "divers"),
                _kp(nbs, "Engineers blame corrosion in the steel supports.", "Engineers said"),
            ],
            "c": [
                _claim(nbs, "hospital officials", "group", "indirect", "according to",
                       "At least 19 people died when the bridge collapsed", "At least 19 people died"),
                _claim(nbs, "Samir Okafor", "person", "indirect", "said",
                       "19 bodies were brought to the city's two hospitals", "Okafor"),
                _claim(nbs, "emergency services official", "anon", "indirect", "said",
                       "Divers were still searching the river for missing people", "divers"),
                _claim(nbs, "Elena Marsh", "person", "indirect", "put",
                       "The death toll stood at 12", "earlier put the death toll"),
                _claim(nbs, "Alvora Transport Authority", "org", "indirect", "said",
                       "The bridge passed its last safety inspection in 2023", "last safety inspection"),
                _claim(nbs, "Engineers", "group", "indirect", "said",
                       "Corrosion in the steel supports most likely caused the collapse", "Engineers said"),
                _claim(nbs, "Opposition lawmakers", "group", "indirect", "accused",
                       "The regional government ignored repeated warnings about the bridge", "Opposition"),
            ],
            "s": [
                _stance(nbs, "Opposition lawmakers", "group", "regional government", "against", "Opposition"),
                _stance(nbs, "outlet", "outlet", "regional government", "neutral", "earlier put"),
            ],
        },
        post.outlet or "": {
            "h": "Questions mount over repairs after Tessel bridge collapse",
            "a": "The collapse raised questions about 2019 repairs; the government says 12 died.",
            "k": [
                _kp(post, "The collapse raised questions about repairs carried out in 2019.",
                    "raised questions"),
                _kp(post, "The regional government says 12 people were killed.", "regional government says"),
                _kp(post, "Engineers blame corrosion in the steel supports.", "Engineers said"),
            ],
            "c": [
                _claim(post, "regional government", "org", "indirect", "says",
                       "12 people were killed in the collapse", "regional government says"),
                _claim(post, "Hallam Works", "org", "indirect", "said",
                       "Its repair work met every national standard", "met every national standard"),
                _claim(post, "Hallam Works", "org", "direct", "said",
                       "Its engineers followed the approved design to the letter", "approved design"),
                _claim(post, "Engineers", "group", "indirect", "said",
                       "Corrosion in the steel supports most likely caused the collapse", "Engineers said"),
                _claim(post, "former inspector at the Alvora Transport Authority", "anon", "indirect",
                       "said", "Inspections had been rushed for years", "former inspector"),
                _claim(post, "outlet", "outlet", "assertion", None,
                       "The inquiry should examine the 2019 repairs first", "should examine"),
            ],
            "s": [
                _stance(post, "outlet", "outlet", "Hallam Works", "against", "should examine"),
                _stance(post, "Hallam Works", "org", "2019 repairs", "favor", "met every national"),
                _stance(post, "outlet", "outlet", "regional government", "mixed", "regional government says"),
            ],
        },
    }


_SHOWN = re.compile(r"^\[([A-Z]):(\d+)\] (.*)$", re.MULTILINE)
_POINT = re.compile(r"^\[([DG]\d+)\] (.*)$", re.MULTILINE)


def compare_answer(request: CompletionRequest) -> dict[str, Any]:
    """Cite the first shown sentence of every source; 'contradict' when 12 meets 19."""
    shown = _SHOWN.findall(request.messages[-1]["content"])
    first: dict[str, int] = {}
    for label, sid, _ in shown:
        first.setdefault(label, int(sid))
    text = " ".join(t for _, _, t in shown).lower()
    contradict = "rushed" in text and "passed" in text
    return {
        "r": "contradict" if contradict else "agree",
        "y": "The authority says the bridge passed its last inspection in 2023, but a former "
             "inspector says inspections had been rushed for years." if contradict
        else "Both sources report the same facts.",
        "e": [{"a": label, "s": [sid]} for label, sid in first.items()],
    }


def compare_scores(request: ChoiceRequest) -> dict[str, float]:
    """The scored compare@3 as :func:`compare_answer` decides it; other scored questions
    (stance labels) abstain."""
    if request.choices != tuple(COMPARE_CHOICES):
        return {"none": 1.0}
    text = " ".join(t for _, _, t in _SHOWN.findall(request.messages[-1]["content"])).lower()
    return {"contradict": 0.8, "agree": 0.2} if "rushed" in text and "passed" in text else {"agree": 0.9, "add": 0.1}


def bluf_answer(request: CompletionRequest) -> dict[str, Any]:
    """Two sentences built from the first development and the first contradiction shown."""
    points = dict(_POINT.findall(request.messages[-1]["content"]))
    contradiction = next((pid for pid, text in points.items() if text.startswith("(contradict)")), None)
    out = [{"x": points["D1"], "d": ["D1"]}]
    if contradiction:
        out.append({"x": "Sources disagree on the death toll: 12 or at least 19.", "d": [contradiction]})
    else:
        out.append({"x": points["D2"], "d": ["D2"]})
    return {"b": out}


def fake_model(request: CompletionRequest) -> dict[str, Any]:
    """Dispatch on what is asked: an article analysis, a comparison or a bottom line."""
    if request.response_model is WireSummary:
        outlet = re.search(r'outlet="([^"]+)"', " ".join(m["content"] for m in request.messages))
        assert outlet is not None  # the article's tag names its outlet
        answer = analysis_answers()[outlet.group(1)]
        if request.response_model is WireSummary:  # the parser-first engine: summary only
            return {"h": answer["h"], "a": answer["a"], "k": answer["k"]}
        return answer
    if request.response_model is WireComparison:
        return compare_answer(request)
    if request.response_model is WireBluf:
        return bluf_answer(request)
    raise AssertionError(f"unexpected request for {request.response_model}")


def make_briefing(backend: FakeBackend | None = None, **kw: Any) -> tuple[Briefing, FakeBackend]:
    backend = backend or FakeBackend(default=fake_model, default_distribution=compare_scores)
    docs, failed = load_articles([EXAMPLES])
    summarizer = Summarizer(backend=backend, settings=Settings(max_reasks=1), strict=False)
    note = brief(docs, topic="Tessel bridge collapse", summarizer=summarizer, failed_inputs=failed, **kw)
    return note, backend


def with_stances(note: Briefing) -> Briefing:
    """``note`` with the fake's stances when the engine gave none (the parser-first engine
    does not label stances yet), so the renderers' stance matrix and chart stay tested."""
    if note.stances.cells:
        return note
    from summarizer.briefing import Citation, StanceCell, StanceEntry, StanceMatrix

    docs = {d.outlet: d for d in load_articles([EXAMPLES])[0]}
    types = {"org": "organization", "anon": "anonymous"}
    cells: dict[tuple[str, str], list[StanceEntry]] = {}
    for outlet, answer in analysis_answers().items():
        doc = docs[outlet]
        for st in answer["s"]:
            holder = outlet if st["h"] == "outlet" else st["h"]
            cites = [Citation(article=doc.key, sentence=sid, start=doc.sentences[sid - 1].start,
                              end=doc.sentences[sid - 1].end, text=doc.sentences[sid - 1].text)
                     for sid in st["e"]]
            cells.setdefault((holder, st["g"]), []).append(StanceEntry(
                article=doc.key, outlet=outlet, holder=holder, holder_type=types.get(st["t"], st["t"]),
                target=st["g"], label=st["l"], citations=cites))
    matrix = StanceMatrix(
        holders=list(dict.fromkeys(h for h, _ in cells)), targets=list(dict.fromkeys(t for _, t in cells)),
        cells=[StanceCell(holder=h, target=t, label=e[0].label if len({x.label for x in e}) == 1
                          else "mixed", entries=e) for (h, t), e in cells.items()])
    return note.model_copy(update={"stances": matrix})


@pytest.fixture
def note() -> Briefing:
    result, _ = make_briefing(use_model_bottom_line=True)
    return with_stances(result)


def frozen(note: Briefing) -> Briefing:
    """The note with its run-dependent fields fixed (for golden files): time, and what depends
    on other modules' prompt text (prompt hashes, token counts)."""
    data = note.model_dump(mode="json")
    data["methods"]["created_at"] = FIXED_TIME
    data["methods"]["latency_s"] = 0.0
    data["methods"]["usage"] = {"prompt_tokens": 3000, "completion_tokens": 1200}
    for ref in data["methods"]["prompts"]:
        ref["sha256"] = "0" * 64
    return Briefing.model_validate(data)


# -- inputs ----------------------------------------------------------------------------------


def test_front_matter_is_stripped_and_offsets_refer_to_the_analysed_text() -> None:
    docs, failed = load_articles([EXAMPLES])
    assert failed == []
    assert [d.id for d in docs] == ["ledger", "nbs", "post"]
    assert docs[0].outlet == "The Alvora Ledger" and docs[0].date == "2025-03-14"
    assert docs[0].title == "Tessel bridge collapse kills 12, governor says"
    assert docs[0].extra["constructed"].startswith("true")
    assert docs[0].text.startswith("Twelve people were killed")
    assert "---" not in docs[0].text


def test_jsonl_input_and_bad_lines_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "Officials said the port reopened.", "outlet": "Xinhua",
                    "date": "2024-01-02", "url": "https://example.org/a", "title": "Port"}) + "\n"
        + "{not json}\n" + json.dumps({"id": "x3"}) + "\n",
        encoding="utf-8",
    )
    docs, failed = load_articles([path])
    assert [(d.id, d.outlet, d.url, d.title) for d in docs] == [
        ("x1", "Xinhua", "https://example.org/a", "Port")]
    # a failed line keeps its own id when it has one (the one article loader's rule)
    assert [f.id for f in failed] == ["in-2", "x3"]
    assert "invalid JSON" in failed[0].message and "text" in failed[1].message


# -- assembly --------------------------------------------------------------------------------


def test_every_citation_resolves_to_the_analysed_text(note: Briefing) -> None:
    texts = {d.id: d.text for d in load_articles([EXAMPLES])[0]}
    cites = note.all_citations()
    assert len(cites) > 20
    for c in cites:
        assert texts[c.article][c.start : c.end] == c.text
        sentence = Document(texts[c.article]).sentences[c.sentence - 1]  # type: ignore[operator]
        # the sentence, or a part of it (the parser cites the clause or quotation it reads)
        assert sentence.start <= c.start < c.end <= sentence.end


def test_contradiction_on_the_death_toll_is_found_with_evidence_from_both_sides(note: Briefing) -> None:
    toll = [g for g in note.comparisons if g.relation == "contradict" and g.found_by == "parse"]
    assert len(toll) == 1
    group = toll[0]
    assert group.id == "G1" and group.measure == "deaths"
    assert {m.article for m in group.members} == {"ledger", "nbs", "post"}
    assert len({c.article for c in group.evidence}) >= 2
    assert "19" in " ".join(c.text for c in group.evidence)
    inspection = [g for g in note.comparisons if g.relation == "contradict" and g.found_by == "model"]
    assert len(inspection) == 1 and "rushed" in (inspection[0].reason or "")
    agree = [g for g in note.comparisons if g.relation == "agree"]
    assert any("corrosion" in g.subject.lower() for g in agree)


def test_developments_are_deduplicated_across_articles(note: Briefing) -> None:
    corrosion = [d for d in note.developments if "corrosion" in d.text.lower()]
    assert len(corrosion) == 1
    assert corrosion[0].articles == ["ledger", "nbs", "post"]
    assert note.developments[0].id == "D1" and len(note.developments[0].articles) == 3
    assert len({c.article for c in corrosion[0].citations}) == 3


def test_bottom_line_is_written_by_the_model_and_cites_the_contradiction(note: Briefing) -> None:
    assert note.methods.bottom_line_by == "model"
    assert 2 <= len(note.bottom_line) <= 4
    second = note.bottom_line[1]
    assert second.basis[0].startswith("G")
    assert {c.article for c in second.citations} >= {"ledger", "nbs"}
    names = [p.name for p in note.methods.prompts]
    assert names[0] in ("analyze", "summary") and names[1:] == ["compare", "bluf"]


def test_speakers_stances_and_sourcing(note: Briefing) -> None:
    # speaker types are the engine's (the parser's on the parser-first engine)
    by_name = {(s.name, s.speaker_type): s for s in note.speakers}
    assert len(by_name[("Engineers", "group")].claims) == 3
    assert by_name[("emergency services official", "anonymous")].claims[0].article == "nbs"
    assert ("The Alvora Ledger", "outlet") in by_name  # outlet voice carries the outlet's name
    inspector = [s for s in note.speakers if "former inspector" in s.name]
    assert inspector and inspector[0].speaker_type == "anonymous"
    if note.stances.cells:  # stances come from the engine (none yet on the parser-first one)
        assert all(c.entries for c in note.stances.cells)
    nbs = next(p for p in note.sourcing_by_article if p.key == "nbs")
    nbs_claims = [c for sp in note.speakers for c in sp.claims if c.article == "nbs"]
    assert nbs.claims == len(nbs_claims) > 0
    for t in ("outlet", "person", "organization", "group", "anonymous"):
        assert nbs.counts[t] == sum(1 for sp in note.speakers for c in sp.claims
                                    if c.article == "nbs" and sp.speaker_type == t)
    assert nbs.counts["group"] >= 2 and nbs.counts["anonymous"] == 1
    assert nbs.shares["person"] == pytest.approx(nbs.counts["person"] / nbs.claims, abs=1e-3)
    assert sum(nbs.shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert [p.key for p in note.sourcing_by_outlet] == [
        "The Alvora Ledger", "Northern Broadcasting Service", "Riverside Daily Post"]


def test_methods_count_calls_and_list_prompts(note: Briefing) -> None:
    m = note.methods
    assert (m.articles, m.analysed, m.failed) == (3, 3, [])
    assert m.backend == "fake" and m.model == "fake-model"
    assert m.model_calls == 3 + sum(1 for g in note.comparisons if g.found_by == "model") + 1
    assert m.usage.prompt_tokens > 0


def test_failed_articles_are_listed_not_dropped(tmp_path: Path) -> None:
    for name in ("ledger.txt", "nbs.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")

    def model(request: CompletionRequest) -> dict[str, Any]:
        if request.response_model is WireSummary and \
                "Northern Broadcasting" in " ".join(m["content"] for m in request.messages):
            raise ProviderError("HTTP 503 from the provider", backend="fake", cause="server_error")
        return fake_model(request)

    docs, failed = load_articles([tmp_path])
    summarizer = Summarizer(backend=FakeBackend(default=model), settings=Settings(max_reasks=0))
    note = brief(docs, summarizer=summarizer, failed_inputs=failed)
    assert note.methods.articles == 3 and note.methods.analysed == 1
    assert {(f.id, f.error) for f in note.methods.failed} == {
        ("empty", "BadInputError"), ("nbs", "ProviderError")}
    assert {a.id: a.analysed for a in note.articles} == {"ledger": True, "nbs": False, "empty": False}
    assert note.comparisons == []  # one article: nothing to compare


def test_invalid_comparison_is_reasked_then_reported() -> None:
    bad = {"r": "contradict", "y": "Different numbers.", "e": [{"a": "A", "s": [99]}, {"a": "Z", "s": [1]}]}

    def model(request: CompletionRequest) -> dict[str, Any] | str:
        if request.response_model is WireComparison:
            return bad
        return fake_model(request)

    backend = FakeBackend(default=model)
    note, _ = make_briefing(backend, compare_by="generate")  # the generated compare@2 path
    compare_calls = [r for r in backend.requests if r.response_model is WireComparison]
    judged = [g for g in note.comparisons if g.found_by == "model"]
    assert judged and len(compare_calls) == 2 * len(judged)  # first answer + one re-ask each
    reask = compare_calls[1].messages[-1]["content"]
    assert "source 'Z' does not exist" in reask and "[99]" in reask
    assert [m["role"] for m in compare_calls[1].messages] == ["system", "user", "user"]  # not echoed
    assert all(g.relation is None and g.problem for g in judged)
    # what the parse decided does not depend on the model
    assert all(g.relation is not None for g in note.comparisons if g.found_by != "model")
    assert any("relation not decided" in n for n in note.methods.notes)


def test_unsupported_bottom_line_falls_back_to_extraction() -> None:
    def model(request: CompletionRequest) -> dict[str, Any]:
        if request.response_model is WireBluf:
            return {"b": [{"x": "Forty people died in an earthquake.", "d": ["D1"]},
                          {"x": "Markets fell sharply.", "d": ["D9"]}]}
        return fake_model(request)

    backend = FakeBackend(default=model)
    note, _ = make_briefing(backend, use_model_bottom_line=True)
    reasks = [r.messages[-1]["content"] for r in backend.requests if r.response_model is WireBluf][1:]
    assert reasks and "do not exist" in reasks[0] and "numbers ['40']" in reasks[0]
    assert note.methods.bottom_line_by == "extractive"
    # the disputed death toll found by the parse comes first, with who says which figure
    assert note.bottom_line[0].basis == ["G1"]
    assert note.bottom_line[0].text.startswith("The sources disagree on the death toll: 12 (")
    assert "Elena Marsh" in note.bottom_line[0].text and "hospital officials" in note.bottom_line[0].text
    # then the articles' central lead sentences, quoted whole with their citation
    leads = [s for s in note.bottom_line if not s.basis]
    assert len(leads) == 2 and all(s.text == s.citations[0].text for s in leads)
    assert not any("Forty" in s.text or "Markets" in s.text for s in note.bottom_line)


# -- renderers -------------------------------------------------------------------------------


def test_json_round_trips_and_schema_file_is_current(note: Briefing) -> None:
    again = Briefing.model_validate_json(note.model_dump_json())
    assert again == note
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == briefing_schema()


def test_markdown_matches_the_golden_file(note: Briefing) -> None:
    text = briefing_markdown(frozen(note))
    if os.environ.get("SUMMARIZER_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_markdown_footnotes_quote_every_cited_sentence(note: Briefing) -> None:
    text = briefing_markdown(note)
    markers = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.MULTILINE))
    assert markers == set(notes)
    for c in note.all_citations():
        assert any(f"characters {c.start}–{c.end}" in v and c.text in v for v in notes.values())
    for heading in ("Bottom line", "Key developments", "Agreements and contradictions",
                    "Who said what", "Stance matrix", "Sourcing profile", "Methods"):
        assert f"## {heading}" in text


def test_outlet_registry_note_reaches_the_renderers() -> None:
    docs, _ = load_articles([EXAMPLES])
    docs[1].outlet = "Xinhua News Agency"

    def model(request: CompletionRequest) -> dict[str, Any]:
        messages = [{**m, "content": m["content"].replace("Xinhua News Agency", "Northern Broadcasting Service")}
                    for m in request.messages]
        return fake_model(CompletionRequest(messages=messages, response_model=request.response_model))

    summarizer = Summarizer(backend=FakeBackend(default=model), strict=False)
    note = brief(docs, summarizer=summarizer)
    assert [(n.outlet, n.info.name, n.info.ownership) for n in note.outlet_notes] == [
        ("Xinhua News Agency", "Xinhua", "state-owned")]
    assert next(p for p in note.sourcing_by_outlet if p.key == "Xinhua News Agency").ownership == "state-owned"
    assert "**Xinhua News Agency** is state-owned (CN)" in briefing_markdown(note)
    assert "state-owned (CN)" in briefing_html(note)


def test_docx_opens_and_contains_every_section(note: Briefing) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(briefing_docx(note)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for heading in ("Tessel bridge collapse", "Bottom line", "Key developments",
                    "Agreements and contradictions", "Who said what", "Stance matrix",
                    "Sourcing profile", "Sources", "Methods", "Citations"):
        assert heading in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Sources disagree on the death toll" in body
    assert "characters 0–126" in body  # the nbs lead sentence, cited as footnote text
    stance = next(t for t in document.tables if t.rows[0].cells[0].text == "Holder \\ Target")
    assert stance.rows[0].cells[1].text == note.stances.targets[0]
    assert any("against" in cell.text for row in stance.rows for cell in row.cells)


def test_html_is_self_contained_and_every_citation_has_a_quoted_title(note: Briefing) -> None:
    html = briefing_html(note)
    assert not re.search(r'(src|href)="https?:', html)  # no network assets (article URLs excepted)
    assert "<svg" in html and 'id="stance-table"' in html and "@media print" in html
    titles = re.findall(r'<a href="#fn-(\d+)" title="([^"]+)"', html)
    assert titles
    sentence = note.comparisons[0].evidence[0].text
    assert any(sentence.replace('"', "&#34;") in t for _, t in titles)


def test_html_escapes_article_text(note: Briefing) -> None:
    data = note.model_dump()
    data["developments"][0]["text"] = "<script>alert(1)</script>"
    html = briefing_html(Briefing.model_validate(data))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_html_renders_in_headless_chromium(note: Briefing, tmp_path: Path) -> None:
    from PIL import Image

    page = tmp_path / "note.html"
    page.write_text(briefing_html(note), encoding="utf-8")
    png = tmp_path / "shot.png"
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             "--enable-logging=stderr", "--v=0"]
    shot = subprocess.run([*flags, f"--screenshot={png}", "--window-size=1200,2000", page.as_uri()],
                          capture_output=True, text=True, timeout=90, check=False)
    assert png.exists(), shot.stderr[-2000:]
    console = [ln for ln in shot.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []
    image = Image.open(png).convert("L")
    assert image.size == (1200, 2000)
    histogram = image.histogram()
    non_white = sum(histogram[:250])
    assert non_white > 0.02 * image.size[0] * image.size[1]  # text, tables and rules were painted

    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=90, check=False)
    assert '<table id="stance-table"' in dom.stdout
    assert 'data-check="ok"' in dom.stdout  # the page's script found every footnote target
    assert f'data-citations="{dom.stdout.count("<sup class=")}"' in dom.stdout
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr


def test_format_is_taken_from_the_extension() -> None:
    assert format_for(Path("n.html"), None) is NoteFormat.html
    assert format_for(Path("n.DOCX"), None) is NoteFormat.docx
    assert format_for(Path("n.html"), NoteFormat.json) is NoteFormat.json
    assert format_for(None, None) is NoteFormat.md
    with pytest.raises(Exception, match="cannot tell the format"):
        format_for(Path("n.pdf"), None)


def _server_handler(body: dict[str, Any]) -> Reply:
    system = body["messages"][0]["content"]
    model: type = WireSummary
    if system.startswith("You compare") and "Relation (agree" in body["messages"][-1]["content"]:
        # the scored compare@3: this server sends no logprobs, so the backend asks for one
        # constrained word (an enum schema) instead
        dist = compare_scores(ChoiceRequest(messages=body["messages"], choices=tuple(COMPARE_CHOICES)))
        return Reply(content={"label": max(dist, key=lambda c: dist[c])})
    if system.startswith("You compare"):
        model = WireComparison
    elif "bottom line" in system:
        model = WireBluf
    request = CompletionRequest(messages=body["messages"], response_model=model)
    return Reply(content=fake_model(request))


@pytest.mark.parametrize("suffix", ["md", "html", "docx", "json"])
def test_cli_writes_every_format_over_a_real_http_endpoint(tmp_path: Path, suffix: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"note.{suffix}"
    with ScriptedServer(handler=_server_handler) as server:
        code = main(["brief", *(str(p) for p in sorted(EXAMPLES.glob("*.txt"))), "--topic",
                     "Tessel bridge collapse", "-o", str(out), "--base-url", server.base_url,
                     "--model", "scripted", "--no-progress", "--model-bottom-line"])
    assert code == 0, capsys.readouterr().err
    systems = [r["messages"][0]["content"] for r in server.requests]
    compares = sum(1 for t in systems if t.startswith("You compare"))
    bottom = sum(1 for t in systems if "bottom line" in t)
    scored = [r for r in server.requests if r["messages"][0]["content"].startswith("You compare")
              and "logprobs" not in r]
    assert bottom == 1 and 1 <= len(scored) <= 3  # at most max_comparisons groups go to the model
    assert len(server.requests) == 3 + compares + bottom  # one analysis call per article
    data = out.read_bytes()
    if suffix == "json":
        note = Briefing.model_validate_json(data)
        assert note.methods.backend == "openai" and note.methods.analysed == 3
        assert any(g.relation == "contradict" for g in note.comparisons)
        judged = [g for g in note.comparisons if g.found_by == "model"]
        assert judged and all(g.relation in ("agree", "contradict") for g in judged)  # decided
    elif suffix == "docx":
        assert data[:2] == b"PK"
    else:
        assert "Sources disagree on the death toll" in data.decode()
    assert "3/3 articles analysed" in capsys.readouterr().err


def test_cli_without_articles_fails_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", str(tmp_path), "-o", str(tmp_path / "n.md")]) == 2
    assert "nothing to brief" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "meta", "body"),
    [
        ("---\ntitle: 'A: b'\noutlet: X\n---\n\nBody.", {"title": "A: b", "outlet": "X"}, "Body."),
        ("---\nThis is a rule, not front matter.\n---\nBody.", {},
         "---\nThis is a rule, not front matter.\n---\nBody."),
        ("No front matter.\n---\noutlet: X\n---\n", {}, "No front matter.\n---\noutlet: X\n---\n"),
    ],
)
def test_split_front_matter_only_takes_key_value_blocks_at_the_top(
    text: str, meta: dict[str, str], body: str
) -> None:
    assert split_front_matter(text) == (meta, body)


def _load_benchmark() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("neus_briefing", ROOT / "benchmarks" / "neus_briefing.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rouge_l_matches_a_hand_computed_lcs() -> None:
    bench = _load_benchmark()
    # LCS("the cat sat on the mat", "the cat lay on the mat") = 5 of 6 tokens each: F1 = 5/6
    assert bench.rouge_l("the cat sat on the mat", "the cat lay on the mat") == pytest.approx(0.8333)
    assert bench.rouge_l("", "anything") == 0.0
    assert bench.rouge_l("a b c", "c b a") == pytest.approx(1 / 3, abs=1e-4)


def test_neus_benchmark_runs_and_scores_on_a_tiny_sample(tmp_path: Path) -> None:
    """Our own three-outlet sample in the NeuS format (the real data is never copied)."""
    bench = _load_benchmark()
    from summarizer.evals.neus import load_neus

    arts = [
        ("TITLE=> Ferry to Brack funded. ARTICLE=> The council voted to fund a ferry to Brack. "
        "The mayor said the ferry would run from May."),
        ("TITLE=> Brack ferry approved. ARTICLE=> Councillors approved money for a Brack ferry. "
        "Critics said the ferry would cost too much."),
        "TITLE=> Council backs ferry. ARTICLE=> The council backed a new ferry to Brack on Monday.",
    ]
    (tmp_path / "val.source").write_text(" [SEP] ".join(arts) + "\n", encoding="utf-8")
    (tmp_path / "val.target").write_text(
        "TITLE=> Council funds Brack ferry. ARTICLE=> The council voted to fund a ferry to Brack.\n",
        encoding="utf-8")

    def model(request: CompletionRequest) -> dict[str, Any]:
        if request.response_model is WireSummary:
            content = " ".join(m["content"] for m in request.messages)
            lines = re.findall(r"^\[(\d+)\] (.*)$", content, re.MULTILINE)
            assert lines
            points = [{"x": " ".join(t.split()[:12]), "e": [int(i)]}  # short enough for either engine
                      for i, t in dict(lines).items()][:3]
            answer = {"h": "Ferry", "a": "A ferry.", "k": points}
            return answer if request.response_model is WireSummary else {**answer, "c": [], "s": []}
        return fake_model(request)

    summarizer = Summarizer(backend=FakeBackend(default=model), strict=False)
    saved: list[dict[str, Any]] = []
    result = bench.run(load_neus(tmp_path), summarizer, model="fake", max_comparisons=2,
                       model_bottom_line=True, on_row=saved.append)
    assert [doc["events"] for doc in saved] == [1]  # the partial document after each event
    assert saved[0]["rows"] == result["rows"]
    row = result["rows"][0]
    assert (result["events"], row["analysed"], row["failed"]) == (1, 3, [])
    assert row["bottom_line_by"] == "model" and row["citation_support"] == 1.0
    assert row["keypoint_coverage"] == 1.0  # the roundup's sentence is the first key point
    assert 0.5 < row["rouge_l"] <= 1.0
    # the no-model baseline: every outlet's first sentence holds >= 3 of the roundup's 5
    # content words (council, ferry, Brack), so each lead covers it; ROUGE-L of the first
    # outlet's lead-2 is LCS 9 (the roundup sentence) over 18 and 9 tokens: 2/3
    lead = bench.lead_baseline(load_neus(tmp_path))
    assert lead["events"] == 1 and lead["rows"][0]["event"] == result["rows"][0]["event"]
    assert lead["metrics"]["keypoint_coverage"] == 1.0
    assert bench.rouge_l("The council voted to fund a ferry to Brack. The mayor said the ferry would "
                         "run from May.", "The council voted to fund a ferry to Brack.") == pytest.approx(2 / 3, abs=1e-3)
    assert 0.0 < lead["metrics"]["rouge_l"] < 1.0
    # the note's extractive bottom line alone: the council sentence is shared by all three
    # outlets, so it is picked first and covers the roundup
    central = bench.central_lead_baseline(load_neus(tmp_path))
    assert central["metrics"]["keypoint_coverage"] == 1.0 and central["events"] == 1
    extractive = bench.run(load_neus(tmp_path), summarizer, model="fake", max_comparisons=2)
    assert extractive["rows"][0]["bottom_line_by"] == "extractive"
    assert extractive["settings"]["bottom_line"] == "extractive"
    assert extractive["rows"][0]["citation_support"] == 1.0
    assert "The council voted" not in json.dumps(result)  # numbers only, no text
