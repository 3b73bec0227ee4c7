"""The analysis pipeline: render → call backend → validate → ground → re-ask → result.

This is the single output-retry layer. A model answer is accepted only when it parses, fits
the wire schema and every item is verified against the source (:mod:`summarizer.grounding`);
otherwise the problems go back to the model as instructions, up to ``max_reasks`` times.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from pydantic import ValidationError

from .attribution import hints as attribution_hints
from .backends.base import Backend, Completion, CompletionRequest
from .document import Document
from .errors import (
    BadInputError,
    OutputValidationError,
    ProviderError,
    SummarizerError,
    TruncatedOutputError,
)
from .grounding import GROUNDING_VERSION, GroundedItems, Problem, ground, reask_message
from .inputs import check_text
from .language import detect_language, language_name
from .models import ArticleAnalysis, PromptRef, RunMeta, SourceInfo, Summary, Usage
from .pricing import cost_usd
from .progress import MODEL, PARSE, REASK, VERIFY, ProgressObserver
from .prompts import PromptTemplate, load_prompt
from .settings import Settings
from .wire import WireArticle, WireRepair, repair_model

__all__ = ["AttemptRecord", "CallObserver", "Summarizer", "format_validation_error"]


@dataclass
class AttemptRecord:
    """One model call, as reported to a :class:`CallObserver` (for the call log)."""

    backend: str
    model: str
    prompt: PromptRef
    attempt: int
    usage: Usage
    latency_s: float
    outcome: str  # ok | reask | truncated | provider_error
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    doc_id: str | None = None


class CallObserver(Protocol):
    def __call__(self, record: AttemptRecord) -> None: ...


class ResponseCache(Protocol):
    """What the pipeline needs from a response cache (see :mod:`summarizer.store`)."""

    def get(self, key: str) -> ArticleAnalysis | None: ...

    def put(self, key: str, analysis: ArticleAnalysis) -> None: ...


def format_validation_error(exc: ValidationError) -> str:
    """Pydantic errors as short instructions (``c.0.t: Input should be 'outlet', ...``)."""
    parts = []
    for err in exc.errors()[:12]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


class Summarizer:
    """A configured analyser. Reuse one instance for many articles (it keeps the backend warm).

    Args:
        backend: a :class:`~summarizer.backends.base.Backend`, or ``None`` to pick one from
            ``settings`` (see :func:`summarizer.backends.resolve_backend`).
        settings: all knobs; defaults to :meth:`Settings.from_env` at the CLI only — here,
            plain defaults.
        prompt / prompt_version: which template under ``prompts/`` to use.
        strict: if ``False``, unverifiable items end in ``rejected`` instead of raising.
        language: language of the summary; ``None`` means the article's own language.
        cache: optional response cache; a hit makes no model call.
        on_call: optional observer called after every model call (the call log).
        on_progress: optional observer called with ``(stage, detail)`` when a stage starts
            (stage names in :mod:`summarizer.progress`); the CLI shows it on a terminal.

    Example:
        >>> from summarizer import Summarizer
        >>> from summarizer.backends.fake import FakeBackend
        >>> s = Summarizer(backend=FakeBackend(default=...))  # doctest: +SKIP
        >>> s.summarize("Officials said the bridge reopened.").summary.headline  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        backend: Backend | None = None,
        settings: Settings | None = None,
        prompt: str = "analyze",
        prompt_version: str | None = None,
        strict: bool = True,
        language: str | None = None,
        cache: ResponseCache | None = None,
        on_call: CallObserver | None = None,
        on_progress: ProgressObserver | None = None,
    ) -> None:
        self.settings = settings or Settings()
        if backend is None:
            from .backends import resolve_backend

            backend = resolve_backend(self.settings)
        self.backend = backend
        self.template: PromptTemplate = load_prompt(prompt, prompt_version)
        self.strict = strict
        self.language = language
        self.cache = cache
        self.on_call = on_call
        self.on_progress = on_progress

    # -- public -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the backend's resources (HTTP connections); safe to call twice."""
        close = getattr(self.backend, "close", None)
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
        if len(doc.text) > self.settings.chunk_chars:
            from .chunking import analyze_long

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
            from .inputs import read_document

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
        """backend + model + prompt hash + schema hash + input hash (+ options that matter, and
        :data:`~summarizer.grounding.GROUNDING_VERSION`)."""
        from .store import cache_key

        return cache_key(
            backend=self.backend.name,
            model=self.backend.model,
            prompt_sha256=self.template.sha256,
            text_sha256=doc.sha256,
            options={"language": self.language, "outlet": doc.outlet, "title": doc.title,
                     "rule_claims": self.settings.rule_claims, "grounding": GROUNDING_VERSION},
        )

    # -- the loop ---------------------------------------------------------------------------

    def analyze_document(self, doc: Document, *, strict: bool) -> ArticleAnalysis:
        """Run the validate–ground–re-ask loop on one (already prepared) document."""
        started = time.perf_counter()
        language = self.language or language_name(doc.language) or "the article's language"
        rendered = self.template.render(
            article=doc.numbered(attribution_hints(doc)), title=doc.title, outlet=doc.outlet, language=language
        )
        messages = list(rendered.messages)
        usage = Usage()
        attempts = reasks = 0
        max_tokens = self.settings.max_tokens
        last_text = ""
        last_reasons: list[str] = []
        # The first answer that parsed (its headline and abstract are kept) and the verified
        # items so far; once there is one, re-asks ask only for replacements of rejected items.
        base: WireArticle | None = None
        state: GroundedItems | None = None
        mode: str | None = None
        budget = 1 + self.settings.max_reasks
        truncations = 0

        while attempts - truncations < budget:
            attempts += 1
            call_started = time.perf_counter()
            repair = base is not None
            response_model: type[WireArticle | WireRepair] = WireArticle
            if repair:
                assert state is not None
                response_model = repair_model(*_open_counts(state),
                                              need_key_point=not state.key_points)
            request = CompletionRequest(
                messages=messages, response_model=response_model, max_tokens=max_tokens,
            )
            if reasks:
                self._progress(REASK, f"{reasks}/{self.settings.max_reasks}")
            else:
                self._progress(MODEL, "summary" if attempts == 1 else f"retry: max_tokens {max_tokens}")
            try:
                completion = self.backend.complete(request)
            except TruncatedOutputError as exc:
                if exc.usage is not None:
                    usage = usage + exc.usage
                self._observe(doc, attempts, exc.usage or Usage(), call_started, "truncated", exc)
                if max_tokens < self.settings.max_tokens_cap and truncations < 2:
                    truncations += 1
                    max_tokens = min(max_tokens * 2, self.settings.max_tokens_cap)
                    continue
                raise
            except ProviderError as exc:
                self._observe(doc, attempts, Usage(), call_started, "provider_error", exc)
                raise
            usage = usage + completion.usage
            mode = completion.mode or mode
            last_text = completion.text
            self._progress(VERIFY)
            wire, grounded, parse_error = self._check(
                completion, doc, repair=_open_counts(state) if repair and state is not None else None)
            if grounded is not None:
                if isinstance(wire, WireArticle):
                    if state is not None:  # a whole new answer supersedes the open problems
                        grounded.superseded = [*state.superseded, *state.problems]
                    base, state = wire, grounded
                else:
                    assert state is not None
                    state = state.merged_with(grounded)
                if not state.key_points and not any(p.kind == "key_point" for p in state.problems):
                    state.problems.append(Problem(
                        "key_point", 0, "the answer has no verified key point; give 3-5 key "
                        "points, each citing the sentences that state it", {}))
            problems = state.problems if state is not None else []
            if parse_error is None and state is not None and not state.problems:
                assert base is not None
                self._observe(doc, attempts, completion.usage, call_started, "ok", None)
                return self._result(doc, base, state, rendered.ref, usage, attempts, reasks,
                                    started, mode, completion.model)
            last_reasons = ([parse_error] if parse_error else []) + [p.instruction() for p in problems]
            self._observe(doc, attempts, completion.usage, call_started, "reask",
                          None, "; ".join(last_reasons)[:500])
            if attempts - truncations >= budget:
                break
            reasks += 1
            # Neither the rejected answer nor the accepted items are echoed back: small local
            # models tend to copy them verbatim. The problems quote what was wrong; the prompt
            # prefix (instructions + article) stays identical, so llama.cpp reuses its KV cache.
            messages = list(rendered.messages) + [
                {"role": "user", "content": reask_message(problems, parse_error=parse_error,
                                                          repair=base is not None)},
            ]

        if not strict and base is not None and state is not None and state.key_points:
            return self._result(doc, base, state, rendered.ref, usage, attempts, reasks,
                                started, mode, self.backend.model)
        raise OutputValidationError(
            f"the model's answer could not be verified after {attempts} attempts: "
            + ("; ".join(last_reasons)[:300] or "no valid answer"),
            attempts=attempts,
            reasons=last_reasons,
            last_output=last_text,
        )

    def _check(
        self, completion: Completion, doc: Document, *, repair: tuple[int, int, int] | None = None
    ) -> tuple[WireArticle | WireRepair | None, GroundedItems | None, str | None]:
        """Parse and ground one answer (grounding runs once per answer: it is the costly part)."""
        if completion.data is None:
            return None, None, completion.parse_error or "the answer is not a JSON object"
        if repair and isinstance(completion.data, dict) and {"h", "a"} <= completion.data.keys():
            repair = None  # a whole new answer instead of replacements: take it as one
        try:
            wire = (WireRepair if repair else WireArticle).model_validate(completion.data)
            if isinstance(wire, WireRepair) and repair:
                # Backends without grammar decoding may add items nobody asked for (usually
                # repeats of accepted ones): only as many replacements as there were rejections.
                cap_k, cap_c, cap_s = repair
                wire = WireRepair(k=wire.k[:cap_k], c=wire.c[:cap_c], s=wire.s[:cap_s])
        except ValidationError as exc:
            return None, None, "it does not match the schema: " + format_validation_error(exc)
        rule_claims = self.settings.rule_claims and isinstance(wire, WireArticle)
        return wire, ground(wire, doc, rule_claims=rule_claims), None

    def _result(
        self,
        doc: Document,
        wire: WireArticle,
        grounded: GroundedItems,
        ref: PromptRef,
        usage: Usage,
        attempts: int,
        reasks: int,
        started: float,
        mode: str | None,
        model: str,
    ) -> ArticleAnalysis:
        return ArticleAnalysis(
            source=SourceInfo(
                id=doc.id, title=doc.title, outlet=doc.outlet, date=doc.date, url=doc.url,
                chars=len(doc.text), sentences=len(doc.sentences), sha256=doc.sha256,
                language=doc.language, extracted_from=doc.extracted_from,
            ),
            summary=Summary(headline=wire.h, abstract=wire.a, key_points=grounded.key_points),
            claims=grounded.claims,
            stances=grounded.stances,
            rejected=grounded.rejected(),
            meta=RunMeta(
                model=model or self.backend.model,
                backend=self.backend.name,
                mode=mode,
                prompt=ref,
                usage=usage,
                attempts=attempts,
                reasks=reasks,
                latency_s=round(time.perf_counter() - started, 4),
                cost_usd=cost_usd(self.backend.name, model or self.backend.model, usage),
                created_at=datetime.now(UTC),
            ),
        )

    def _progress(self, stage: str, detail: str | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, detail)

    def _observe(
        self,
        doc: Document,
        attempt: int,
        usage: Usage,
        started: float,
        outcome: str,
        exc: BaseException | None,
        detail: str | None = None,
    ) -> None:
        if self.on_call is None:
            return
        error = None
        if exc is not None:
            error = type(exc).__name__
            if isinstance(exc, SummarizerError):
                error += f": {str(exc)[:300]}"
        elif detail:
            error = detail
        self.on_call(
            AttemptRecord(
                backend=self.backend.name,
                model=self.backend.model,
                prompt=self.template.ref,
                attempt=attempt,
                usage=usage,
                latency_s=time.perf_counter() - started,
                outcome=outcome,
                error=error,
                doc_id=doc.id,
            )
        )



def _open_counts(state: GroundedItems) -> tuple[int, int, int]:
    """How many distinct items of each kind (key points, claims, stances) are rejected."""
    items = {(p.kind, p.index) for p in state.problems}
    return tuple(sum(1 for kind, _ in items if kind == k)  # type: ignore[return-value]
                 for k in ("key_point", "claim", "stance"))
