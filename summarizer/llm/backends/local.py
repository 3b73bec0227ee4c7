"""Embedded backend: a GGUF model run in-process on the CPU with llama-cpp-python.

Decoding is constrained by a grammar built from the same JSON Schema the OpenAI backend
uses (``response_format={"type": "json_object", "schema": ...}``), so the output always
parses; pydantic validation and grounding still run in the pipeline. One ``Llama`` instance
per model file is shared process-wide and guarded by a lock; since the prompt puts the fixed
instructions first and the article last, llama.cpp reuses the instructions' KV cache.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from pathlib import Path
from typing import Any

from ...core.errors import ConfigurationError, ProviderError, TruncatedOutputError
from ...core.models import Usage
from ...core.settings import Settings
from ..modelstore import DEFAULT_MODEL, ModelStore
from .base import (
    ChoiceRequest,
    ChoiceScores,
    Completion,
    CompletionRequest,
    normalize_scores,
    parse_json_object,
)

__all__ = ["LocalBackend"]

_LLAMAS: dict[tuple[str, int, int], Any] = {}
_LLAMAS_LOCK = threading.Lock()


def _load_llama(path: Path, n_ctx: int, n_threads: int) -> Any:
    key = (str(path), n_ctx, n_threads)
    with _LLAMAS_LOCK:
        if key not in _LLAMAS:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ConfigurationError(
                    "the embedded backend needs llama-cpp-python",
                    hint="install the 'local' extra (see the README's set-up command)",
                ) from exc
            _LLAMAS[key] = Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512,
                verbose=False, seed=0,
            )
        return _LLAMAS[key]


@atexit.register
def _close_llamas() -> None:
    """Free the shared models while llama_cpp's module is still intact: left to ``Llama.__del__``
    at interpreter shutdown, freeing runs after llama_cpp's globals are gone and prints a
    ``TypeError: 'NoneType' object is not callable`` traceback on every exit."""
    with _LLAMAS_LOCK:
        while _LLAMAS:
            _, llama = _LLAMAS.popitem()
            close = getattr(llama, "close", None)
            if close is not None:
                close()


def grammar_schema(schema: Any) -> Any:
    """The schema decoding is constrained to: titles, descriptions and defaults dropped, and
    only *required* properties kept, so the model never spends tokens on optional fields
    (each generated token costs ~0.1 s on two cores)."""
    if isinstance(schema, list):
        return [grammar_schema(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: grammar_schema(v) for k, v in schema.items()
           if k not in ("title", "description", "default")}
    if isinstance(out.get("properties"), dict):
        required = set(out.get("required", []))
        out["properties"] = {k: v for k, v in out["properties"].items() if k in required}
    return out


class LocalBackend:
    """In-process llama.cpp.

    Args:
        model_path: a GGUF file.
        model: the name recorded in results (catalogue name or file name).
        n_ctx: context window in tokens.
        n_threads: CPU threads (default: all cores).
    """

    name = "local"

    def __init__(
        self, model_path: Path, *, model: str | None = None, n_ctx: int = 8192, n_threads: int | None = None
    ) -> None:
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise ConfigurationError(f"model file not found: {self.model_path}")
        self.model = model or self.model_path.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 2
        self._lock = threading.Lock()
        self._schemas: dict[type, dict[str, Any]] = {}
        self._choice_tokens: dict[tuple[str, ...], dict[int, str]] = {}
        self._formatter: Any = None
        self.mode = "grammar"

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBackend:
        if settings.model_path is not None:
            return cls(settings.model_path, n_ctx=settings.n_ctx, n_threads=settings.n_threads)
        name = settings.model or DEFAULT_MODEL
        store = ModelStore(settings.models_dir)
        entry = store.entry(name)
        if not store.is_pulled(name):
            raise ConfigurationError(
                f"the embedded model {name} is not pulled",
                hint=f"run `summarizer models pull {name}`",
            )
        return cls(store.path(name), model=name, n_ctx=min(settings.n_ctx, entry.n_ctx),
                   n_threads=settings.n_threads)

    @property
    def llama(self) -> Any:
        return _load_llama(self.model_path, self.n_ctx, self.n_threads)

    def complete(self, request: CompletionRequest) -> Completion:
        schema = self._schemas.get(request.response_model)
        if schema is None:
            schema = grammar_schema(request.response_model.model_json_schema())
            self._schemas[request.response_model] = schema
        llama = self.llama
        started = time.perf_counter()
        with self._lock:
            try:
                response = llama.create_chat_completion(
                    messages=request.messages,
                    response_format={"type": "json_object", "schema": schema},
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    seed=request.seed if request.seed is not None else 0,
                )
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise ProviderError(f"llama.cpp refused the request: {exc}", backend=self.name,
                                    cause="bad_request") from exc
        choice = response["choices"][0]
        text = choice["message"].get("content") or ""
        u = response.get("usage") or {}
        usage = Usage(prompt_tokens=u.get("prompt_tokens", 0), completion_tokens=u.get("completion_tokens", 0))
        if choice.get("finish_reason") == "length":
            raise TruncatedOutputError(
                f"the model stopped at max_tokens={request.max_tokens} before finishing its answer",
                backend=self.name, max_tokens=request.max_tokens, partial=text, usage=usage,
            )
        data, error = parse_json_object(text)
        _ = time.perf_counter() - started
        return Completion(text=text, data=data, parse_error=error, usage=usage,
                          finish_reason=choice.get("finish_reason"), model=self.model, mode=self.mode)

    # -- label scoring ---------------------------------------------------------------------

    def _chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """The model's own chat template applied to ``messages``, ending with the assistant's turn."""
        llama = self.llama
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                raise ConfigurationError(f"{self.model_path.name} has no chat template: cannot score labels")
            eos, bos = llama.token_eos(), llama.token_bos()
            self._formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
            )
        return str(self._formatter(messages=messages).prompt)

    def _first_tokens(self, choices: tuple[str, ...]) -> dict[int, str]:
        """First token id of each choice (as written, and capitalised unless that starts with a
        one- or two-character piece) → the choice.

        Raises:
            ConfigurationError: two choices start with the same token (rename one).
        """
        if choices in self._choice_tokens:
            return self._choice_tokens[choices]
        out: dict[int, str] = {}
        for choice in choices:
            for k, variant in enumerate(dict.fromkeys([choice, choice.capitalize()])):
                tokens = self.llama.tokenize(variant.encode("utf-8"), add_bos=False, special=False)
                if not tokens:
                    continue
                piece = self.llama.detokenize(tokens[:1]).decode("utf-8", "ignore")
                if k and len(tokens) > 1 and len(piece) < 3:
                    continue  # "Favor" starts with "F": too common a start to stand for the choice
                owner = out.setdefault(tokens[0], choice)
                if owner != choice:
                    raise ConfigurationError(
                        f"choices {owner!r} and {choice!r} start with the same token",
                        hint="give every choice a distinct first word",
                    )
        self._choice_tokens[choices] = out
        return out

    def score_choices(self, request: ChoiceRequest) -> ChoiceScores:
        """Next-token probabilities of the choices' first tokens after the chat prompt.

        One forward pass over the part of the prompt not already in the KV cache (the longest
        token prefix shared with the previous call is kept), no sampling, no grammar. The
        probabilities are renormalised over the choices; ``coverage`` is their raw total.
        """
        import numpy as np

        llama = self.llama
        first = self._first_tokens(request.choices)
        prompt = self._chat_prompt(request.messages)
        with self._lock:
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            if len(tokens) >= self.n_ctx:
                raise ProviderError(f"the prompt has {len(tokens)} tokens; the context holds {self.n_ctx}",
                                    backend=self.name, cause="bad_request")
            keep = min(llama.longest_token_prefix(llama._input_ids.tolist(), tokens), len(tokens) - 1)
            llama.n_tokens = keep
            try:
                llama.eval(tokens[keep:])
            except Exception as exc:  # noqa: BLE001 - llama.cpp decode failures carry no type
                llama.reset()
                raise ProviderError(f"llama.cpp failed to evaluate the prompt: {exc}", backend=self.name,
                                    cause="other") from exc
            logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).astype(np.float64)
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        mass: dict[str, float] = {}
        for token, choice in first.items():
            mass[choice] = mass.get(choice, 0.0) + float(probs[token])
        coverage = round(sum(mass.values()), 6)
        return ChoiceScores(probs=normalize_scores(mass, request.choices),
                            usage=Usage(prompt_tokens=len(tokens), completion_tokens=0),
                            model=self.model, method="logprobs", coverage=coverage)
