"""Long articles: split on paragraph/sentence boundaries with overlap, analyse, merge.

An article longer than ``settings.chunk_chars`` is cut into chunks of whole sentences
(a sentence longer than a chunk is cut at whitespace), preferring paragraph breaks, with the
last sentences of each chunk repeated at the start of the next so that no statement is split
across a cut. Each chunk is analysed by the normal validate–ground–re-ask loop
(:meth:`Summarizer.analyze_document`); then

* every evidence span is moved back into the original text (``start``/``end`` shifted by the
  chunk's offset, ``sentence`` re-numbered to the original sentence containing the span), so
  ``text[e.start:e.end] == e.text`` holds against the *original* article;
* claims by the same speaker saying the same thing (rapidfuzz on normalised text, or the same
  sentences seen twice in an overlap) are merged into one claim with the union of evidence;
* stances of the same holder toward the same target are merged; differing labels become
  ``mixed``;
* the summary is built from the chunk summaries by a short model task (:class:`MergeTask`,
  prompt ``merge@1``, through the one ask loop :func:`summarizer.llm.ask.ask`: the answer is
  validated against :class:`WireMerge` and every merged key point must be stated by its
  evidence; one re-ask names what failed). If it still fails — provider error, truncation past
  the cap, invalid JSON, unknown or unstated key points — a deterministic merge is used
  instead: the first chunk's headline, the chunk abstracts joined up to the length cap, and
  the chunks' key points taken in turn.

``meta.chunks`` is the number of chunks; ``usage``, ``attempts`` and ``reasks`` are summed
over every chunk and the merge call(s).

This module is over 400 lines because the three steps of a long article (split, map the
evidence back, merge) share :class:`Chunk` and the offset mapper; :func:`analyze_long`, the
orchestration, is the part that could move next to the pipeline.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz

from ..core.document import Document
from ..core.errors import OutputValidationError, SummarizerError
from ..core.language import language_name
from ..core.models import (
    ArticleAnalysis,
    Claim,
    Evidence,
    KeyPoint,
    PromptRef,
    RejectedItem,
    RunMeta,
    SourceInfo,
    Stance,
    Summary,
    Usage,
)
from ..core.pricing import cost_usd
from ..core.settings import Settings
from ..llm.ask import AttemptRecord, CallObserver, Verdict, ask
from ..llm.backends.base import Completion, CompletionRequest
from ..llm.prompts import load_prompt
from .grounding import normalize
from .summary import states


class Summarizer(Protocol):
    """What the chunked analysis needs from the :class:`summarizer.pipeline.Summarizer` that
    drives it (a protocol, so the arrow goes one way: the pipeline calls into chunking)."""

    settings: Settings
    language: str | None
    on_call: CallObserver | None

    @property
    def backend(self) -> Backend: ...

    def analyze_document(self, doc: Document, *, strict: bool) -> ArticleAnalysis: ...

    def document_claims(self, doc: Document) -> list[Claim]: ...

__all__ = ["Chunk", "WireMerge", "analyze_long", "merge_claims", "merge_stances", "split_chunks"]

CLAIM_SIMILARITY = 85.0
"""rapidfuzz token-set ratio (0-100) above which two claims of one speaker are the same claim."""
OVERLAP_CLAIM_SIMILARITY = 60.0
"""Lower bar for claims of one speaker citing exactly the same sentences (overlap repeats)."""
TARGET_SIMILARITY = 85.0
"""rapidfuzz ratio above which two stance targets of one holder are the same target."""
MAX_KEY_POINTS = 7


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of the original text: ``text[start:end]``, made of whole sentences where possible."""

    index: int
    start: int
    end: int


class WireMergeKeyPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: str = Field(min_length=1, max_length=120, description="Key point, one short sentence.")
    p: list[int] = Field(
        min_length=1, max_length=4, description="Numbers of the part key points it rests on."
    )


class WireMerge(BaseModel):
    """What the merge call answers: headline, abstract, key points citing part key points."""

    model_config = ConfigDict(extra="forbid")
    h: str = Field(min_length=1, max_length=100, description="One-line headline.")
    a: str = Field(min_length=1, max_length=240, description="Abstract, 1-2 sentences.")
    k: list[WireMergeKeyPoint] = Field(min_length=1, max_length=5, description="3-5 key points.")


# -- splitting ------------------------------------------------------------------------------


