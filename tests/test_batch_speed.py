"""Speed-ups the batch relies on, each checked for unchanged behaviour."""

from __future__ import annotations

import time
from typing import Any

import pytest

from summarizer import Summarizer
from summarizer.llm.backends.fake import FakeBackend
from summarizer.core.language import _clear_latin_language, detect_language
from summarizer.store import Store

FR = (
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites. Les syndicats ont "
    "immédiatement dénoncé un projet qu'ils jugent injuste pour les travailleurs les plus modestes. "
    "Selon le ministre, la réforme est nécessaire pour assurer l'équilibre du système dans les dix "
    "prochaines années, et elle sera présentée au Parlement avant la fin du mois. Les partis de "
    "l'opposition ont promis de la combattre."
)
DE = (
    "Die Bundesregierung hat am Dienstag ein neues Gesetz zur Energiewende beschlossen. Die "
    "Opposition kritisierte den Entwurf scharf und sprach von einem Fehler, der die Verbraucher "
    "teuer zu stehen kommen werde. Nach Angaben des Ministeriums soll das Gesetz im nächsten Jahr "
    "in Kraft treten und für mehr Sicherheit bei der Versorgung sorgen. Die Länder müssen noch "
    "zustimmen, bevor es wirksam wird."
)


def test_clear_texts_skip_langdetect(seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> Any:
        raise AssertionError("langdetect should not run for a clear-cut text")

    monkeypatch.setattr("summarizer.core.language.detect_langs", refuse)
    assert detect_language(seed_text) == "en"
    assert detect_language(DE) == "de"


def test_unclear_texts_still_use_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _clear_latin_language("Ministers met on Monday in Paris.") is None  # too short
    assert _clear_latin_language("Путин и Ким подписали договор. " * 20) is None  # not Latin
    assert detect_language("Путин и Ким подписали договор о стратегическом партнерстве.") == "ru"
    assert detect_language(FR) == "fr"


def test_quick_path_agrees_with_langdetect(seed_text: str) -> None:
    from langdetect import detect_langs

    for text in (seed_text, DE, FR):
        quick = _clear_latin_language(text[:2000])
        if quick is not None:
            assert quick == detect_langs(text)[0].lang


def test_cache_hit_skips_language_detection(
    seed_text: str, seed_answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(":memory:")
    s = Summarizer(backend=FakeBackend(default=seed_answer), cache=store)
    first = s.summarize(seed_text)
    assert first.source.language == "en"
    monkeypatch.setattr("summarizer.pipeline.detect_language", lambda text: pytest.fail("detected"))
    started = time.perf_counter()
    hit = s.summarize(seed_text)
    assert hit.meta.cached and hit.source.language == "en"
    assert time.perf_counter() - started < 0.5  # generous: the benchmark measures ~1-2 ms


def test_answer_is_grounded_once_per_attempt(
    seed_text: str, seed_answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.analysis.summary import SummaryTask

    calls = []
    real = SummaryTask.check

    def counting(self: SummaryTask, *args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(self, *args, **kw)

    monkeypatch.setattr(SummaryTask, "check", counting)
    bad = {**seed_answer, "k": [{"x": "Invented point.", "e": [999]}]}
    result = Summarizer(backend=FakeBackend([bad, seed_answer])).summarize(seed_text)
    assert result.meta.attempts == 2 and len(calls) == 2


def test_prompt_templates_are_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.llm import prompts

    s = Summarizer(backend=FakeBackend())
    s.template.render(article="[1] A.", title=None, outlet=None, language="English")
    monkeypatch.setattr(prompts._ENV, "from_string", lambda source: pytest.fail("recompiled"))
    rendered = s.template.render(article="[1] B.", title=None, outlet=None, language="English")
    assert "[1] B." in rendered.messages[0]["content"]  # the article is in the system message
