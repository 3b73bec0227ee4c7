"""Long articles: chunking, offset mapping back to the original text, merging."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from summarizer import OutputValidationError, Settings, Summarizer
from summarizer.llm.backends.base import CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.analysis.chunking import WireMerge, merge_claims, merge_stances, split_chunks
from summarizer.core.document import Document
from summarizer.analysis.grounding import normalize
from summarizer.core.models import Claim, Evidence, Stance
from summarizer.llm.ask import AttemptRecord
from summarizer.testing.faults import grounded_answer

SPEAKERS = ["Ana Ruiz", "Tomas Berg", "Lena Okafor", "Piet Vermeer", "Mira Sato", "Omar Haddad"]
REPEATED = "Mayor Ana Ruiz said the harbour bridge will reopen in May after the repairs."


def _word(rng: random.Random) -> str:
    syllables = ["ka", "lo", "mi", "ter", "van", "dus", "pre", "qui", "sol", "ben", "rat", "gon"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))


def long_article(words: int = 30_000, seed: int = 1) -> tuple[str, list[str]]:
    """A synthetic article of about ``words`` words; returns (text, attributed sentences)."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    attributed: list[str] = []
    count = 0
    p = 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(3, 5)):
            body = " ".join(_word(rng) for _ in range(rng.randint(8, 14)))
            sentences.append(body.capitalize() + ".")
        if p % 7 == 3:
            who = SPEAKERS[p % len(SPEAKERS)]
            said = f"{who} said the {' '.join(_word(rng) for _ in range(9))} would change."
            sentences.insert(1, said)
            attributed.append(said)
        if p in (10, 400):
            sentences.append(REPEATED)
        paragraphs.append(" ".join(sentences))
        count += sum(len(s.split()) for s in sentences)
        p += 1
    return "\n\n".join(paragraphs), attributed + [REPEATED]


def _answer(request: CompletionRequest) -> dict[str, Any]:
    return grounded_answer({"messages": request.messages})


@pytest.fixture(scope="module")
def article() -> tuple[str, list[str]]:
    return long_article()


def test_split_chunks_covers_every_sentence_with_overlap(article: tuple[str, list[str]]) -> None:
    doc = Document(text=article[0])
    chunks = split_chunks(doc, chunk_chars=12_000)
    assert len(chunks) > 10
    assert all(c.end - c.start <= 12_000 for c in chunks)
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end, "consecutive chunks overlap"
        assert b.start > a.start
    covered = [any(c.start <= s.start and s.end <= c.end for c in chunks) for s in doc.sentences]
    assert all(covered)
    # cuts fall on sentence starts
    starts = {s.start for s in doc.sentences}
    assert all(c.start in starts for c in chunks)


def test_split_chunks_prefers_paragraph_breaks() -> None:
    para = "Alpha beta gamma delta. " * 20
    doc = Document(text=(para.strip() + "\n\n") * 6)
    chunks = split_chunks(doc, chunk_chars=1200, overlap_chars=0)
    assert len(chunks) >= 3
    for c in chunks[:-1]:
        assert doc.text[c.end : c.end + 2] == "\n\n"


def test_split_chunks_cuts_an_oversized_sentence() -> None:
    text = "word " * 30_000  # 150,000 characters, no sentence boundary at all
    doc = Document(text=text.strip())
    chunks = split_chunks(doc, chunk_chars=12_000)
    assert len(chunks) >= 13
    assert all(c.end - c.start <= 12_000 for c in chunks)
    assert chunks[-1].end == len(doc.text)
    nospace = Document(text="x" * 30_000)
    assert [c.end - c.start for c in split_chunks(nospace, chunk_chars=12_000, overlap_chars=0)] == [
        12_000, 12_000, 6_000,
    ]