def _pieces(doc: Document, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans; a sentence longer than ``max_chars`` is cut at whitespace."""
    out: list[tuple[int, int]] = []
    text = doc.text
    for s in doc.sentences:
        start = s.start
        while s.end - start > max_chars:
            cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
            if cut <= start:
                cut = start + max_chars  # no whitespace at all: a hard cut
            piece_end = cut
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((start, piece_end))
            start = cut
            while start < s.end and text[start].isspace():
                start += 1
        if start < s.end:
            out.append((start, s.end))
    return out


def split_chunks(doc: Document, *, chunk_chars: int, overlap_chars: int | None = None) -> list[Chunk]:
    """Cut ``doc`` into overlapping chunks of at most ``chunk_chars`` characters.

    Cuts fall between sentences, at a paragraph break when one lies in the second half of the
    chunk. The next chunk starts with the sentences of the last ``overlap_chars`` characters
    (at least one sentence) of the previous one.

    Example:
        >>> doc = Document(text="One. Two.\\n\\nThree. Four.")
        >>> [doc.text[c.start:c.end] for c in split_chunks(doc, chunk_chars=12, overlap_chars=0)]
        ['One. Two.', 'Three. Four.']
    """
    if overlap_chars is None:
        overlap_chars = min(chunk_chars // 8, 1500)
    pieces = _pieces(doc, chunk_chars)
    if not pieces:
        return []
    text = doc.text
    chunks: list[Chunk] = []
    first = 0
    while True:
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[first][0] <= chunk_chars:
            last += 1
        if last + 1 < len(pieces):
            # prefer a paragraph break in the second half of the chunk
            half = pieces[first][0] + chunk_chars // 2
            for j in range(last, first, -1):
                if pieces[j][1] < half:
                    break
                if "\n\n" in text[pieces[j][1] : pieces[j + 1][0]]:
                    last = j
                    break
        chunks.append(Chunk(len(chunks), pieces[first][0], pieces[last][1]))
        if last + 1 >= len(pieces):
            return chunks
        nxt = last
        while nxt > first + 1 and pieces[last][1] - pieces[nxt - 1][0] <= overlap_chars:
            nxt -= 1
        if overlap_chars <= 0 or nxt <= first:
            nxt = last + 1
        first = nxt


# -- offset mapping -------------------------------------------------------------------------


class _Mapper:
    """Moves chunk-relative evidence into the original text."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.starts = [s.start for s in doc.sentences]

    def sentence_at(self, offset: int) -> int:
        return max(1, bisect.bisect_right(self.starts, offset))

    def evidence(self, e: Evidence, chunk: Chunk) -> Evidence:
        start, end = e.start + chunk.start, e.end + chunk.start
        text = self.doc.text[start:end]
        if text != e.text:  # cannot happen: the chunk text is a slice of the original
            raise ValueError(f"evidence {e.start}:{e.end} of chunk {chunk.index} does not map back")
        return Evidence(start=start, end=end, text=text, sentence=self.sentence_at(start))

    def sentence_id(self, chunk_doc: Document, chunk: Chunk, sid: int) -> int:
        if not 1 <= sid <= len(chunk_doc.sentences):
            return sid
        return self.sentence_at(chunk_doc.sentences[sid - 1].start + chunk.start)


def _map_analysis(
    result: ArticleAnalysis, chunk: Chunk, chunk_doc: Document, mapper: _Mapper
) -> ArticleAnalysis:
    def ev(items: list[Evidence]) -> list[Evidence]:
        return [mapper.evidence(e, chunk) for e in items]

    out = result.model_copy(deep=True)
    for kp in out.summary.key_points:
        kp.evidence = ev(kp.evidence)
    for c in out.claims:
        c.evidence = ev(c.evidence)
    for s in out.stances:
        s.evidence = ev(s.evidence)
    for r in out.rejected:
        ids = r.item.get("e")
        if isinstance(ids, list):
            r.item["e"] = [
                mapper.sentence_id(chunk_doc, chunk, i) if isinstance(i, int) else i for i in ids
            ]
    return out


# -- merging --------------------------------------------------------------------------------


def _union(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    spans = {(e.start, e.end): e for e in a + b}
    return [spans[k] for k in sorted(spans)]


def _sentence_set(evidence: list[Evidence]) -> frozenset[int | None]:
    return frozenset(e.sentence for e in evidence)


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """Merge claims of one speaker that say the same thing; keep first-seen order.

    Two claims are the same when the normalised speakers match and the normalised texts reach
    :data:`CLAIM_SIMILARITY`, or :data:`OVERLAP_CLAIM_SIMILARITY` when both cite exactly the
    same sentences (the same passage analysed twice in an overlap). Evidence is united.

    Example:
        >>> e = Evidence(start=0, end=3, text="abc", sentence=1)
        >>> c = Claim(text="Taxes rise", speaker="Ana", speaker_type="person",
        ...           attribution="indirect", evidence=[e])
        >>> len(merge_claims([c, c.model_copy(update={"text": "taxes rise."})]))
        1
    """
    merged: list[Claim] = []
    for claim in claims:
        speaker, text = normalize(claim.speaker), normalize(claim.text)
        for kept in merged:
            if normalize(kept.speaker) != speaker:
                continue
            score = fuzz.token_set_ratio(normalize(kept.text), text)
            same_place = _sentence_set(kept.evidence) == _sentence_set(claim.evidence)
            if score >= CLAIM_SIMILARITY or (same_place and score >= OVERLAP_CLAIM_SIMILARITY):
                kept.evidence = _union(kept.evidence, claim.evidence)
                break
        else:
            merged.append(claim.model_copy(deep=True))
    return merged


def merge_stances(stances: list[Stance]) -> list[Stance]:
    """Merge stances of one holder toward the same target; differing labels become ``mixed``.

    Example:
        >>> e = Evidence(start=0, end=3, text="abc", sentence=1)
        >>> s = Stance(holder="Ana", holder_type="person", target="the tax", label="favor",
        ...            evidence=[e])
        >>> [x.label for x in merge_stances([s, s.model_copy(update={"label": "against"})])]
        ['mixed']
    """
    merged: list[Stance] = []
    for stance in stances:
        holder, target = normalize(stance.holder), normalize(stance.target)
        for kept in merged:
            if normalize(kept.holder) != holder:
                continue
            if fuzz.ratio(normalize(kept.target), target) < TARGET_SIMILARITY:
                continue
            if kept.label != stance.label:
                kept.label = "mixed"
            kept.evidence = _union(kept.evidence, stance.evidence)
            break
        else:
            merged.append(stance.model_copy(deep=True))
    return merged


def _dedupe_key_points(points: list[KeyPoint]) -> list[KeyPoint]:
    out: list[KeyPoint] = []
    for kp in points:
        if all(fuzz.token_set_ratio(normalize(k.text), normalize(kp.text)) < CLAIM_SIMILARITY for k in out):
            out.append(kp)
    return out


def deterministic_summary(parts: list[Summary]) -> Summary:
    """The summary without a model: first headline, abstracts joined, key points in turn."""
    abstract = ""
    for p in parts:
        candidate = f"{abstract} {p.abstract}".strip()
        if len(candidate) > 1200:
            break
        abstract = candidate
    if not abstract:
        abstract = parts[0].abstract[:1200]
    pool = _dedupe_key_points([kp for p in parts for kp in p.key_points])
    # take the chunks' key points in turn so every part of the article is represented
    queues = [[kp for kp in p.key_points if kp in pool] for p in parts]
    chosen: list[KeyPoint] = []
    while len(chosen) < MAX_KEY_POINTS and any(queues):
        for q in queues:
            if q and len(chosen) < MAX_KEY_POINTS:
                chosen.append(q.pop(0))
    return Summary(headline=parts[0].headline, abstract=abstract, key_points=chosen)


def _parts_text(parts: list[Summary]) -> tuple[str, list[KeyPoint]]:
    lines: list[str] = []
    numbered: list[KeyPoint] = []
    for i, p in enumerate(parts, 1):
        lines.append(f"Part {i}: {p.headline}\n{p.abstract}")
        for kp in p.key_points:
            numbered.append(kp)
            lines.append(f"[{len(numbered)}] {kp.text}")
    return "\n".join(lines), numbered


@dataclass
class _MergeOutcome:
    summary: Summary
    usage: Usage
    attempts: int
    used_model: bool
    error: str | None = None


def _states(kp: KeyPoint) -> bool:
    """Whether a merged key point is stated by its evidence (:func:`~summarizer.analysis.summary.states`)."""
    return bool(kp.evidence) and states(kp.text, (e.text for e in kp.evidence))


class MergeTask:
    """Merging chunk summaries (prompt ``merge@1``) as a :class:`~summarizer.llm.ask.Task`.

    The answer must match :class:`WireMerge`, cite only the numbered part key points, and
    every merged key point must be stated by the evidence of the points it cites (the same
    content check as a chunk's key points). A re-ask repeats the request with the reasons,
    never the rejected answer (as the summary task does)."""

    def __init__(self, parts: list[Summary], *, language: str, max_tokens: int) -> None:
        template = load_prompt("merge")
        text, self.numbered = _parts_text(parts)
        self.rendered = template.render(parts=text, language=language)
        self.prompt: PromptRef = self.rendered.ref
        self.max_tokens = max_tokens

    def first_request(self, max_tokens: int) -> CompletionRequest:
        return CompletionRequest(messages=list(self.rendered.messages), response_model=WireMerge,
                                 max_tokens=max_tokens)

    def check(self, completion: Completion) -> Verdict[Summary]:
        if completion.data is None:
            return Verdict(None, [completion.parse_error or "the merge answer is not a JSON object"])
        try:
            wire = WireMerge.model_validate(completion.data)
        except ValidationError as exc:
            errors = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                               for e in exc.errors()[:6])
            return Verdict(None, [(f"the merge answer does not match the schema ({exc.error_count()} "
                                  f"errors): {errors}")])
        numbered = self.numbered
        bad = sorted({i for k in wire.k for i in k.p if not 1 <= i <= len(numbered)})
        if bad:
            return Verdict(None, [(f"the merge answer cites unknown key points {bad}; cite numbers "
                                  f"between 1 and {len(numbered)}")])
        points = [
            KeyPoint(
                text=k.x,
                evidence=_union([], [e for i in dict.fromkeys(k.p) for e in numbered[i - 1].evidence])[:3],
            )
            for k in wire.k
        ]
        unstated = [i for i, kp in enumerate(points) if not _states(kp)]
        if unstated:
            return Verdict(None, [(f"merged key points {unstated} are not stated by their evidence; "
                                  "state only what the cited part key points say")])
        return Verdict(Summary(headline=wire.h, abstract=wire.a, key_points=points))

    def next_request(self, verdict: Verdict[Summary], max_tokens: int) -> CompletionRequest:
        messages = [*self.rendered.messages, {
            "role": "user",
            "content": "A previous answer to this request could not be verified:\n"
                       + "\n".join(f"- {p}" for p in verdict.problems[:10])
                       + "\nAnswer again with a complete, corrected JSON object.",
        }]
        return CompletionRequest(messages=messages, response_model=WireMerge, max_tokens=max_tokens)


class _MergeLog:
    """Forwards the merge's call records to the call log, holding back the last one so that
    the call whose answer led to the deterministic merge is logged as ``merge_fallback``."""

    def __init__(self, on_call: CallObserver | None) -> None:
        self.on_call = on_call
        self.usage = Usage()
        self.calls = 0
        self._last: AttemptRecord | None = None

    def __call__(self, record: AttemptRecord) -> None:
        self.calls += 1
        self.usage = self.usage + record.usage
        self.flush()
        self._last = record

    def flush(self, *, fallback: bool = False) -> None:
        last, self._last = self._last, None
        if last is None or self.on_call is None:
            return
        if fallback and last.outcome == "reask":
            last.outcome = "merge_fallback"
        self.on_call(last)


def merge_summaries(summarizer: Summarizer, parts: list[Summary], *, language: str,
                    doc_id: str | None = None) -> _MergeOutcome:
    """Merge chunk summaries with the model (:class:`MergeTask` through the one ask loop: one
    re-ask, unless ``max_reasks`` is 0); deterministic when that fails for any reason —
    provider error, truncation past the cap, invalid JSON, unknown or unstated key points."""
    task = MergeTask(parts, language=language, max_tokens=min(summarizer.settings.max_tokens, 768))
    log = _MergeLog(summarizer.on_call)
    try:
        result = ask(summarizer.backend, task, budget=1 + min(1, summarizer.settings.max_reasks),
                     max_tokens=task.max_tokens,
                     max_tokens_cap=max(task.max_tokens, summarizer.settings.max_tokens_cap),
                     on_call=log, doc_id=doc_id, label="merge")
    except SummarizerError as exc:  # provider error or truncation: fall back, keep going
        log.flush(fallback=True)
        return _MergeOutcome(deterministic_summary(parts), log.usage, log.calls, False,
                             f"{type(exc).__name__}: {str(exc)[:200]}")
    summary = result.verdict.value
    log.flush(fallback=not result.ok)
    if result.ok and summary is not None:
        return _MergeOutcome(summary, log.usage, log.calls, True)
    return _MergeOutcome(deterministic_summary(parts), log.usage, log.calls, False,
                         "; ".join(result.verdict.problems)[:500])


# -- the whole thing ------------------------------------------------------------------------


def analyze_long(summarizer: Summarizer, doc: Document, *, strict: bool) -> ArticleAnalysis:
    """Analyse an article longer than ``summarizer.settings.chunk_chars`` chunk by chunk.

    Args:
        summarizer: the configured :class:`~summarizer.pipeline.Summarizer` (its backend,
            prompt and settings are used for every chunk and for the merge call).
        doc: the prepared, full document; every evidence offset of the result refers to it.
        strict: as for :meth:`Summarizer.summarize`. In strict mode a chunk whose answer stays
            unverifiable fails the article; otherwise that chunk gets an extractive summary
            (its rejected parts kept in ``rejected``, its parsed claims kept).

    Usage::

        result = analyze_long(summarizer, long_doc, strict=True)
        result.meta.chunks
        # 16
    """
    started = time.perf_counter()
    chunks = split_chunks(doc, chunk_chars=summarizer.settings.chunk_chars)
    mapper = _Mapper(doc)
    results: list[ArticleAnalysis] = []
    usage = Usage()
    attempts = reasks = 0
    failures: list[str] = []
    for chunk in chunks:
        chunk_doc = Document(
            text=doc.text[chunk.start : chunk.end],
            id=f"{doc.key}#chunk{chunk.index + 1}",
            title=doc.title,
            outlet=doc.outlet,
            date=doc.date,
            url=doc.url,
            extracted_from=doc.extracted_from,
            language=doc.language,
        )
        try:
            result = summarizer.analyze_document(chunk_doc, strict=strict)
        except OutputValidationError as exc:
            attempts += exc.attempts
            if strict:
                raise OutputValidationError(
                    f"chunk {chunk.index + 1} of {len(chunks)}: {exc}",
                    attempts=attempts,
                    reasons=exc.reasons,
                    last_output=exc.last_output,
                ) from exc
            failures.append(f"chunk {chunk.index + 1}: {exc}")
            continue
        usage = usage + result.meta.usage
        attempts += result.meta.attempts
        reasks += result.meta.reasks
        results.append(_map_analysis(result, chunk, chunk_doc, mapper))
    if not results:
        raise OutputValidationError(
            f"no chunk of the {len(chunks)} could be verified: " + "; ".join(failures)[:300],
            attempts=attempts,
            reasons=failures,
            last_output="",
        )

    language = summarizer.language or language_name(doc.language) or "the article's language"
    merge = merge_summaries(summarizer, [r.summary for r in results], language=language,
                            doc_id=doc.id)
    usage = usage + merge.usage
    attempts += merge.attempts
    first = results[0].meta
    model = first.model
    rejected: list[RejectedItem] = [item for r in results for item in r.rejected]
    return ArticleAnalysis(
        source=SourceInfo(
            id=doc.id, title=doc.title, outlet=doc.outlet, date=doc.date, url=doc.url,
            chars=len(doc.text), sentences=len(doc.sentences), sha256=doc.sha256,
            language=doc.language, extracted_from=doc.extracted_from,
        ),
        summary=merge.summary,
        # who said what from one parse of the whole article (a chunk boundary would cut a
        # quotation from its cue and a pronoun from its name; a statement repeated in the
        # article is one claim with both places as evidence); chunks serve the model's tasks
        claims=merge_claims(summarizer.document_claims(doc)),
        stances=merge_stances([s for r in results for s in r.stances]),
        rejected=rejected,
        meta=RunMeta(
            model=model,
            backend=first.backend,
            mode=first.mode,
            prompt=first.prompt,
            usage=usage,
            attempts=attempts,
            reasks=reasks,
            latency_s=round(time.perf_counter() - started, 4),
            cost_usd=cost_usd(summarizer.backend.name, model, usage),
            chunks=len(chunks),
            created_at=datetime.now(UTC),
        ),
    )
