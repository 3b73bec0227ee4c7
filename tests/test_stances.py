"""Stances from the parse: candidates (spaCy, skipped without its English pipeline) and
scored labels (a FakeBackend's scripted distributions)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from summarizer.llm.backends.fake import FakeBackend
from summarizer.core.document import Document
from summarizer.core.errors import ConfigurationError
from summarizer.analysis.stances import (
    LABEL_BOOST,
    STANCE_CHOICES,
    StanceCandidate,
    decide_label,
    evaluative_score,
    has_contrast,
    is_noncommittal,
    label_stances,
    main_issue,
    select_candidates,
    stance_candidates,
)


def _nlp() -> Any:
    """The engine's English parser (pulled by scripts/test.sh; the tests skip without it)."""
    from summarizer.nlp.parse import has_parser, load_pipeline

    parsers = Path(os.environ["SUMMARIZER_PARSERS_DIR"])
    if not has_parser("en", parsers):
        pytest.skip("the English parser model is not pulled (summarizer models pull en-core-web-sm)")
    return load_pipeline("en", parsers)

TEXT = (
    "Lowmere approves ferry plan\n"
    "The council of Lowmere voted on Monday to fund a ferry link to Brack. "
    "Mayor Ana Ruiz said the ferry link would end years of isolation for the island. "
    "\"The ferry link is a waste of money,\" said Tom Berg, a local shop owner. "
    "Ruiz added that the ferry link would start in May. "
    "The vote passed by seven votes to four."
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    speaker: str | None
    speaker_type: str
    content: tuple[Span, ...]


def _content(text: str, piece: str) -> tuple[Span, ...]:
    start = text.index(piece)
    return (Span(start, start + len(piece), piece),)


ATTRIBUTIONS = [
    Attribution("Ana Ruiz", "person", _content(TEXT, "the ferry link would end years of isolation for the island")),
    Attribution("Tom Berg", "person", _content(TEXT, "The ferry link is a waste of money")),
    Attribution("Ruiz", "person", _content(TEXT, "the ferry link would start in May")),
    Attribution(None, "person", _content(TEXT, "The vote passed")),  # unresolved: no holder
]


def _doc() -> Document:
    return Document(TEXT, outlet="Lowmere Courier")


def _sentence_ids(doc: Document, *pieces: str) -> tuple[int, ...]:
    return tuple(next(s.id for s in doc.sentences if p in s.text) for p in pieces)


def test_label_stances_keeps_the_distribution_and_the_holders_sentences() -> None:
    doc = _doc()
    cands = [
        StanceCandidate("Ana Ruiz", "person", "the ferry link", _sentence_ids(doc, "end years", "start in May")),
        StanceCandidate("Tom Berg", "person", "the ferry link", _sentence_ids(doc, "waste of money")),
        StanceCandidate("Lowmere Courier", "outlet", "the vote", _sentence_ids(doc, "seven votes")),
        StanceCandidate("Tom Berg", "person", "Brack", _sentence_ids(doc, "waste of money")),
    ]
    fake = FakeBackend(distributions=[
        {"favor": 0.8, "neutral": 0.1, "none": 0.1},
        {"against": 0.55, "mixed": 0.45},          # margin 0.10 >= 0.1: kept
        {"neutral": 0.45, "none": 0.55},            # "none" wins: abstain
        {"favor": 0.4, "against": 0.35, "none": 0.25},  # margin 0.05 < 0.1: abstain
    ])
    stances = label_stances(fake, doc, cands, margin=0.1, boost={})
    assert [(s.holder, s.label) for s in stances] == [("Ana Ruiz", "favor"), ("Tom Berg", "against")]
    ruiz = stances[0]
    assert ruiz.confidence == {"favor": 0.8, "against": 0.0, "neutral": 0.1, "mixed": 0.0, "none": 0.1}
    assert [e.sentence for e in ruiz.evidence] == list(cands[0].sentence_ids)
    assert all(TEXT[e.start:e.end] == e.text for s in stances for e in s.evidence)  # verifies by construction
    # one short prompt per candidate, the holder's own sentences in it, the five labels scored
    assert len(fake.choice_requests) == 4 and all(r.choices == STANCE_CHOICES for r in fake.choice_requests)
    berg = fake.choice_requests[1].messages[-1]["content"]
    assert "waste of money" in berg and "end years" not in berg and "Tom Berg" in berg
    assert "article's own voice" in fake.choice_requests[2].messages[-1]["content"]
    # a stricter margin drops the close call
    fake.queue()
    fake.distributions.extend([{"favor": 1.0}, {"against": 0.55, "mixed": 0.45}])
    assert len(label_stances(fake, doc, cands[:2], margin=0.2, boost={})) == 1
    # the default prior correction (LABEL_BOOST: the small model over-says "favor") turns the
    # close favor/against call into "against"
    fake.distributions.extend([{"favor": 0.4, "against": 0.35, "none": 0.25}])
    (berg,) = label_stances(fake, doc, cands[3:], margin=0.1)
    assert berg.label == "against" and berg.confidence["favor"] == 0.4  # the raw distribution is kept


def test_a_two_sided_statement_leans_to_mixed() -> None:
    text = ("Mayor Ana Ruiz said she supports the ferry link in principle but cannot back the fare rise. "
            "Tom Berg said the ferry link would help the island's shops.")
    doc = Document(text)
    cands = [StanceCandidate("Ana Ruiz", "person", "the ferry link", _sentence_ids(doc, "in principle")),
             StanceCandidate("Tom Berg", "person", "the ferry link", _sentence_ids(doc, "shops"))]
    # the small model hardly ever says "mixed"; the same distribution, with and without a contrast
    same = {"favor": 0.6, "against": 0.2, "mixed": 0.08, "none": 0.12}
    fake = FakeBackend(distributions=[same, same])
    ruiz, berg = label_stances(fake, doc, cands, margin=0.1)
    assert (ruiz.label, berg.label) == ("mixed", "favor")
    assert ruiz.confidence["mixed"] == 0.08  # the raw distribution is kept, the decision leans
    # a clear one-sided answer still wins over a contrast
    fake.distributions.extend([{"against": 0.95, "mixed": 0.01, "none": 0.04}])
    (one,) = label_stances(fake, doc, cands[:1], margin=0.1)
    assert one.label == "against"


def test_has_contrast_reads_the_connectives_of_each_parsed_language() -> None:
    assert has_contrast(["The deadline was achievable for power, unrealistic for steel."])
    assert has_contrast(["Elle soutient le plan sur le principe, tout en demandant un délai."], "fr")
    assert has_contrast(["Apoya la medida, aunque pide más tiempo."], "es")
    assert not has_contrast(["The union backs the buy-back scheme and its budget."])
    assert not has_contrast(["Butler said the plan works."])  # whole words only


def test_label_stances_needs_a_label_scorer() -> None:
    class Plain:
        name, model = "plain", "m"

    with pytest.raises(ConfigurationError, match="cannot score labels"):
        label_stances(Plain(), _doc(), [])  # type: ignore[arg-type]


def test_candidates_from_the_parse() -> None:
    nlp = _nlp()
    doc = _doc()
    cands = stance_candidates(ATTRIBUTIONS, nlp(TEXT), doc)
    by_holder: dict[str, list[StanceCandidate]] = {}
    for c in cands:
        by_holder.setdefault(c.holder, []).append(c)
    # "Ruiz" and "Ana Ruiz" are one holder; the unresolved speaker is none; the outlet is one
    assert set(by_holder) == {"Ana Ruiz", "Tom Berg", "Lowmere Courier"}
    assert by_holder["Lowmere Courier"][0].holder_type == "outlet"
    ruiz = by_holder["Ana Ruiz"][0]
    assert "ferry link" in ruiz.target and ruiz.sentence_ids == _sentence_ids(doc, "end years", "start in May")
    assert all("Ruiz" not in c.target for c in by_holder["Ana Ruiz"])  # never its own target
    # the outlet reads only unattributed sentences
    attributed = set(_sentence_ids(doc, "end years", "waste of money", "start in May", "The vote passed"))
    outlet_ids = {i for c in by_holder["Lowmere Courier"] for i in c.sentence_ids}
    assert outlet_ids and not outlet_ids & (attributed - set(_sentence_ids(doc, "The vote passed")))
    assert len(stance_candidates(ATTRIBUTIONS, nlp(TEXT), doc, max_candidates=2)) == 2


JUDGED = (
    "Port deal divides Arlow\n"
    "The city of Arlow signed a port deal with Velo Shipping on Friday. "
    "Critics said the port deal would cost the city jobs. "
    "Union leader Mara Holt said the mayor's plan to privatise the docks will fail. "
    "Harbour master Ian Cole praised the port deal as a lifeline for the town. "
    "Officials said the port deal runs for 20 years."
)


def test_the_judged_target_and_the_main_issue_come_from_the_parse() -> None:
    nlp = _nlp()
    doc = Document(JUDGED, outlet="Arlow Herald")
    atts = [
        Attribution("Mara Holt", "person", _content(JUDGED, "the mayor's plan to privatise the docks will fail")),
        Attribution("Ian Cole", "person", _content(JUDGED, "Harbour master Ian Cole praised the port deal as a lifeline for the town")),
        Attribution("Officials", "group", _content(JUDGED, "the port deal runs for 20 years")),
    ]
    parsed = nlp(JUDGED)
    assert main_issue(parsed, doc) == "port deal"  # the recurring head, worded as written
    first = {c.holder: c for c in select_candidates(stance_candidates(atts, parsed, doc, max_candidates=20),
                                                     max_candidates=20)}
    # what Holt's evaluative word is about: the subject of "will fail"
    assert first["Mara Holt"].target.startswith("mayor's plan")
    # Cole's "praised" has an object: the port deal
    assert first["Ian Cole"].target == "port deal"
    # a holder that judges comes before one that only reports
    order = [c.holder for c in select_candidates(stance_candidates(atts, parsed, doc, max_candidates=20),
                                                 max_candidates=20)]
    assert order.index("Mara Holt") < order.index("Officials") and order.index("Ian Cole") < order.index("Officials")


SUPPORT = (
    "Leaders meet in Tarn\n"
    "The two leaders signed a trade pact in Tarn on Friday. "
    "Bela Voss emphasized that her country expresses full support and solidarity with the army "
    "in carrying out the border operation in the north. "
    "Officials said the valley would sell its water rights to private buyers."
)


def test_support_voiced_for_people_doing_something_is_support_for_what_they_do() -> None:
    nlp = _nlp()
    doc = Document(SUPPORT, outlet="Tarn Post")
    atts = [
        Attribution("Bela Voss", "person", _content(SUPPORT, "her country expresses full support and solidarity "
                                                    "with the army in carrying out the border operation in the north")),
        Attribution("Officials", "group", _content(SUPPORT, "the valley would sell its water rights to private buyers")),
    ]
    parsed = nlp(SUPPORT)
    cands = stance_candidates(atts, parsed, doc, max_candidates=20)
    first = {c.holder: c for c in select_candidates(cands, max_candidates=20)}
    # "expresses support ... with the army in carrying out X": the preposition hangs on the
    # light verb, and what is backed is the operation the army carries out
    assert first["Bela Voss"].target.startswith("border operation")
    # "rights" is a noun of the evaluative list, but "sold" is no light verb: the officials'
    # "to private buyers" is not what they judge, so they have no judged target
    from summarizer.analysis.stance_candidates import JUDGED_SALIENCE
    officials = [c for c in cands if c.holder == "Officials"]
    assert officials and all(c.salience != JUDGED_SALIENCE for c in officials)
    assert first["Bela Voss"].salience == JUDGED_SALIENCE


def test_evaluative_score_counts_judging_words_and_quotes() -> None:
    assert evaluative_score(["Officials said the deal runs for 20 years."]) == 0
    assert evaluative_score(["She said the plan will fail and condemned it."]) == 2
    assert evaluative_score(["\"It is a disaster,\" he said."]) == 2  # a judging word plus a quotation
    assert evaluative_score(["Le maire a dénoncé un échec."], "fr") == 2
    assert evaluative_score([]) == 0


def test_a_stem_does_not_match_the_word_that_judges_nothing() -> None:
    # "agree" judges, "the agreement" names a document; "right" judges, "rights" are things
    assert evaluative_score(["RIA Novosti said the agreement was signed on Wednesday."]) == 0
    assert evaluative_score(["The rights of the valley's farmers and its goods trade."]) == 0
    assert evaluative_score(["Both sides agreed that the ruling was right."]) == 2


def test_select_candidates_serves_each_holder_once_before_second_targets() -> None:
    cands = [
        StanceCandidate("A", "person", "x", (1,), 3.0, 2.0), StanceCandidate("A", "person", "y", (1,), 2.5, 2.0),
        StanceCandidate("B", "person", "x", (2,), 2.5, 0.0), StanceCandidate("C", "person", "z", (3,), 2.5, 1.0),
    ]
    assert [(c.holder, c.target) for c in select_candidates(cands, max_candidates=3)] == [("A", "x"), ("C", "z"), ("B", "x")]
    assert [(c.holder, c.target) for c in select_candidates(cands, max_candidates=4, per_holder=2)][-1] == ("A", "y")


def test_the_stance_settings_are_part_of_the_cache_key() -> None:
    from summarizer.core.settings import Settings
    from summarizer.pipeline import Summarizer

    doc = _doc()
    keys = {Summarizer(backend=FakeBackend(), settings=Settings(max_stance_candidates=n, stance_margin=m)).cache_key(doc)
            for n, m in [(8, 0.1), (4, 0.1), (8, 0.2)]}
    assert len(keys) == 3  # a cached analysis made with other stance settings is not reused


def test_is_noncommittal_reads_declining_to_take_a_side_in_each_parsed_language() -> None:
    assert is_noncommittal(["Finance Minister Ortrud Lamm declined to comment on the decision."])
    assert is_noncommittal(["The Green Party said it was “open to both” proposals."])
    assert is_noncommittal(["The government has said it will not comment on pending litigation."])
    assert is_noncommittal(["Le maire n'a pas souhaité commenter la décision."], "fr")
    assert is_noncommittal(["El ministro declinó comentar la sentencia."], "es")
    assert not is_noncommittal(["Lamm commented that the decision was wrong."])
    assert not is_noncommittal(["The union declined the offer."])  # declining an offer is a view


def test_a_noncommittal_holder_is_neutral_even_when_the_model_says_none_or_against() -> None:
    # "declined to comment": the model's answer was none 0.47 / against 0.31 / neutral 0.20
    probs = {"favor": 0.01, "against": 0.31, "neutral": 0.2, "mixed": 0.0, "none": 0.47}
    assert decide_label(probs, 0.15) is None
    assert decide_label(probs, 0.15, noncommittal=True) == "neutral"
    # "open to both ... but": the contrast would make it mixed; declining a side wins
    probs = {"favor": 0.17, "against": 0.35, "neutral": 0.2, "mixed": 0.09, "none": 0.2}
    assert decide_label(probs, 0.15, boost=LABEL_BOOST, contrast=True) == "mixed"
    assert decide_label(probs, 0.15, boost=LABEL_BOOST, contrast=True, noncommittal=True) == "neutral"