def test_30000_word_article_maps_offsets_and_merges_duplicates(
    article: tuple[str, list[str]],
) -> None:
    text, attributed = article
    assert len(text.split()) >= 30_000
    fake = FakeBackend(default=_answer)
    calls: list[AttemptRecord] = []
    s = Summarizer(backend=fake, settings=Settings(chunk_chars=12_000), on_call=calls.append)
    result = s.summarize(text, id="long")

    doc = Document(text=text)
    n_chunks = len(split_chunks(doc, chunk_chars=12_000))
    assert result.meta.chunks == n_chunks > 10
    assert result.meta.attempts == len(fake.requests) == n_chunks + 1  # + the merge call
    assert fake.requests[-1].response_model is WireMerge
    assert result.meta.usage.prompt_tokens > 0
    assert result.source.chars == len(text)

    # every span slices the ORIGINAL text, and its sentence id is the original sentence
    assert result.check_offsets(text) == []
    spans = [e for c in result.claims for e in c.evidence]
    spans += [e for st in result.stances for e in st.evidence]
    spans += [e for kp in result.summary.key_points for e in kp.evidence]
    assert spans
    for e in spans:
        sent = doc.sentences[e.sentence - 1]  # type: ignore[operator]
        assert sent.start <= e.start and e.end <= sent.end
    assert max(e.start for e in spans) > len(text) // 2, "later chunks contribute evidence"

    # one claim per distinct statement: overlap repeats and the repeated quote merged
    keys = [(normalize(c.speaker), normalize(c.text)) for c in result.claims]
    assert len(keys) == len(set(keys))
    # the rest are the outlet's own assertions (the article's unattributed sentences)
    speakers = [c for c in result.claims if c.speaker_type != "outlet"]
    assert all(c.attribution == "assertion" for c in result.claims if c.speaker_type == "outlet")
    assert len(speakers) == len(set(attributed))
    repeated = [c for c in speakers if "harbour bridge" in c.text]
    assert len(repeated) == 1  # claims come from one parse of the whole article, where the
    # second copy of a repeated sentence is hidden as boilerplate (Document.visible)
    assert {e.text for e in repeated[0].evidence} == {REPEATED}

    # the summary came from the merge call
    assert 1 <= len(result.summary.key_points) <= 5
    assert calls[-1].outcome == "ok" and calls[-1].prompt.name == "merge"


def test_merge_call_failure_falls_back_to_deterministic_summary(
    article: tuple[str, list[str]],
) -> None:
    text = article[0][:40_000]

    def answer(request: CompletionRequest) -> dict[str, Any]:
        if request.response_model is WireMerge:
            return {"h": "Bad", "a": "Bad.", "k": [{"x": "Nope.", "p": [999]}]}
        return _answer(request)

    calls: list[AttemptRecord] = []
    s = Summarizer(backend=FakeBackend(default=answer), settings=Settings(chunk_chars=12_000),
                   on_call=calls.append)
    result = s.summarize(text)
    assert result.meta.chunks >= 3
    assert calls[-1].outcome == "merge_fallback"
    assert "999" in (calls[-1].error or "")
    first_chunk = Document(text=text[: split_chunks(Document(text=text), chunk_chars=12_000)[0].end])
    assert result.summary.headline == grounded_answer(
        {"messages": [{"role": "user", "content": f"<article>\n{first_chunk.numbered()}\n</article>"}]}
    )["h"]
    assert result.check_offsets(text) == []


def test_unverifiable_chunk_fails_strict_and_is_skipped_lenient(
    article: tuple[str, list[str]],
) -> None:
    text = article[0][:40_000]
    bad = {"h": "Zorblax conquers the moon", "a": "Zorblax conquered the moon.",
           "k": [{"x": "Zorblax conquered the moon.", "e": [9999]}]}

    def answer(request: CompletionRequest) -> dict[str, Any]:
        if "[1] " + text[:20] in request.messages[0]["content"]:  # the article: system message
            return bad  # the first chunk never grounds
        return _answer(request)

    settings = Settings(chunk_chars=12_000, max_reasks=1)
    with pytest.raises(OutputValidationError, match="chunk 1 of"):
        Summarizer(backend=FakeBackend(default=answer), settings=settings).summarize(text)
    result = Summarizer(backend=FakeBackend(default=answer), settings=settings, strict=False).summarize(text)
    assert result.check_offsets(text) == []
    # lenient: the chunk's summary falls back to an extractive one, its rejected parts are kept
    assert {r.kind for r in result.rejected} == {"headline", "abstract", "key_point"}
    assert all("Zorblax" in str(r.item) for r in result.rejected)
    summary = [result.summary.headline, result.summary.abstract,
               *(kp.text for kp in result.summary.key_points)]
    assert not any("Zorblax" in part for part in summary)
    # who-said-what comes from the parse, not from the model: chunk 1 keeps its claims
    first_end = split_chunks(Document(text=text), chunk_chars=12_000)[0].end
    assert min(e.start for c in result.claims for e in c.evidence) < first_end


def _ev(start: int, sentence: int) -> Evidence:
    return Evidence(start=start, end=start + 3, text="abc", sentence=sentence)


def test_merge_claims_keeps_different_speakers_and_claims_apart() -> None:
    base = Claim(text="The bridge reopens in May", speaker="Ana Ruiz", speaker_type="person",
                 attribution="indirect", evidence=[_ev(0, 1)])
    other_speaker = base.model_copy(update={"speaker": "Tomas Berg"})
    other_claim = base.model_copy(update={"text": "Taxes on fuel will double next year",
                                          "evidence": [_ev(10, 2)]})
    rephrased = base.model_copy(update={"text": "the bridge reopens in May.", "evidence": [_ev(20, 3)]})
    merged = merge_claims([base, other_speaker, other_claim, rephrased])
    assert [c.speaker for c in merged] == ["Ana Ruiz", "Tomas Berg", "Ana Ruiz"]
    assert [e.start for e in merged[0].evidence] == [0, 20]


