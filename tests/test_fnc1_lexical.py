"""The FNC-1 lexical stage: refuting / hedging words learned from labelled pairs, fused with the model."""

from __future__ import annotations

from summarizer.evals.fnc1 import FncPair, FncTask, Relatedness
from summarizer.evals.fnc1_lexical import LexicalStance
from summarizer.llm.backends.fake import FakeBackend


def _pairs() -> list[FncPair]:
    out = []
    for k in range(12):
        h = f"Mayor {k} resigns over bridge scandal"
        out.append(FncPair(f"a{k}", h, f"b{k}", f"Mayor {k} resigned on Monday. The council confirmed it.", "agree"))
        out.append(FncPair(f"d{k}", h, f"c{k}", f"The story is a hoax. Mayor {k} did not resign; aides denied it.",
                           "disagree"))
        out.append(FncPair(f"s{k}", h, f"e{k}", f"Mayor {k} reportedly resigned, according to unconfirmed sources.",
                           "discuss"))
    return out


def test_lexical_classifier_learns_refuting_and_hedging_words() -> None:
    pairs = _pairs()
    rel = Relatedness([p.body for p in pairs] + [p.headline for p in pairs])
    clf = LexicalStance(rel)
    assert not clf.fitted and len(set(clf.log_probs("x", "y").values())) == 1  # uniform before fit
    clf.fit(pairs)
    h = "Mayor 99 resigns over bridge scandal"
    guess = lambda body: max(clf.log_probs(h, body).items(), key=lambda kv: kv[1])[0]  # noqa: E731
    assert guess("It is a hoax: Mayor 99 did not resign, his office denied.") == "disagree"
    assert guess("Mayor 99 reportedly resigned, sources claim.") == "discuss"
    assert guess("Mayor 99 resigned. The council confirmed the resignation.") == "agree"


def test_model_weight_zero_leaves_the_lexical_classifier_alone_and_calibration_picks_a_weight() -> None:
    pairs = _pairs()
    rel = Relatedness([p.body for p in pairs] + [p.headline for p in pairs])
    clf = LexicalStance(rel).fit(pairs)
    # a model that always says "agree" with high confidence
    fake = FakeBackend(default_distribution={"agree": 0.9, "disagree": 0.05, "discuss": 0.05})
    task = FncTask(backend=fake, relatedness=rel, lexical=clf, model_weight=0.0)
    lex = clf.log_probs(pairs[-2].headline, pairs[-2].body)
    assert task.decide({"agree": 0.9, "disagree": 0.05, "discuss": 0.05}, lex) == "disagree"
    task.model_weight = 5.0
    assert task.decide({"agree": 0.9, "disagree": 0.05, "discuss": 0.05}, lex) == "agree"
    task.calibrate(pairs, weights=(0.0, 1.0, 5.0))
    # the biased model adds nothing the lexical classifier lacks: the weight stays small
    assert task.model_weight in (0.0, 1.0)
