"""The extractive bottom line: central lead sentences (no model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarizer.briefing import WireBluf, brief, load_articles
from summarizer.briefing.leads import central_leads
from summarizer.core.document import Document
from summarizer.llm.backends.fake import FakeBackend
from summarizer.pipeline import Summarizer
from summarizer.core.settings import Settings
from test_briefing import compare_scores, fake_model

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "briefing"


def _docs(*texts: str) -> list[tuple[str, Document]]:
    return [(f"A{i}", Document(text=t)) for i, t in enumerate(texts, 1)]


def test_one_article_gives_its_lead_in_order() -> None:
    doc = _docs("The council approved the new ferry service on Monday. Tickets will cost four "
                "dollars for every adult passenger. The first boat sails in May from the harbour.")
    picked = central_leads(doc)
    assert [s.id for _, s in picked] == [1, 2]


def test_the_sentence_all_outlets_share_beats_a_later_unique_one() -> None:
    a = ("Angry residents marched through the old town square on Sunday evening. The council "
         "voted to fund a ferry to Brack island after a long debate.")
    b = "The council voted to fund a new ferry to Brack island on Monday night. Critics called it costly."
    c = "Brack island will get a council-funded ferry, the council voted on Monday."
    picked = central_leads(_docs(a, b, c), k=1)
    assert picked[0][0] == "A2" and "ferry to Brack" in picked[0][1].text
    # a's first sentence, shared by nobody, comes only after what the others also report
    picked = central_leads(_docs(a, b, c), k=2)
    assert "marched" in picked[1][1].text  # the rest repeat the ferry sentence or are too short


def test_the_headlines_tip_the_choice_towards_what_the_editors_led_with() -> None:
    a = ("Tickets for the new ferry to Brack island will cost four dollars for adults. "
         "Harbour workers ended their strike on Monday.")
    b = ("The ferry to Brack island will cost four dollars, with tickets on sale in May. "
         "Harbour workers ended a strike after a pay deal.")
    untitled = [("A1", Document(text=a)), ("A2", Document(text=b))]
    titled = [("A1", Document(text=a, title="Harbour workers end strike")),
              ("A2", Document(text=b, title="Harbour strike over after pay deal"))]
    assert "ferry" in central_leads(untitled, k=1)[0][1].text  # the ferry words are shared most
    # the strike sentences are shorter: the headline weight alone, without the length factor
    assert "strike" in central_leads(titled, k=1, length_exponent=0.0)[0][1].text
    assert "ferry" in central_leads(titled, k=1, title_weight=0.0, length_exponent=0.0)[0][1].text


def test_a_fuller_lead_beats_a_bare_one_that_shares_a_little_more() -> None:
    a = ("The harbour workers have ended their strike. Harbour workers returned on Monday after the port "
         "authority offered a pay rise, longer breaks and safer cranes.")
    b = "Harbour workers ended their strike, the union said. The port authority offered a pay rise."
    docs = [("A1", Document(text=a)), ("A2", Document(text=b))]
    bare = central_leads(docs, k=1, position_penalty=0.0, length_exponent=0.0)
    assert "ended their strike" in bare[0][1].text  # cosine alone: the bare line
    picked = central_leads(docs, k=1, position_penalty=0.0)
    assert "pay rise" in picked[0][1].text  # with the length factor: the sentence that says more


def test_a_sentence_that_repeats_one_taken_is_skipped_and_short_lines_are_not_leads() -> None:
    a = "By Staff Reporter. The council voted to fund a ferry to Brack island on Monday night."
    b = ("The council voted to fund a ferry to Brack island on Monday night. Tickets will cost "
         "four dollars for every adult passenger on the ferry.")
    picked = central_leads(_docs(a, b))
    texts = [s.text for _, s in picked]
    assert sum("voted to fund" in t for t in texts) == 1  # said once, not twice
    assert not any(t.startswith("By Staff") for t in texts)
    assert len(picked) == 2 and "Tickets" in texts[1]


def test_the_default_note_quotes_disputes_then_leads_without_a_bottom_line_call() -> None:
    backend = FakeBackend(default=fake_model, default_distribution=compare_scores)
    docs, failed = load_articles([EXAMPLES])
    summarizer = Summarizer(backend=backend, settings=Settings(max_reasks=1), strict=False)
    note = brief(docs, topic="Tessel bridge collapse", summarizer=summarizer, failed_inputs=failed)
    assert not any(r.response_model is WireBluf for r in backend.requests)
    assert note.methods.bottom_line_by == "extractive"
    first: Any = note.bottom_line[0]
    assert first.text.startswith("The sources disagree on the death toll: 12 (")
    # the widest contradiction the model judged, told with its members' own speakers and words
    judged = note.bottom_line[1]
    group = next(g for g in note.comparisons if g.id == judged.basis[0])
    assert group.found_by == "model" and group.relation == "contradict"
    assert judged.text == ("The sources contradict each other: The Alvora Transport Authority says "
                           "the bridge had passed its last safety inspection in 2023; a former "
                           "inspector says inspections had been rushed for years.")
    texts = {d.key: d.text for d in docs}
    disputed = {(c.article, c.sentence) for c in first.citations}
    leads = note.bottom_line[2:]
    assert len(leads) == 2
    for s in leads:
        c = s.citations[0]
        assert s.text == c.text == texts[c.article][c.start:c.end]  # quoted verbatim, resolvable
        assert (c.article, c.sentence) not in disputed  # the dispute already says it


def test_only_a_contradiction_between_named_sources_enters_the_bottom_line() -> None:
    from summarizer.briefing import Citation, Comparison, ComparisonMember
    from summarizer.briefing.briefer import _widest_contradiction

    def member(article: str, speaker: str, stype: str, text: str) -> ComparisonMember:
        cite = Citation(article=article, sentence=1, start=0, end=len(text), text=text)
        return ComparisonMember(article=article, label=article, speaker=speaker,
                                speaker_type=stype, text=text, citations=[cite])  # type: ignore[arg-type]

    outlets = Comparison(id="G1", subject="inquiry", relation="contradict", reason="x", members=[
        member("A", "Ledger", "outlet", "The inquiry was promised."),
        member("B", "Post", "outlet", "The inquiry should look at the repairs.")])
    assert _widest_contradiction([outlets]) is None  # two outlets' own sentences: not a dispute
    named = Comparison(id="G2", subject="inspection", relation="contradict", reason="x", members=[
        member("A", "The Authority", "organization", "The bridge passed its inspection."),
        member("C", "former inspector", "anonymous", "Inspections had been rushed for years.")])
    line = _widest_contradiction([outlets, named])
    assert line is not None and line.basis == ["G2"] and line.text == (
        "The sources contradict each other: The Authority says the bridge passed its inspection; "
        "a former inspector says inspections had been rushed for years.")
    assert [c.article for c in line.citations] == ["A", "C"]
