"""The note's orchestration: :class:`Briefer` analyses every article with
:class:`~summarizer.pipeline.Summarizer`, then builds each section of the
:class:`~summarizer.briefing.models.Briefing` in reading order (developments, speakers,
stances, agreements and contradictions, bottom line, sourcing); :func:`brief` is the thin
module function over it.

This module is over 400 lines because :class:`Briefer` is one object whose methods are the
note's sections, each reading the per-article analyses; the grouping, the model questions,
the inputs and the output types live in their own modules of this package."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..core.document import Document
from ..core.errors import BadInputError, OutputValidationError, ProviderError, SummarizerError
from ..analysis.grounding import normalize
from ..core.models import Evidence, PromptRef, SpeakerType, StanceLabel
from ..pipeline import ResponseCache, Summarizer
from ..llm.backends.base import normalize_scores
from ..llm.prompts import PromptTemplate, load_prompt
from ..core.settings import Settings
from . import conflicts
from .clustering import (
    CLAIM_OVERLAP,
    CLAIM_SIMILARITY,
    DEVELOPMENT_SIMILARITY,
    MIN_DEVELOPMENT_WORDS,
    _agreement,
    _Analysed,
    _canonical_names,
    _cluster,
    _content_similarity,
    _dedupe_citations,
    _Item,
    _labels,
    _same_statement,
    _similarity,
    _speaker_type,
    _voice,
    article_statements,
)
from .loader import _coerce, _unique_ids
from .models import (
    SPEAKER_TYPES,
    ArticleRef,
    BottomLineSentence,
    Briefing,
    Citation,
    Comparison,
    ComparisonMember,
    Development,
    FailedArticle,
    Methods,
    OutletNote,
    SourcingProfile,
    Speaker,
    SpeakerClaim,
    StanceCell,
    StanceEntry,
    StanceMatrix,
)
from .outlets import OutletRegistry
from .leads import central_leads
from .tasks import COMPARE_CHOICES, AskCache, BlufTask, CompareTask, _Asker, _CallStats
from .text import clean_text, supported, whole_sentences
from .wording import relation_reason, said

__all__ = ["BOTTOM_LINE_MIN_CONFIDENCE", "Briefer", "brief"]

BOTTOM_LINE_MIN_CONFIDENCE = 0.78
"""A scored contradiction goes into the bottom line only when the model gave "contradict" at
least this probability (it stays in the comparisons section, with its confidence, either way).
The 1.5B model scores real disputes 0.80-0.90 (the examples' inspection dispute 0.80, the
strike set's head counts and talks 0.82 / 0.90) and rewordings of one statement 0.56-0.75 (the
examples' residents 0.57, the wildfire set's "under control" / "contained" 0.746, a NeuS dev
event 0.56); the threshold lies between. A generated comparison (no confidence) is not held
back."""


class Briefer:
    """Builds :class:`Briefing` notes. Reuse one instance for many notes.

    Args:
        summarizer: the per-article analyser (its backend also answers the compare and
            bottom-line prompts); default: one built from ``settings`` with ``strict=False``,
            so an unverifiable claim is dropped rather than failing the whole article.
        settings: used only when ``summarizer`` is ``None``.
        cache: a response cache for the per-article analyses (``summarizer.store.Store``);
            used only when ``summarizer`` is ``None`` (a given summarizer keeps its own).
        registry: the outlet registry; default: the shipped one.
        max_comparisons: at most this many claim groups are sent to the model.
        max_developments: at most this many key developments are kept.
        compare_by: how the model judges a claim group: ``"score"`` (default) reads the
            probabilities of four one-word answers after a short prompt (``compare@3``, one
            forward pass, no generation) and writes the explanation from the members' own
            statements; ``"generate"`` asks for label, explanation and evidence (``compare@2``,
            checked and re-asked). Backends that cannot score choices always generate.
        use_model_bottom_line: when ``True`` the model writes the bottom line from the
            developments and comparisons (one more call, validated and re-asked); by default
            it is extractive: the parse's disputed facts, then the articles' most central lead
            sentences (:mod:`summarizer.briefing.leads`), which scored higher against editors'
            roundups than the model's text.

    Usage::

        b = Briefer(summarizer=Summarizer(backend=FakeBackend(default=...)))
        b.brief(["examples/briefing/ledger.txt", ...]).bottom_line[0].citations[0].text
    """

    def __init__(
        self,
        *,
        summarizer: Summarizer | None = None,
        settings: Settings | None = None,
        cache: ResponseCache | None = None,
        registry: OutletRegistry | None = None,
        max_comparisons: int = 3,
        max_developments: int = 8,
        use_model_bottom_line: bool = False,
        compare_by: Literal["score", "generate"] = "score",
    ) -> None:
        if summarizer is None:
            summarizer = Summarizer(settings=settings or Settings(), strict=False, cache=cache)
        self.summarizer = summarizer
        self.registry = registry or OutletRegistry.load()
        self.max_comparisons = max_comparisons
        self.max_developments = max_developments
        self.use_model_bottom_line = use_model_bottom_line
        if compare_by not in ("score", "generate"):
            raise ValueError(f"compare_by must be 'score' or 'generate', not {compare_by!r}")
        self.compare_by = compare_by
        self.compare_template = load_prompt("compare", "2")
        self.compare_choice_template = load_prompt("compare", "3")
        self.bluf_template = load_prompt("bluf", "2")

    def brief(
        self,
        articles: Iterable[Document | str | Path],
        *,
        topic: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        failed_inputs: Sequence[FailedArticle] = (),
    ) -> Briefing:
        """Analyse ``articles`` and assemble the note. See :func:`brief`."""
        started = time.perf_counter()
        created_at = datetime.now(UTC)
        max_chars = self.summarizer.settings.max_chars
        docs: list[Document] = []
        failed: list[FailedArticle] = list(failed_inputs)
        given = len(failed)
        for i, art in enumerate(articles, 1):
            given += 1
            try:
                docs.append(_coerce(art, i, max_chars))
            except BadInputError as exc:
                name = art.stem if isinstance(art, Path) else f"article-{i}"
                failed.append(FailedArticle(id=name, source=exc.source, error=type(exc).__name__,
                                            message=str(exc)))
        _unique_ids(docs)

        analysed: list[_Analysed] = []
        refs: list[ArticleRef] = []
        stats = _CallStats()
        cached = 0
        total = len(docs)
        for n, doc in enumerate(docs, 1):
            ref = ArticleRef(id=doc.key, title=doc.title, outlet=doc.outlet, date=doc.date,
                             url=doc.url, analysed=False)
            try:
                analysis = self.summarizer.summarize(doc)
            except SummarizerError as exc:
                failed.append(FailedArticle(id=doc.key, source=doc.id, error=type(exc).__name__,
                                            message=str(exc)[:500]))
            else:
                analysed.append(_Analysed(doc, analysis))
                ref = ref.model_copy(update={
                    "headline": analysis.summary.headline, "sentences": analysis.source.sentences,
                    "chars": analysis.source.chars, "sha256": analysis.source.sha256,
                    "analysed": True,
                })
                if analysis.meta.cached:
                    cached += 1
                else:
                    stats.calls += analysis.meta.attempts
                    stats.usage = stats.usage + analysis.meta.usage
            refs.append(ref)
            if progress is not None:
                progress(doc.key, n, total)

        notes: list[str] = []
        prompts: list[PromptRef] = [self.summarizer.template.ref]
        developments = self._developments(analysed, notes)
        speakers = self._speakers(analysed)
        stances = self._stances(analysed)
        asker = _Asker(self.summarizer.backend, max_reasks=self.summarizer.settings.max_reasks,
                       stats=stats, cache=AskCache.beside(self.summarizer.cache),
                       on_call=self.summarizer.on_call, on_progress=self.summarizer.on_progress)
        comparisons = self._comparisons(analysed, asker, notes)
        if any(g.found_by == "model" for g in comparisons) or asker.asked(self.compare_template):
            prompts.append(self._compare_prompt(asker).ref)
        bottom_line, by = self._bottom_line(analysed, topic, developments, comparisons, asker, notes)
        if by == "model":
            prompts.append(self.bluf_template.ref)
        by_article, by_outlet, outlet_notes = self._sourcing(analysed)
        if asker.cached:
            notes.append(f"{asker.cached} verified comparison/bottom-line answer(s) reused from "
                         "the cache")

        title = topic or (analysed[0].analysis.summary.headline if analysed else "Briefing")
        backend = self.summarizer.backend
        return Briefing(
            title=title,
            topic=topic,
            articles=refs + [ArticleRef(id=f.id, analysed=False) for f in failed
                             if f.id not in {r.id for r in refs}],
            bottom_line=bottom_line,
            developments=developments,
            speakers=speakers,
            stances=stances,
            comparisons=comparisons,
            sourcing_by_article=by_article,
            sourcing_by_outlet=by_outlet,
            outlet_notes=outlet_notes,
            methods=Methods(
                created_at=created_at,
                articles=given,
                analysed=len(analysed),
                failed=failed,
                backend=backend.name,
                model=(analysed[0].analysis.meta.model if analysed else "") or backend.model,
                prompts=prompts,
                model_calls=stats.calls,
                cached=cached,
                usage=stats.usage,
                latency_s=round(time.perf_counter() - started, 3),
                bottom_line_by=by,
                notes=notes,
            ),
        )

    # -- sections ---------------------------------------------------------------------------

    def _developments(self, analysed: list[_Analysed], notes: list[str]) -> list[Development]:
        items = []
        for a in analysed:
            for kp in a.analysis.summary.key_points:
                if not kp.evidence:
                    continue
                cites = a.cite(kp.evidence)
                text = whole_sentences(clean_text(kp.text))
                if len(text.split()) < MIN_DEVELOPMENT_WORDS:
                    notes.append(f"{a.id}: key point {text!r} left out of the developments "
                                 "(not a statement)")
                    continue
                if not supported(text, (c.text for c in cites)):
                    notes.append(f"{a.id}: key point left out of the developments (not supported "
                                 f"by its cited sentences): {text[:80]!r}")
                    continue
                items.append(_Item(a, text, "", "outlet", cites))
        clusters = _cluster(items, lambda x, y: _similarity(x.text, y.text), DEVELOPMENT_SIMILARITY)
        order = sorted(range(len(clusters)),
                       key=lambda i: (-len({it.article.id for it in clusters[i]}), i))
        out = []
        for rank, i in enumerate(order[: self.max_developments], 1):
            cluster = clusters[i]
            variants = list(dict.fromkeys(it.text for it in cluster[1:] if it.text != cluster[0].text))
            out.append(Development(
                id=f"D{rank}",
                text=cluster[0].text,
                articles=list(dict.fromkeys(it.article.id for it in cluster)),
                variants=variants,
                citations=_dedupe_citations(c for it in cluster for c in it.citations),
            ))
        return out

    def _speakers(self, analysed: list[_Analysed]) -> list[Speaker]:
        """Every claim under its speaker, with the engine's speaker type (the most frequent
        one when articles differ); "Marsh" joins "Elena Marsh" when both are people."""
        rows: list[tuple[str, SpeakerType, SpeakerClaim]] = []
        for a in analysed:
            for c in a.analysis.claims:
                name, stype = _voice(a, c)
                rows.append((name, stype, SpeakerClaim(
                    article=a.id, outlet=a.doc.outlet, text=whole_sentences(clean_text(c.text)),
                    attribution=c.attribution, cue=c.cue, citations=a.cite(c.evidence),
                )))
        names = _canonical_names([(n, t) for n, t, _ in rows])
        by_name: dict[str, tuple[str, Counter[SpeakerType], list[SpeakerClaim]]] = {}
        for name, stype, claim in rows:
            key = names[normalize(name)]
            entry = by_name.setdefault(key, (name, Counter(), []))
            entry[1][stype] += 1
            entry[2].append(claim)
        out = []
        for key, (first, types, claims) in by_name.items():
            display = next((n for n, _, _ in rows if normalize(n) == key), first)
            out.append(Speaker(name=display, speaker_type=types.most_common(1)[0][0], claims=claims))
        type_rank = {t: i for i, t in enumerate(SPEAKER_TYPES)}
        return sorted(out, key=lambda s: (type_rank[s.speaker_type], -len(s.claims)))

    def _stances(self, analysed: list[_Analysed]) -> StanceMatrix:
        targets: list[str] = []
        holders: list[str] = []
        holder_names: dict[str, str] = {}
        cells: dict[tuple[str, str], list[StanceEntry]] = {}
        for a in analysed:
            for st in a.analysis.stances:
                target = next((t for t in targets if _similarity(t, st.target) >= 90), None)
                if target is None:
                    target = st.target
                    targets.append(target)
                holder = holder_names.setdefault(normalize(st.holder), st.holder)
                if holder not in holders:
                    holders.append(holder)
                cells.setdefault((holder, target), []).append(StanceEntry(
                    article=a.id, outlet=a.doc.outlet, holder=st.holder,
                    holder_type=st.holder_type, target=st.target, label=st.label,
                    citations=a.cite(st.evidence),
                ))
        out = []
        for (holder, target), entries in cells.items():
            labels = {e.label for e in entries}
            label: StanceLabel = entries[0].label if len(labels) == 1 else "mixed"
            out.append(StanceCell(holder=holder, target=target, label=label, entries=entries))
        return StanceMatrix(holders=holders, targets=targets, cells=out)

    # -- agreements and contradictions -----------------------------------------------------

    def _statements(self, analysed: list[_Analysed]) -> list[tuple[conflicts.Statement, Citation]]:
        return [pair for a in analysed for pair in article_statements(a.doc, a.analysis)]

    def _parsed_comparisons(self, analysed: list[_Analysed], notes: list[str]
                            ) -> list[Comparison]:
        """Numbers, dates and outcomes compared by the parse: conflicts and agreements."""
        statements = self._statements(analysed)
        cite = {(st.article, st.sentence): c for st, c in statements}
        facts = conflicts.extract_facts([st for st, _ in statements])
        out = []
        by_id = {a.id: a for a in analysed}
        for d in conflicts.find_disputes(facts):
            if not d.conflict and d.kind not in ("count", "date", "money", "percent"):
                continue
            article_ids = d.articles
            label_of = dict(zip(article_ids, _labels(len(article_ids)), strict=True))
            members = []
            seen: set[tuple[str, int, str]] = set()
            for p in d.positions:
                for f in p.facts:
                    st = f.statement
                    key = (st.article, st.sentence, normalize(st.speaker))
                    if key in seen:
                        continue
                    seen.add(key)
                    members.append(ComparisonMember(
                        article=st.article, label=label_of[st.article],
                        outlet=by_id[st.article].doc.outlet, speaker=st.speaker,
                        speaker_type=_speaker_type(st.speaker_type), text=st.text,
                        value=f.value, citations=[cite[(st.article, st.sentence)]],
                    ))
            if len({m.article for m in members}) < 2 and not d.conflict:
                continue
            out.append(Comparison(
                id="", subject=conflicts.measure_name(d.measure), members=members,
                relation="contradict" if d.conflict else "agree", reason=d.describe(),
                evidence=_dedupe_citations(c for m in members for c in m.citations),
                found_by="parse", measure=d.measure,
            ))
        n_conflicts = sum(1 for g in out if g.relation == "contradict")
        if n_conflicts:
            notes.append(f"{n_conflicts} disputed number(s)/date(s) found by the parse")
        return out

    def _comparisons(self, analysed: list[_Analysed], asker: _Asker,
                     notes: list[str]) -> list[Comparison]:
        parsed: list[Comparison] = []
        use_parse = conflicts.nlp_available()
        if use_parse:
            try:
                parsed = self._parsed_comparisons(analysed, notes)
            except Exception as exc:  # noqa: BLE001 - a parse failure must not lose the note
                notes.append(f"numbers and dates were not compared by the parse "
                             f"({type(exc).__name__}: {str(exc)[:160]})")
                use_parse = False
        else:
            notes.append("numbers and dates were not compared by the parse: the spaCy English "
                         "model is not installed")
        # by sentence: the engine may cite a clause of the sentence the parse compared
        disputed = {(c.article, c.sentence) for g in parsed if g.relation == "contradict"
                    for c in g.evidence}
        items = [
            _Item(a, whole_sentences(clean_text(c.text)), *_voice(a, c), a.cite(c.evidence))
            for a in analysed for c in a.analysis.claims
        ]
        # a claim whose sentences are already in a conflict found by the parse is not asked again
        items = [it for it in items
                 if not any((c.article, c.sentence) in disputed for c in it.citations)]
        if use_parse:
            clusters = self._group_by_subject(items)
        else:
            def score(x: _Item, y: _Item) -> float:
                if x.article.id == y.article.id:
                    return 0.0
                return max(_content_similarity(x.text, y.text),
                           _content_similarity(" ".join(c.text for c in x.citations),
                                               " ".join(c.text for c in y.citations)) - 10)

            clusters = [c for c in _cluster(items, score, CLAIM_SIMILARITY)
                        if len({it.article.id for it in c}) >= 2]
        clusters.sort(key=lambda c: (-len({it.article.id for it in c}),
                                     -len({normalize(it.speaker) for it in c})))
        n_asked = sum(1 for c in clusters if not _same_statement(c))
        if n_asked > self.max_comparisons:
            notes.append(f"{n_asked} groups of related claims found; the "
                         f"{self.max_comparisons} spanning most articles were compared")
        judged = []
        same = [c for c in clusters if _same_statement(c)]
        asked = [c for c in clusters if not _same_statement(c)]
        for cluster in same:
            judged.append(_agreement(cluster))
        for cluster in asked[: self.max_comparisons]:
            g = self._compare("G?", cluster, asker, notes)
            if g is not None:
                judged.append(g)
        judged.sort(key=lambda g: (g.relation != "contradict", g.found_by == "match"))
        # an agreement found by the parse that a judged group already covers is not repeated
        covered = {c.key for g in judged for m in g.members for c in m.citations}
        parsed = [g for g in parsed if g.relation == "contradict"
                  or not all(c.key in covered for c in g.evidence)]
        out = ([g for g in parsed if g.relation == "contradict"] + judged
               + [g for g in parsed if g.relation != "contradict"])
        return [g.model_copy(update={"id": f"G{n}"}) for n, g in enumerate(out, 1)]

    def _group_by_subject(self, items: list[_Item]) -> list[list[_Item]]:
        """Claims of different articles about the same thing: idf-weighted overlap of the
        parse lemmas of the claim and its cited sentences (entities, subject, object,
        predicate), not surface similarity."""
        if not items:
            return []
        texts = [it.text + " " + " ".join(c.text for c in it.citations) for it in items]
        feats = conflicts.claim_features(texts, [it.speaker for it in items])
        cores = [core for _, core in conflicts.claim_features([it.text for it in items],
                                                              [it.speaker for it in items])]
        df: Counter[str] = Counter(w for f, _ in feats for w in f)
        n = len(items)
        weight = {w: math.log((n + 1) / (k + 0.5)) for w, k in df.items()}
        topical = max(2, n // 4)  # a word in more claims than this is the topic, not a subject
        index = {id(it): i for i, it in enumerate(items)}

        def score(x: _Item, y: _Item) -> float:
            if x.article.id == y.article.id:
                return 0.0
            i, j = index[id(x)], index[id(y)]
            fx, fy = feats[i][0], feats[j][0]
            union = sum(weight[w] for w in fx | fy)
            overlap = sum(weight[w] for w in fx & fy) / union if union else 0.0
            shared_subject = {w for w in cores[i] & cores[j] if df[w] <= topical}
            return max(overlap, CLAIM_OVERLAP) if shared_subject else overlap

        scaled = _cluster(items, lambda x, y: 100 * score(x, y), 100 * CLAIM_OVERLAP)
        return [c for c in scaled if len({it.article.id for it in c}) >= 2]

    def _compare(self, gid: str, cluster: list[_Item], asker: _Asker,
                 notes: list[str]) -> Comparison | None:
        article_ids = list(dict.fromkeys(it.article.id for it in cluster))
        label_of = dict(zip(article_ids, _labels(len(article_ids)), strict=True))
        members = [
            ComparisonMember(article=it.article.id, label=label_of[it.article.id],
                             outlet=it.article.doc.outlet, speaker=it.speaker,
                             speaker_type=it.speaker_type, text=it.text, citations=it.citations)
            for it in cluster
        ]
        shown: dict[str, dict[int, Citation]] = {label_of[a]: {} for a in article_ids}
        for m in members:
            for c in m.citations:
                if c.sentence is not None:
                    shown[m.label][c.sentence] = c
        lines = []
        for a in article_ids:
            label = label_of[a]
            outlet = next((m.outlet for m in members if m.article == a and m.outlet), None)
            lines.append(f"Source {label}" + (f" ({outlet})" if outlet else "") + ":")
            lines += [f"[{label}:{sid}] {c.text}" for sid, c in sorted(shown[label].items())]

        subject = cluster[0].text
        comparison = Comparison(id=gid, subject=subject, members=members)
        if self._compare_prompt(asker) is self.compare_choice_template:
            return self._score_comparison(comparison, lines, asker, notes)
        try:
            answer = asker.ask(CompareTask(self.compare_template, subject=subject, shown=shown,
                                           lines=lines), max_tokens=200)
        except (OutputValidationError, ProviderError) as exc:
            comparison.problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            notes.append(f"a group on {subject[:60]!r}: relation not decided ({comparison.problem})")
            return comparison
        if answer.r == "unrelated":
            notes.append(f"claims grouped on {subject[:60]!r} are about different things "
                         "(model: unrelated); not shown as a group")
            return None
        comparison.relation = answer.r
        comparison.reason = whole_sentences(clean_text(answer.y))
        comparison.evidence = _dedupe_citations(
            shown[side.a][s] for side in answer.e for s in side.s
        )
        return comparison

    def _compare_prompt(self, asker: _Asker) -> PromptTemplate:
        """``compare@3`` (scored) when asked for and the backend can score, else ``compare@2``."""
        scored = self.compare_by == "score" and asker.can_score()
        return self.compare_choice_template if scored else self.compare_template

    def _score_comparison(self, comparison: Comparison, lines: list[str], asker: _Asker,
                          notes: list[str]) -> Comparison | None:
        """The relation as the most probable of four one-word answers (``compare@3``); the
        explanation is written from the members' statements, so it always matches the label,
        and the evidence is every cited sentence of the group. A group whose sides all have
        one speaker is not a contradiction (the best of the other answers is taken)."""
        subject = comparison.subject
        template = self.compare_choice_template
        rendered = template.render(subject=subject, sources="\n".join(lines))
        try:
            scores = asker.score(template.ref, list(rendered.messages), tuple(COMPARE_CHOICES))
        except ProviderError as exc:
            comparison.problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            notes.append(f"a group on {subject[:60]!r}: relation not decided ({comparison.problem})")
            return comparison
        probs = dict(scores.probs)
        speakers = {normalize(m.speaker) for m in comparison.members}
        if len(speakers) == 1 and scores.best == "contradict":
            # one speaker quoted by two outlets in different words is one statement, not
            # sources in conflict (a changed figure is the parse's to find); the small model
            # reads such rewordings as contradictions ("under control" vs "contained")
            notes.append(f"a group on {subject[:60]!r}: one speaker "
                         f"({comparison.members[0].speaker}) on every side, so not read as a "
                         f"contradiction (model: contradict {probs['contradict']:.2f})")
            probs = normalize_scores(probs, tuple(c for c in COMPARE_CHOICES if c != "contradict"))
        best = max(probs, key=lambda c: probs[c])
        relation = COMPARE_CHOICES[best]
        if relation == "unrelated":
            notes.append(f"claims grouped on {subject[:60]!r} are about different things "
                         "(model: unrelated); not shown as a group")
            return None
        comparison.relation = relation
        comparison.confidence = round(probs[best], 3)
        comparison.reason = relation_reason(relation, comparison.members)
        comparison.evidence = _dedupe_citations(c for m in comparison.members for c in m.citations)
        return comparison

    def _bottom_line(
        self,
        analysed: list[_Analysed],
        topic: str | None,
        developments: list[Development],
        comparisons: list[Comparison],
        asker: _Asker,
        notes: list[str],
    ) -> tuple[list[BottomLineSentence], Literal["model", "extractive", "none"]]:
        if not analysed:
            return [], "none"
        disputes = [g for g in comparisons if g.found_by == "parse" and g.relation == "contradict"]
        points: dict[str, tuple[str, list[Citation]]] = {}
        for g in disputes:  # disputed facts first: what a reader must learn in ten seconds
            points[g.id] = (f"({g.relation}) {g.reason}", g.evidence)
        points |= {d.id: (d.text, d.citations) for d in developments}
        for g in comparisons:
            if g.id not in points and g.relation is not None and g.reason:
                points[g.id] = (f"({g.relation}) {g.reason}", g.evidence)
        if self.use_model_bottom_line:
            try:
                answer = asker.ask(BlufTask(self.bluf_template, topic=topic, points=points,
                                            disputes=[g.id for g in disputes]), max_tokens=320)
            except (OutputValidationError, ProviderError) as exc:
                notes.append(f"bottom line extracted from the developments: the model's bottom "
                             f"line failed ({type(exc).__name__}: {str(exc)[:160]})")
            else:
                return [
                    BottomLineSentence(
                        text=whole_sentences(clean_text(s.x)), basis=list(dict.fromkeys(s.d)),
                        citations=_dedupe_citations(c for d in s.d for c in points[d][1]),
                    )
                    for s in answer.b
                ], "model"
        out = [BottomLineSentence(text=g.reason or "", basis=[g.id], citations=g.evidence)
               for g in disputes[:2] if g.reason]
        if (judged := _widest_contradiction(comparisons)) is not None:
            out.append(judged)
        by_id = {a.id: a for a in analysed}
        said = {(c.article, c.sentence) for b in out for c in b.citations if c.sentence is not None}
        for article, sentence in central_leads([(a.id, a.doc) for a in analysed], exclude=said):
            evidence = Evidence(start=sentence.start, end=sentence.end, text=sentence.text,
                                sentence=sentence.id)
            out.append(BottomLineSentence(text=clean_text(sentence.text), basis=[],
                                          citations=by_id[article].cite([evidence])))
        return out, "extractive"

    def _sourcing(
        self, analysed: list[_Analysed]
    ) -> tuple[list[SourcingProfile], list[SourcingProfile], list[OutletNote]]:
        def profile(key: str, outlet: str | None, types: list[SpeakerType],
                    articles: int) -> SourcingProfile:
            counts: dict[SpeakerType, int] = {t: 0 for t in SPEAKER_TYPES}
            for t in types:
                counts[t] += 1
            total = len(types)
            info = self.registry.lookup(outlet)
            return SourcingProfile(
                key=key, outlet=outlet, articles=articles, claims=total, counts=counts,
                shares={t: (round(counts[t] / total, 4) if total else 0.0) for t in SPEAKER_TYPES},
                ownership=info.ownership if info else None,
            )

        by_article = []
        per_outlet: dict[str, tuple[str | None, list[SpeakerType], int]] = {}
        for a in analysed:
            types = [c.speaker_type for c in a.analysis.claims]
            by_article.append(profile(a.id, a.doc.outlet, types, 1))
            key = a.doc.outlet or "(outlet not given)"
            prev = per_outlet.get(key, (a.doc.outlet, [], 0))
            per_outlet[key] = (a.doc.outlet, prev[1] + types, prev[2] + 1)
        by_outlet = [profile(k, o, t, n) for k, (o, t, n) in per_outlet.items()]
        notes = []
        for outlet in dict.fromkeys(a.doc.outlet for a in analysed if a.doc.outlet):
            info = self.registry.lookup(outlet)
            if info is not None and outlet is not None:
                notes.append(OutletNote(outlet=outlet, info=info))
        return by_article, by_outlet, notes



def _widest_contradiction(comparisons: list[Comparison]) -> BottomLineSentence | None:
    """The model-judged contradiction between the most named sources (then articles), as one
    sentence built from its members' own statements and speakers (not from the model's
    explanation): "The sources contradict each other: the Authority says ...; a former
    inspector says ...". ``None`` when the model found none between two named sources with a
    confidence of at least :data:`BOTTOM_LINE_MIN_CONFIDENCE`."""
    def sources(g: Comparison) -> set[str]:
        return {m.speaker for m in g.members if m.speaker_type != "outlet"}

    # two named sides at least: outlets' own sentences set against each other are left to the
    # comparisons section (the small model calls different points "contradict" too often)
    judged = [g for g in comparisons if g.found_by == "model" and g.relation == "contradict"
              and len(sources(g)) >= 2
              and (g.confidence is None or g.confidence >= BOTTOM_LINE_MIN_CONFIDENCE)]
    if not judged:
        return None
    g = max(judged, key=lambda g: (len(sources(g)), len({m.article for m in g.members})))
    sides: dict[str, ComparisonMember] = {}
    for m in g.members:
        if m.speaker_type != "outlet":
            sides.setdefault(m.speaker, m)
    return BottomLineSentence(text=f"The sources contradict each other: {said(sides.values())}.", basis=[g.id],
                              citations=_dedupe_citations(c for m in g.members for c in m.citations))


def brief(
    articles: Iterable[Document | str | Path],
    *,
    topic: str | None = None,
    summarizer: Summarizer | None = None,
    settings: Settings | None = None,
    cache: ResponseCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    failed_inputs: Sequence[FailedArticle] = (),
    **options: Any,
) -> Briefing:
    """Build a briefing note from several articles on one topic.

    Args:
        articles: :class:`~summarizer.document.Document` objects, article texts (optionally
            with front matter) or paths to single files (use :func:`load_articles` for
            folders and JSONL).
        topic: what the note is about (its title, and context for the bottom line).
        summarizer: the analyser to use (its backend also answers the compare and
            bottom-line prompts); default: one built from ``settings``.
        settings: used when ``summarizer`` is ``None``.
        cache: response cache for per-article analyses.
        progress: called as ``progress(article_id, done, total)`` after each article.
        failed_inputs: inputs that could not be read (from :func:`load_articles`); they are
            listed in the note's methods.
        **options: other :class:`Briefer` options (``max_comparisons``, ...).

    Usage::

        from summarizer.briefing import brief, load_articles
        docs, failed = load_articles(["examples/briefing"])
        note = brief(docs, topic="Tessel bridge collapse")
        note.comparisons[0].relation
        # 'contradict'
    """
    briefer = Briefer(summarizer=summarizer, settings=settings, cache=cache, **options)
    return briefer.brief(articles, topic=topic, progress=progress, failed_inputs=failed_inputs)
