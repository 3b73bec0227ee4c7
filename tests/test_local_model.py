"""A few tests on real embedded models (run by .ci/run after `summarizer models pull`).

They assert structure and grounding, never exact model text (AVX2 and AVX512 builds differ).
Models: qwen2.5-coder-0.5b (quality paths), smollm2-135m (plumbing only).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from summarizer import Settings, Summarizer
from summarizer.llm.backends.base import Completion, CompletionRequest
from summarizer.llm.backends.openai_compat import OpenAIBackend
from summarizer.llm.modelstore import ModelStore
from summarizer.llm.wire import WireSummary

pytestmark = pytest.mark.local_model

ARTICLE = (
    "Harbour officials reopened the Kessel Bridge on Monday after three weeks of repairs.\n\n"
    '"The bridge is safe and fully open to traffic," said Mara Lindqvist, the city\'s chief '
    "engineer.\n\n"
    "Local shop owners said the closure had cut their sales by half. An official who asked not "
    "to be named said the repair bill may exceed the budget.\n\n"
    "The opposition council group criticised the mayor for the delays."
)


def _models_dir() -> Path:
    return Path(os.environ.get("SUMMARIZER_TEST_MODELS_DIR") or Settings().models_dir)


def _model(name: str) -> Path:
    store = ModelStore(_models_dir())
    if not store.is_pulled(name):
        pytest.skip(f"{name} is not pulled (run `summarizer models pull {name}`)")
    pytest.importorskip("llama_cpp")
    return store.path(name)


def _local(name: str) -> Any:
    from summarizer.llm.backends.local import LocalBackend

    return LocalBackend(_model(name), model=name, n_ctx=4096)


def _assert_grounded(result: Any, text: str) -> None:
    assert result.check_offsets(text) == []
    assert result.summary.key_points and result.summary.headline.strip()
    for item in [*result.claims, *result.stances]:
        assert item.evidence
        for e in item.evidence:
            assert text[e.start : e.end] == e.text


def test_smollm2_grammar_output_is_schema_valid() -> None:
    backend = _local("smollm2-135m")
    completion = backend.complete(
        CompletionRequest(
            messages=[{"role": "system", "content": "Answer in JSON."},
                      {"role": "user", "content": "[1] The bridge reopened."}],
            response_model=WireSummary,
            max_tokens=2048,  # the grammar bounds the answer; SmolLM2 tends to fill every cap
        )
    )
    assert completion.data is not None, completion.parse_error
    WireSummary.model_validate(completion.data)  # the grammar guarantees the schema
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


def test_process_exits_without_a_teardown_traceback() -> None:
    """Loading a model and exiting must not print llama_cpp's shutdown ``TypeError``."""
    path = _model("smollm2-135m")
    # gc.freeze() keeps the model alive until interpreter teardown, as a long pytest session
    # or CLI run does; that is when llama_cpp's globals are already gone.
    code = (
        "import gc, sys; from pathlib import Path; from summarizer.llm.backends.local import LocalBackend; "
        "backend = LocalBackend(Path(sys.argv[1]), model='smollm2-135m', n_ctx=512); "
        "backend.llama; gc.freeze()"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


def test_qwen_05b_analysis_is_grounded() -> None:
    backend = _local("qwen2.5-coder-0.5b")
    result = Summarizer(backend=backend, settings=Settings(max_reasks=2), strict=False).summarize(ARTICLE)
    _assert_grounded(result, ARTICLE)
    assert result.meta.backend == "local" and result.meta.usage.completion_tokens > 0
    assert result.meta.attempts >= 1
    # stance labels were scored by the real model (label probabilities, kept when confident)
    assert not result.meta.warnings, result.meta.warnings
    for stance in result.stances:
        assert stance.confidence and abs(sum(stance.confidence.values()) - 1) < 0.01


class _FabricateFirst:
    """Answers the first call with fabricated evidence, then defers to the real model."""

    name = "local"

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model = inner.model
        self.requests: list[CompletionRequest] = []

    def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        if len(self.requests) == 1:
            fake = {"h": "Bridge reopens", "a": "It reopened.",
                    "k": [{"x": "The bridge reopened", "e": [40]}],
                    "c": [{"s": "Olaf Brenner", "t": "person", "a": "direct", "v": "said",
                           "x": '"We will rebuild the entire harbour by June"', "e": [2]}],
                    "s": []}
            import json

            return Completion(text=json.dumps(fake), data=fake)
        return self.inner.complete(request)


def test_reask_path_with_the_real_model() -> None:
    backend = _FabricateFirst(_local("qwen2.5-coder-0.5b"))
    result = Summarizer(backend=backend, settings=Settings(max_reasks=2), strict=False).summarize(ARTICLE)
    assert len(backend.requests) >= 2
    reask = backend.requests[1].messages[-1]["content"]
    assert "sentence 40 does not exist" in reask
    assert result.meta.reasks >= 1
    _assert_grounded(result, ARTICLE)
    # who said what comes from the parse: the fabricated claim in the answer never lands
    assert all(c.speaker != "Olaf Brenner" for c in result.claims)
    assert any(c.speaker == "Mara Lindqvist" and c.attribution == "direct" for c in result.claims)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    model = _model("qwen2.5-coder-0.5b")
    port = _free_port()
    # llama.cpp logs a lot at start-up: send it to a file (an unread pipe fills and blocks it)
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--model_alias", "qwen-0.5b"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 300  # model load is slow on a busy 2-core machine
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("llama_cpp.server did not start in 300 s: "
                           + log_path.read_text(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_llama_cpp_server_over_real_http(llama_server: str) -> None:
    backend = OpenAIBackend(model="qwen-0.5b", base_url=llama_server, api_key="none", mode="tools",
                            timeout_s=600)
    result = Summarizer(backend=backend, settings=Settings(max_reasks=2), strict=False).summarize(ARTICLE)
    _assert_grounded(result, ARTICLE)
    assert result.meta.backend == "openai" and result.meta.mode == "tools"
    assert result.meta.usage.prompt_tokens > 0


def test_label_scoring_reads_next_token_probabilities_on_a_real_model() -> None:
    """score_choices on llama.cpp: a distribution over the choices from one forward pass."""
    from summarizer.llm.backends.base import ChoiceRequest

    backend = _local("smollm2-135m")
    messages = [{"role": "system", "content": "Answer with one word: yes or no."},
                {"role": "user", "content": "Is the sky blue on a clear day?"}]
    scores = backend.score_choices(ChoiceRequest(messages=messages, choices=("yes", "no")))
    assert set(scores.probs) == {"yes", "no"} and abs(sum(scores.probs.values()) - 1) < 1e-6
    assert scores.method == "logprobs" and 0 < scores.coverage <= 1
    again = backend.score_choices(ChoiceRequest(messages=messages, choices=("yes", "no")))
    assert again.probs == pytest.approx(scores.probs, abs=1e-4)  # same prompt, cached prefix