def test_merge_stances_unites_same_target_and_marks_changes_mixed() -> None:
    s1 = Stance(holder="Ana Ruiz", holder_type="person", target="the bridge plan", label="favor",
                evidence=[_ev(0, 1)])
    same = s1.model_copy(update={"evidence": [_ev(5, 2)]})
    other = s1.model_copy(update={"target": "fuel taxes", "label": "against"})
    turned = s1.model_copy(update={"label": "against", "evidence": [_ev(9, 3)]})
    merged = merge_stances([s1, same, other])
    assert [(m.target, m.label, len(m.evidence)) for m in merged] == [
        ("the bridge plan", "favor", 2), ("fuel taxes", "against", 1)
    ]
    assert merge_stances([s1, turned])[0].label == "mixed"


def test_a_merged_key_point_must_be_stated_by_its_evidence() -> None:
    from summarizer.analysis.chunking import _states
    from summarizer.core.models import Evidence, KeyPoint

    text = "The council approved the budget on Monday."
    ev = [Evidence(start=0, end=len(text), text=text, sentence=1)]
    assert _states(KeyPoint(text="The council approved the budget", evidence=ev))
    assert not _states(KeyPoint(text="A wind farm was cancelled after protests", evidence=ev))
    assert not _states(KeyPoint(text="The council approved the budget", evidence=[]))


def _parts() -> list[Any]:
    from summarizer.core.models import KeyPoint, Summary

    a = "The council approved the harbour budget on Monday."
    b = "The mayor said the bridge will reopen in May."
    ev_a = Evidence(start=0, end=len(a), text=a, sentence=1)
    ev_b = Evidence(start=100, end=100 + len(b), text=b, sentence=5)
    return [Summary(headline="Budget approved", abstract="The council approved the budget.",
                    key_points=[KeyPoint(text=a, evidence=[ev_a])]),
            Summary(headline="Bridge reopens", abstract="The bridge reopens in May.",
                    key_points=[KeyPoint(text=b, evidence=[ev_b])])]


GOOD_MERGE = {"h": "Budget approved, bridge to reopen", "a": "The council approved the budget.",
              "k": [{"x": "The council approved the harbour budget", "p": [1]},
                    {"x": "The bridge will reopen in May", "p": [2]}]}


def test_a_bad_merge_is_reasked_once_without_echoing_it() -> None:
    from summarizer.analysis.chunking import merge_summaries

    unstated = {"h": "H", "a": "A.", "k": [{"x": "A wind farm was cancelled after protests", "p": [1]}]}
    calls: list[AttemptRecord] = []
    fake = FakeBackend([unstated, GOOD_MERGE])
    s = Summarizer(backend=fake, settings=Settings(max_reasks=2), on_call=calls.append)
    merged = merge_summaries(s, _parts(), language="English", doc_id="long")
    assert merged.used_model and merged.attempts == 2 == len(fake.requests)
    assert [kp.text for kp in merged.summary.key_points] == [
        "The council approved the harbour budget", "The bridge will reopen in May"]
    reask = fake.requests[1].messages
    assert "not stated by their evidence" in reask[-1]["content"]
    assert "wind farm" not in " ".join(m["content"] for m in reask)  # the answer is not echoed
    assert [(c.outcome, c.prompt.name, c.doc_id) for c in calls] == [
        ("reask", "merge", "long"), ("ok", "merge", "long")]


def test_a_merge_still_bad_after_the_reask_falls_back_and_is_logged_as_such() -> None:
    from summarizer.analysis.chunking import deterministic_summary, merge_summaries

    bad = {"h": "Bad", "a": "Bad.", "k": [{"x": "Nope.", "p": [999]}]}
    calls: list[AttemptRecord] = []
    fake = FakeBackend(default=bad)
    s = Summarizer(backend=fake, settings=Settings(max_reasks=2), on_call=calls.append)
    merged = merge_summaries(s, _parts(), language="English")
    assert not merged.used_model and merged.attempts == 2 == len(fake.requests)  # one re-ask only
    assert merged.summary == deterministic_summary(_parts())
    assert [c.outcome for c in calls] == ["reask", "merge_fallback"] and "999" in (merged.error or "")


def test_no_reask_budget_means_one_merge_call() -> None:
    from summarizer.analysis.chunking import merge_summaries

    fake = FakeBackend(default={"h": "Bad", "a": "Bad.", "k": [{"x": "Nope.", "p": [999]}]})
    merged = merge_summaries(Summarizer(backend=fake, settings=Settings(max_reasks=0)), _parts(),
                             language="English")
    assert not merged.used_model and len(fake.requests) == 1
