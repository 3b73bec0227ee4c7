"""Label scoring (``score_choices``): the OpenAI-compatible backend against the loopback server
(top_logprobs, and the enum-constrained fallback), the fake backend's scripted distributions."""

from __future__ import annotations

import math

import pytest

from summarizer.core.errors import ProviderError
from summarizer.llm.backends.base import ChoiceRequest, ChoiceScorer, normalize_scores
from summarizer.llm.backends.fake import FakeBackend
from summarizer.llm.backends.openai_compat import OpenAIBackend, choice_mass
from summarizer.testing import Reply, ScriptedServer

REQUEST = ChoiceRequest(messages=[{"role": "system", "content": "Label it."}, {"role": "user", "content": "x?"}],
                        choices=("agree", "disagree", "discuss"))


def _backend(server: ScriptedServer) -> OpenAIBackend:
    return OpenAIBackend(model="m", base_url=server.base_url, transport_retries=0, timeout_s=5.0)


def test_top_logprobs_become_a_distribution_over_the_choices() -> None:
    top = {"dis": math.log(0.3), "agree": math.log(0.5), "Agree": math.log(0.1), "The": math.log(0.1)}
    with ScriptedServer([Reply(content="agree", top_logprobs=top)]) as srv:
        backend = _backend(srv)
        scores = backend.score_choices(REQUEST)
        backend.close()
    (req,) = srv.requests
    assert req["logprobs"] is True and req["top_logprobs"] == 10 and req["max_tokens"] == 1
    # "dis" starts both disagree and discuss: it counts for neither; "The" is no choice
    assert scores.method == "logprobs" and scores.coverage == 0.6
    assert scores.probs == {"agree": 1.0, "disagree": 0.0, "discuss": 0.0}
    assert backend.logprobs is True and isinstance(backend, ChoiceScorer)


def test_without_logprobs_a_constrained_answer_is_one_hot() -> None:
    # the first reply ignores logprobs (none returned); the constrained answer follows
    with ScriptedServer([Reply(content="discuss"), Reply(content={"label": "discuss"})],
                        abstain_labels=False) as srv:
        backend = _backend(srv)
        scores = backend.score_choices(REQUEST)
        again = [Reply(content={"label": "agree"})]
        srv.replies.extend(again)
        second = backend.score_choices(REQUEST)
        backend.close()
    assert scores.method == "constrained" and scores.probs == {"agree": 0.0, "disagree": 0.0, "discuss": 1.0}
    assert second.best == "agree" and backend.logprobs is False
    # the constrained request carries the enum; the server that ignored logprobs is not asked again
    assert len(srv.requests) == 3 and "logprobs" not in srv.requests[2]
    schema = srv.requests[1]["tools"][0]["function"]["parameters"]
    assert schema["properties"]["label"]["enum"] == ["agree", "disagree", "discuss"]


def test_a_server_refusing_logprobs_falls_back_and_other_failures_raise() -> None:
    refusal = Reply(status=400, body={"error": {"message": "logprobs is not supported"}})
    with ScriptedServer([refusal, Reply(content={"label": "disagree"})], abstain_labels=False) as srv:
        backend = _backend(srv)
        assert backend.score_choices(REQUEST).best == "disagree"
        backend.close()
    with ScriptedServer(default=Reply(status=500), abstain_labels=False) as srv:
        backend = _backend(srv)
        with pytest.raises(ProviderError):
            backend.score_choices(REQUEST)
        backend.close()


def test_choice_mass_and_normalisation() -> None:
    mass = choice_mass([(" favor", math.log(0.2)), ("Against", math.log(0.2)), ("n", math.log(0.5))],
                       ("favor", "against", "neutral", "none"))
    assert {k: round(v, 4) for k, v in mass.items()} == {"favor": 0.2, "against": 0.2}  # "n": two choices
    assert normalize_scores({}, ("a", "b")) == {"a": 0.5, "b": 0.5}


def test_fake_backend_scripted_distributions() -> None:
    fake = FakeBackend(distributions=[{"agree": 3, "discuss": 1}], default_distribution=lambda r: {"disagree": 1})
    first, second = fake.score_choices(REQUEST), fake.score_choices(REQUEST)
    assert first.probs == {"agree": 0.75, "disagree": 0.0, "discuss": 0.25} and round(first.margin(), 4) == 0.5
    assert second.best == "disagree" and len(fake.choice_requests) == 2


def test_the_eval_recorder_passes_label_scoring_through() -> None:
    from summarizer.evals.articles import RecordingBackend

    rec = RecordingBackend(FakeBackend(default_distribution={"discuss": 1.0}))
    assert isinstance(rec, ChoiceScorer) and rec.score_choices(REQUEST).best == "discuss"
    assert len(rec.calls) == 1 and rec.calls[0].schema_valid
