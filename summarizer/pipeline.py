"""The analysis of one article, parser first.

    text → Document → parse (spaCy, once) → claims (who said what, exact spans)
         → summary (model task through the one ask loop, verified by content; or extractive)
         → stance labels (scored by the model on candidates from the parse)
         → ArticleAnalysis

The model writes only the summary and labels stances; who-said-what comes from the parse
(:mod:`summarizer.analysis.claims`), so nothing the model says can credit a claim to the
wrong source. With ``Settings(no_model=True)`` no model is called at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from .analysis.chunking import analyze_long
from .analysis.claims import claims_from_attributions, claims_from_rules, outlet_assertions
from .analysis.grounding import GROUNDING_VERSION
from .analysis.stances import label_stances, label_template, select_candidates, stance_candidates
from .analysis.summary import SummaryTask, extractive_summary
from .analysis.voice import PointReader, credit_name
from .core.document import Document
from .core.errors import (
    BadInputError,
    ConfigurationError,
    OutputValidationError,
    SummarizerError,
    redact,
)
from .core.inputs import check_text, read_document
from .core.language import detect_language, language_name
from .core.models import (
    ArticleAnalysis,
    Claim,
    Evidence,
    PromptRef,
    RejectedItem,
    RunMeta,
    SourceInfo,
    Stance,
    Summary,
    Usage,
)
from .core.pricing import cost_usd
from .core.progress import PARSE, STANCES, ProgressObserver
from .core.settings import Settings
from .llm.ask import AttemptRecord, CallObserver, ask
from .llm.backends import resolve_backend
from .llm.backends.base import Backend, ChoiceScorer
from .llm.prompts import PromptTemplate, load_prompt
from .nlp.attribution import extract_attributions
from .nlp.models import entry_for_language
from .nlp.parse import has_parser, parse_text
from .nlp.resolve import resolve
from .store.cache import ResponseCache, cache_key

__all__ = ["Summarizer", "format_validation_error"]

ENGINE = "parser-12"
"""The analysis engine, recorded in every cache key (with :data:`GROUNDING_VERSION`). Bump it
when the parser's attribution or the stance candidates change: the cache key does not see code,
and a stale key replays the old claims. parser-2: attribution recall (nested statements,
quotations, pronouns), stances from judged targets with stance_label@3. parser-3: attribution
recall (requests, passives, object cues, 'In a statement', cue nouns, one claim per speaker's
statement); key points read with the parse (fragments rejected, a source's words credited);
stance_label@4. parser-4: a key point cut at the length cap becomes the sentence it copied,
and only the speakers of the cited sentences that state it are credited. parser-5: a holder
whose sentences weigh one side against another leans to "mixed". parser-9: "X put the toll at
12" is X's claim; a verbless key point becomes the short cited sentence that states it.
parser-10: a holder who declines to take a side ("declined to comment", "open to both") is
neutral. parser-11: "expresses support ... with the army in carrying out the operation" judges
the operation. parser-12: "agreement", "rights", "goods", "objective", "background" and
"concerning" are not judging words (a holder that relays "the agreement" is not ranked as one
that takes a position)."""
NO_PROMPT = PromptRef(name="none", version="0", sha256="")


@dataclass(frozen=True)
class _Attributed:
    """A claim as :func:`summarizer.analysis.stances.stance_candidates` reads an attribution."""

    speaker: str
    speaker_type: str
    content: list[Any]


class _UsageMeter:
    """Passes label-scoring calls through to a backend, adds up their tokens and reports each
    call to ``on_call`` (so the call log and a batch's accounting count them too)."""

    def __init__(self, backend: Any, on_call: CallObserver | None = None, doc_id: str | None = None,
                 prompt: PromptRef = NO_PROMPT) -> None:
        self.backend = backend
        self.name, self.model = backend.name, backend.model
        self.usage = Usage()
        self.on_call, self.doc_id, self.prompt, self.calls = on_call, doc_id, prompt, 0

    def score_choices(self, request: Any) -> Any:
        self.calls += 1
        started = time.perf_counter()
        try:
            scores = self.backend.score_choices(request)
        except SummarizerError as exc:
            self._report(Usage(), started, "provider_error", f"{type(exc).__name__}: {str(exc)[:300]}")
            raise
        self.usage = self.usage + scores.usage
        self._report(scores.usage, started, "ok", None)
        return scores

    def _report(self, usage: Usage, started: float, outcome: str, error: str | None) -> None:
        if self.on_call is not None:
            self.on_call(AttemptRecord(  # the backend's name after the call: a replay names the route taken
                backend=self.backend.name, model=self.model, prompt=self.prompt, attempt=self.calls, usage=usage,
                latency_s=round(time.perf_counter() - started, 4), outcome=outcome, error=error,
                doc_id=self.doc_id))


def _without_secrets(secrets: list[str], claims: list[Claim], stances: list[Stance]
                     ) -> tuple[list[Claim], list[Stance], int]:
    """Claims and stances whose text or evidence holds a configured secret are left out (an
    article may contain the user's own key: the analysis must not quote it into files)."""
    secrets = [x for x in secrets if x]
    if not secrets:
        return claims, stances, 0

    def leaks(item: Claim | Stance) -> bool:
        return any(x in item.model_dump_json() for x in secrets)

    kept_c = [c for c in claims if not leaks(c)]
    kept_s = [st for st in stances if not leaks(st)]
    return kept_c, kept_s, len(claims) - len(kept_c) + len(stances) - len(kept_s)


def format_validation_error(exc: ValidationError) -> str:
    """Pydantic errors as short instructions (``c.0.t: Input should be 'outlet', ...``)."""
    parts = []
    for err in exc.errors()[:12]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


class Summarizer:
    """A configured analyser. Reuse one instance for many articles (it keeps the backend and
    the parser loaded).

    Args:
        backend: a :class:`~summarizer.llm.backends.base.Backend`, or ``None`` to pick one from
            ``settings`` (see :func:`summarizer.llm.backends.resolve_backend`); not needed with
            ``settings.no_model``.
        settings: all knobs (plain defaults here; the CLI reads the environment).
        prompt / prompt_version: the summary prompt under ``prompts/``.
        strict: if ``False``, an unverifiable summary falls back to an extractive one (the
            rejected parts are kept in ``rejected``) instead of raising.
        language: language of the summary; ``None`` means the article's own language.
        cache: optional response cache; a hit makes no model call.
        on_call: optional observer called after every model call (the call log).
        on_progress: optional observer of the stages (for a progress display).
    """

    def __init__(
        self,
        *,
        backend: Backend | None = None,
        settings: Settings | None = None,
        prompt: str = "summary",
        prompt_version: str | None = None,
        strict: bool = True,
        language: str | None = None,
        cache: ResponseCache | None = None,
        on_call: CallObserver | None = None,
        on_progress: ProgressObserver | None = None,
    ) -> None:
        self.settings = settings or Settings()
        if backend is None and not self.settings.no_model:
            backend = resolve_backend(self.settings)
        self._backend = backend
        self.template: PromptTemplate = load_prompt(prompt, prompt_version)
        self.strict = strict
        self.language = language
        self.cache = cache
        self.on_call = on_call
        self.on_progress = on_progress

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            raise ConfigurationError("this Summarizer runs without a model (no_model=True)")
        return self._backend

    @property
    def backend_name(self) -> str:
        return self._backend.name if self._backend is not None else "none"

    @property
    def model_name(self) -> str:
        return self._backend.model if self._backend is not None else "none"

    # -- public -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the backend's resources (HTTP connections); safe to call twice."""
        close = getattr(self._backend, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def summarize(
        self,
        article: str | Document,
        *,
        strict: bool | None = None,
        id: str | None = None,
    ) -> ArticleAnalysis:
        """Analyse one article. See :func:`summarizer.summarize`."""
        # Language detection costs milliseconds and the cache key does not depend on it:
        # detect only on a cache miss (a hit must stay well under 5 ms).
        self._progress(PARSE)
        doc = self.prepare(article, id=id, detect=False)
        key = self.cache_key(doc)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            hit.meta.cached = True
            hit.source.id = doc.id  # same text and options, perhaps under another id
            return hit
        if doc.language is None:
            doc.language = detect_language(doc.text)
        strict = self.strict if strict is None else strict
        if len(doc.text) > self.settings.chunk_chars and not self.settings.no_model:
            result = analyze_long(self, doc, strict=strict)
        else:
            result = self.analyze_document(doc, strict=strict)
        if self.cache is not None:
            self.cache.put(key, result)
        return result

    def prepare(
        self, article: str | Document, *, id: str | None = None, detect: bool = True
    ) -> Document:
        """Validate input and return a :class:`Document` (raises :class:`BadInputError`).

        ``detect=False`` leaves ``doc.language`` unset when it is not known yet.
        """
        if isinstance(article, Document):
            doc = article
            doc.text = check_text(doc.text, max_chars=self.settings.max_chars, source=doc.id)
        elif isinstance(article, str):
            doc = read_document(article, max_chars=self.settings.max_chars, id=id)
        else:
            raise BadInputError(
                "type", f"expected a str or Document, got {type(article).__name__}", source=id
            )
        if id is not None:
            doc.id = id
        if not doc.sentences:
            raise BadInputError("no_text", "the article has no sentences", source=doc.id)
        if detect and doc.language is None:
            doc.language = detect_language(doc.text)
        return doc

    def cache_key(self, doc: Document) -> str:
        """backend + model + prompt hash + input hash (+ options that matter, the engine and
        :data:`~summarizer.analysis.grounding.GROUNDING_VERSION`)."""
        return cache_key(
            backend=self.backend_name,
            model=self.model_name,
            prompt_sha256="" if self.settings.no_model else self.template.sha256,
            text_sha256=doc.sha256,
            options={"language": self.language, "outlet": doc.outlet, "title": doc.title,
                     "parser": self.settings.parser, "no_model": self.settings.no_model,
                     "engine": ENGINE, "grounding": GROUNDING_VERSION,
                     # the stance step's knobs change the result too
                     "stances": [self.settings.max_stance_candidates, self.settings.stance_margin]},
        )

    # -- the stages -------------------------------------------------------------------------

    def _progress(self, stage: str, detail: str | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, detail)

    def claims(self, doc: Document) -> tuple[list[Claim], Any]:
        """Who said what in ``doc``: parsed attributions (or the regex rules where the language
        has no parser model) plus the outlet's own assertions. Returns the claims and the
        spaCy parse (``None`` when the rules were used)."""
        entry = entry_for_language(doc.language)
        parsers = self.settings.parser_models_dir
        use_parser = self.settings.parser == "auto" and entry is not None
        if use_parser and entry is not None and entry.optional and not has_parser(doc.language, parsers):
            use_parser = False  # an optional parser (licence) that the user has not pulled
        if not use_parser:
            claims = claims_from_rules(doc)
            return sorted([*claims, *outlet_assertions(doc, claims, origin="rules")],
                          key=lambda c: c.evidence[0].start), None
        parsed = parse_text(doc.text, doc.language, parsers)
        found = resolve(parsed, extract_attributions(parsed, language=doc.language or "en"))
        claims = claims_from_attributions(doc, found)
        return sorted([*claims, *outlet_assertions(doc, claims)],
                      key=lambda c: c.evidence[0].start), parsed

    def document_claims(self, doc: Document) -> list[Claim]:
        """The claims of :meth:`claims` as a result shows them: none that quotes a configured
        secret (the chunked analysis of a long article takes its claims from here)."""
        claims, _, _ = _without_secrets(self.settings.secrets(), self.claims(doc)[0], [])
        return claims

    def _point_reader(self, doc: Document, claims: list[Claim], parsed: Any) -> PointReader | None:
        """The key-point reader for ``doc`` (statement check, attribution restored), when the
        article was parsed; the speakers per sentence come from ``claims``."""
        if parsed is None:
            return None
        sources: dict[int, list[str]] = {}
        for c in claims:
            if c.speaker_type == "outlet":
                continue
            name = credit_name(c.speaker, c.mention.text if c.mention else None, c.speaker_type,
                               doc.language or "en", common_first=_common_first(parsed, c.mention))
            for e in c.evidence:
                if e.sentence is not None and name not in sources.setdefault(e.sentence, []):
                    sources[e.sentence].append(name)
        parsers, language = self.settings.parser_models_dir, doc.language
        return PointReader(lambda text: parse_text(text, language, parsers), sources, language or "en")

    def analyze_document(self, doc: Document, *, strict: bool) -> ArticleAnalysis:
        """Analyse one (already prepared) document: parse, claims, summary, stances."""
        started = time.perf_counter()
        claims, parsed = self.claims(doc)
        rejected: list[RejectedItem] = []
        usage = Usage()
        attempts = reasks = 0
        mode: str | None = None
        model = self.model_name
        stances: list[Stance] = []
        warnings: list[str] = []
        if self.settings.no_model:
            summary = extractive_summary(doc)
            prompt = NO_PROMPT
        else:
            language = self.language or language_name(doc.language) or "the article's language"
            task = SummaryTask(self.template, doc, language=language,
                               reader=self._point_reader(doc, claims, parsed))
            prompt = task.prompt
            budget = 1 + self.settings.max_reasks
            outcome = ask(
                self.backend, task, budget=budget, max_tokens=self.settings.max_tokens,
                max_tokens_cap=self.settings.max_tokens_cap, on_call=self.on_call, doc_id=doc.id,
                on_progress=self.on_progress, label="summary",
            )
            usage, attempts, reasks = outcome.usage, outcome.attempts, outcome.reasks
            mode, model = outcome.mode, outcome.model or self.backend.model
            rejected += task.state.rejected
            if outcome.ok and outcome.verdict.value is not None:
                summary = outcome.verdict.value
            elif not strict:
                summary = self._fallback_summary(doc, outcome.verdict.value)
            else:
                raise OutputValidationError(
                    f"the model's summary could not be verified after {attempts} attempts: "
                    + ("; ".join(outcome.verdict.problems)[:300] or "no valid answer"),
                    attempts=attempts, reasons=list(outcome.verdict.problems),
                    last_output=outcome.last_text,
                )
            stances, stance_usage, warnings = self.stances(doc, claims, parsed,
                                                           prefix=task.rendered.messages[:1])
            usage = usage + stance_usage
        claims, stances, hidden = _without_secrets(self.settings.secrets(), claims, stances)
        if hidden:
            warnings.append(f"{hidden} item(s) left out: they quote a configured secret (API key)")
        return ArticleAnalysis(
            source=SourceInfo(
                id=doc.id, title=doc.title, outlet=doc.outlet, date=doc.date, url=doc.url,
                chars=len(doc.text), sentences=len(doc.sentences), sha256=doc.sha256,
                language=doc.language, extracted_from=doc.extracted_from,
            ),
            summary=summary,
            claims=claims,
            stances=stances,
            rejected=rejected,
            meta=RunMeta(
                model=model, backend=self.backend_name, mode=mode, prompt=prompt, usage=usage,
                attempts=attempts, reasks=reasks,
                latency_s=round(time.perf_counter() - started, 4),
                cost_usd=cost_usd(self.backend_name, model, usage) if self._backend else 0.0,
                warnings=warnings, created_at=datetime.now(UTC),
            ),
        )

    def stances(self, doc: Document, claims: list[Claim], parsed: Any, *,
                prefix: list[dict[str, str]] | None = None,
                ) -> tuple[list[Stance], Usage, list[str]]:
        """Stance labels for holder × target candidates from the parse (see
        :mod:`summarizer.analysis.stances`): holders are the claims' speakers and the outlet, targets
        what their claims are about; the backend scores the labels. Returns the stances, the
        tokens spent and warnings (stances are left out, with a warning, when the backend
        cannot score labels or a labelling call fails: the rest of the analysis stands)."""
        if parsed is None:
            return [], Usage(), ["no stances: the article's language has no parser model"]
        if not isinstance(self.backend, ChoiceScorer):
            return [], Usage(), [f"no stances: the {self.backend.name} backend cannot score labels"]
        self._progress(STANCES)
        attributed = [_Attributed(c.speaker, c.speaker_type, c.evidence)
                      for c in claims if c.speaker_type != "outlet"]
        candidates = select_candidates(stance_candidates(attributed, parsed, doc, outlet=doc.outlet, max_candidates=60),
                                       max_candidates=self.settings.max_stance_candidates)
        meter = _UsageMeter(self.backend, self.on_call, doc.id, label_template(prefix).ref)
        try:
            stances = label_stances(meter, doc, candidates, margin=self.settings.stance_margin,
                                    prefix=prefix)
        except SummarizerError as exc:
            reason = redact(f"{type(exc).__name__}: {str(exc)[:200]}", self.settings.secrets())
            return [], meter.usage, [f"no stances: labelling failed ({reason})"]
        return stances, meter.usage, []

    @staticmethod
    def _fallback_summary(doc: Document, partial: Summary | None) -> Summary:
        """The extractive summary, keeping whatever part of the model's summary verified."""
        extractive = extractive_summary(doc)
        if partial is None:
            return extractive
        return Summary(headline=partial.headline, abstract=partial.abstract,
                       key_points=partial.key_points or extractive.key_points,
                       extractive=not partial.key_points)


def _common_first(parsed: Any, mention: Evidence | None) -> bool:
    """Is the first word of ``mention`` a common word (not a proper noun, not part of an
    entity: "Engineers", not "Chinese" or "Putin") in the article's parse?"""
    if mention is None:
        return False
    span = parsed.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span[0]
    return token.pos_ not in ("PROPN", "PRON") and not token.ent_type_
