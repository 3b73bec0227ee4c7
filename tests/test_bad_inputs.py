"""The bad-input catalogue: every kind of awkward input gets either a correct result or a
:class:`BadInputError` whose message names the problem — never a crash or a hang."""

from __future__ import annotations

import codecs
import concurrent.futures
import gc
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from summarizer import ArticleAnalysis, BadInputError, Document, Settings, Summarizer
from summarizer.llm.backends.base import CompletionRequest
from summarizer.llm.backends.fake import FakeBackend
from summarizer.cli import main
from summarizer.core.inputs import read_document
from summarizer.testing.faults import FaultServer, grounded_answer

TIMEOUT_S = 30.0

ARTICLE = (
    "City council approves new budget\n\n"
    "The city council voted on Tuesday to approve the budget for next year. "
    "Mayor Ana Ruiz said the budget protects libraries and parks. "
    'Opposition leader Tomas Berg warned that "property taxes will rise for every family." '
    "The vote was eight to three."
)
FRENCH = (
    "Le conseil municipal adopte le budget\n\n"
    "Le conseil municipal a voté mardi le budget de l'année prochaine. "
    "La maire Ana Ruiz a déclaré que le budget protège les bibliothèques et les parcs. "
    "Le chef de l'opposition Tomas Berg a averti que les impôts fonciers allaient augmenter. "
    "Le vote a été de huit voix contre trois."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen. "
    "Bürgermeisterin Ana Ruiz sagte, der Haushalt schütze die Bibliotheken und Parks. "
    "Oppositionsführer Tomas Berg warnte, dass die Grundsteuer steigen werde. "
    "Die Abstimmung endete mit acht zu drei Stimmen."
)
CHINESE = "市议会通过新预算。市长安娜·鲁伊斯表示，预算保护图书馆和公园。反对派领袖托马斯·伯格警告说，房产税将上涨。投票结果为八比三。"
ARABIC = "وافق مجلس المدينة على الميزانية الجديدة يوم الثلاثاء. وقالت رئيسة البلدية آنا رويز إن الميزانية تحمي المكتبات والحدائق. وحذر زعيم المعارضة من ارتفاع الضرائب."
HTML_PAGE = (
    "<!doctype html><html><head><title>Budget</title><script>var tracking = 'ads';</script>"
    "<style>p { color: red }</style></head><body><nav>Home | News | Sport | Weather</nav>"
    "<article><h1>City council approves new budget</h1>"
    "<p>The city council voted on Tuesday to approve the budget for next year, after a long "
    "debate that lasted well into the evening and drew a large crowd of residents.</p>"
    "<p>Mayor Ana Ruiz said the budget protects libraries and parks across the whole city, "
    "including the three branch libraries that were threatened with closure last spring.</p>"
    "<p>Opposition leader Tomas Berg warned that property taxes would rise for every family "
    "in the city, and said his party would campaign against the increase next year.</p>"
    "<p>The vote was eight to three, with one member of the council absent.</p></article>"
    "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)
TABLE_PAGE = (
    "<html><body><table><tr><th>Party</th><th>Seats</th><th>Change</th></tr>"
    "<tr><td>Greens</td><td>12</td><td>+3</td></tr><tr><td>Liberals</td><td>9</td><td>-2</td></tr>"
    "<tr><td>Labour</td><td>7</td><td>-1</td></tr></table></body></html>"
)
MARKDOWN = (
    "# City council approves new budget\n\n*By Staff Reporter* | [Share](https://example.com)\n\n"
    "The **city council** voted on Tuesday to approve the budget for next year.\n\n"
    "## Reactions\n\n- Mayor Ana Ruiz said the budget protects libraries and parks.\n"
    "- Opposition leader Tomas Berg warned that property taxes would rise.\n\n"
    "> The vote was eight to three.\n"
)
PRESS_RELEASE = (
    "FOR IMMEDIATE RELEASE\n\nAcme Corp Announces Record Third-Quarter Results\n\n"
    "SPRINGFIELD, Oct. 12, 2024 /PRNewswire/ -- Acme Corp (NASDAQ: ACME) today announced record "
    "revenue of $1.2 billion for the third quarter. Chief Executive Jane Doe said the results "
    "reflect strong demand for the company's products. \"We are proud of our team,\" Doe said.\n\n"
    "About Acme Corp\nAcme Corp makes anvils.\n\nMedia contact: press@acme.example, +1 555 0100\n\n###"
)
ONLY_QUOTES = (
    '"We will not give up," Ana Ruiz said.\n\n"The budget is a disgrace," Tomas Berg said.\n\n'
    '"Libraries matter more than roads," a resident said.'
)
NO_SPEECH = (
    "The river rose two metres overnight. Roads in the lower town were closed. "
    "Schools will open late on Wednesday. The forecast shows more rain until Friday."
)


def _answer(request: CompletionRequest) -> dict[str, Any]:
    return grounded_answer({"messages": request.messages})


@dataclass
class Case:
    """One kind of input: the raw bytes/str, and the expected outcome."""

    name: str
    data: bytes | str
    error: str | None = None  # expected BadInputError.reason; None = a correct result
    message: str = ""  # words the error message must contain
    check: Callable[[Document, ArticleAnalysis, FakeBackend], None] | None = None
    language: str | None = None


def _lang(code: str, name: str) -> Callable[[Document, ArticleAnalysis, FakeBackend], None]:
    def check(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
        assert result.source.language == code
        # the summary task (the user message) names the summary language
        assert f"Summarise the article in {name}." in fake.requests[0].messages[1]["content"]

    return check


def _html(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
    assert result.source.extracted_from == "html"
    assert "Mayor Ana Ruiz said" in doc.text
    assert "tracking" not in doc.text and "<p>" not in doc.text and "color: red" not in doc.text
    assert any(c.speaker in {"Ana Ruiz", "Mayor Ana Ruiz"} for c in result.claims)


def _text_is(expected: str) -> Callable[[Document, ArticleAnalysis, FakeBackend], None]:
    def check(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
        assert doc.text == expected

    return check


def _chunked(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
    assert result.meta.chunks > 1
    assert result.source.chars == len(doc.text)


def _claims(*speakers: str, misattributed: dict[str, str] | None = None
            ) -> Callable[[Document, ArticleAnalysis, FakeBackend], None]:
    """Each of ``speakers`` has a claim; no claim of a speaker in ``misattributed`` holds the
    words someone else said."""
    def check(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
        found = [c.speaker for c in result.claims]
        for name in speakers:
            assert any(name in speaker for speaker in found), (name, found)
        for name, words in (misattributed or {}).items():
            wrong = [c.text for c in result.claims if name in c.speaker and words in c.text]
            assert not wrong, (name, wrong)

    return check


def _no_claims(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
    # nobody is quoted: the only claims are the outlet's own assertions, no speaker is invented
    assert result.claims
    assert all(c.speaker_type == "outlet" and c.attribution == "assertion" for c in result.claims)
    assert result.summary.key_points


def _duplicates_hidden(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
    shown = fake.requests[0].messages[0]["content"]  # the article is in the system message
    assert shown.count("Mayor Ana Ruiz said") == 1  # repeats are not shown to the model twice
    assert len(doc.sentences) > len(doc.visible)


def _template_literal(doc: Document, result: ArticleAnalysis, fake: FakeBackend) -> None:
    article = fake.requests[0].messages[0]["content"]  # the article is in the system message
    assert "{{ 7*7 }}" in article and "{% for x in y %}" in article
    assert "49" not in article


CASES = [
    Case("empty", b"", "empty", "empty"),
    Case("whitespace_only", b" \n\t\n   \r\n", "empty", "whitespace"),
    Case("single_word", b"Breaking", check=_text_is("Breaking")),
    Case("nul_bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary", "NUL"),
    Case("invalid_utf8_latin1", "Le café est fermé. Les élèves sont partis.".encode("latin-1"),
         "undecodable", "not UTF-8"),
    Case("utf16_le_bom", codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), check=_text_is(ARTICLE)),
    Case("utf16_be_bom", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), check=_text_is(ARTICLE)),
    Case("utf16_no_bom", ARTICLE.encode("utf-16-le"), "binary", "NUL"),
    Case("utf8_bom", codecs.BOM_UTF8 + ARTICLE.encode(), check=_text_is(ARTICLE)),
    Case("windows_line_endings", ARTICLE.replace("\n", "\r\n").encode(), check=_text_is(ARTICLE)),
    Case("old_mac_line_endings", ARTICLE.replace("\n", "\r").encode(), check=_text_is(ARTICLE)),
    Case("five_megabytes", ("The council met again today. " * 180_000).encode(), "too_large",
         "over the limit"),
    Case("one_100k_char_line", " ".join(["council budget vote"] * 5_300)[:100_000], check=_chunked),
    Case("base64_blob_line", "QUJD" * 25_000, "not_prose", "without spaces"),
    Case("html_page", HTML_PAGE.encode(), check=_html),
    Case("html_script_only", "<html><head><script>var a = 1;</script></head><body></body></html>",
         "no_text", "HTML page contains no article text"),
    Case("table_only_page", TABLE_PAGE.encode(),
         check=lambda d, r, f: (r.source.extracted_from == "html" and "Greens" in d.text) or
         pytest.fail("table text not extracted")),
    Case("markdown", MARKDOWN.encode(), check=_claims("Ana Ruiz", "Tomas Berg")),
    Case("json_instead_of_text", json.dumps({"title": "Budget", "body": ARTICLE}).encode(), "json",
         "JSON document"),
    Case("json_array", b'[{"text": "a"}, {"text": "b"}]', "json", "JSON document"),
    Case("french", FRENCH.encode(), check=_lang("fr", "French")),
    Case("german_summary_in_english", GERMAN.encode(), language="English",
         check=lambda d, r, f: ("Summarise the article in English."
                                in f.requests[0].messages[1]["content"]
                                and r.source.language == "de") or pytest.fail("language option")),
    Case("chinese", CHINESE.encode(), check=_lang("zh", "Chinese")),
    Case("arabic_rtl", ARABIC.encode(), check=_lang("ar", "Arabic")),
    Case("mixed_scripts",
         (ARTICLE + "\n\nПредставитель мэрии заявил, что бюджет сбалансирован. 市长表示预算平衡。").encode()),
    Case("zero_width_chars", ARTICLE.replace("council", "coun\u200bcil").replace("budget", "bud\u200dget")
         .replace("Mayor", "\ufeffMayor").encode()),
    Case("few_control_chars", (ARTICLE.replace("Tuesday", "Tues\x07day") + "\x1b[0m").encode()),
    Case("many_control_chars", bytes(range(1, 32)) * 40 + b"some text", "binary", "control characters"),
    Case("emoji", ("🚨 BREAKING 🚨\n\n" + ARTICLE.replace("parks.", "parks 🌳📚.") + " 👍").encode()),
    Case("only_quotes", ONLY_QUOTES.encode(), check=_claims("Ana Ruiz", "Tomas Berg", misattributed={
        "Tomas Berg": "Libraries matter", "Ana Ruiz": "budget is a disgrace"})),
    Case("no_attributed_speech", NO_SPEECH.encode(), check=_no_claims),
    Case("press_release", PRESS_RELEASE.encode(), check=_claims("Jane Doe")),
    Case("duplicate_paragraphs", "\n\n".join([ARTICLE] * 4).encode(), check=_duplicates_hidden),
    Case("numbers_only", b"2024 2025 2026\n\n+3.5% -1.2%", "no_text", "no letters"),
    Case("punctuation_only", "!!! ??? ... --- *** «» —".encode(), "no_text", "no letters"),
    Case("template_syntax", ("{{ 7*7 }} {% for x in y %}" + ARTICLE).encode(), check=_template_literal),
    Case("lone_surrogate", "The council voted \ud800 on Tuesday.", "undecodable", "surrogate"),
    Case("url_only", b"https://example.com/news/2024/06/19/city-council-budget"),
    Case("very_long_sentence_list", "\n".join(f"Item {i} was approved by the council." for i in range(3000))
         .encode(), check=_chunked),
]


def _run(case: Case, tmp_path: Path) -> tuple[Document, ArticleAnalysis, FakeBackend] | BadInputError:
    fake = FakeBackend(default=_answer)
    summarizer = Summarizer(backend=fake, settings=Settings(), language=case.language)
    try:
        if isinstance(case.data, bytes):
            path = tmp_path / f"{case.name}.txt"
            path.write_bytes(case.data)
            doc = read_document(path, max_chars=summarizer.settings.max_chars)
        else:
            doc = read_document(case.data, max_chars=summarizer.settings.max_chars, id=case.name)
        return doc, summarizer.summarize(doc), fake
    except BadInputError as exc:
        return exc


def test_catalogue_has_at_least_30_kinds() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(_run, case, tmp_path).result(timeout=TIMEOUT_S)
    if case.error is not None:
        assert isinstance(outcome, BadInputError), "expected a BadInputError, got a result"
        assert outcome.reason == case.error
        assert case.message.lower() in str(outcome).lower()
        assert "\n" not in str(outcome)
        return
    assert not isinstance(outcome, BadInputError), f"unexpected error: {outcome}"
    doc, result, fake = outcome
    assert result.check_offsets(doc.text) == []
    assert result.source.sha256 == doc.sha256 and result.source.chars == len(doc.text)
    assert result.summary.key_points
    if case.check is not None:
        case.check(doc, result, fake)


def test_str_input_must_be_text() -> None:
    summarizer = Summarizer(backend=FakeBackend(default=_answer))
    with pytest.raises(BadInputError, match="expected a str or Document, got bytes"):
        summarizer.summarize(b"bytes are not text")  # type: ignore[arg-type]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="cannot read the file") as info:
        read_document(tmp_path / "nope.txt")
    assert info.value.reason == "unreadable"
    with pytest.raises(BadInputError, match="cannot read the file"):
        read_document(tmp_path)


CLI_KINDS = ["empty", "nul_bytes", "invalid_utf8_latin1", "json_instead_of_text", "five_megabytes",
             "html_page", "utf16_le_bom", "windows_line_endings", "french", "emoji"]


@pytest.mark.parametrize("name", CLI_KINDS)
def test_cli_exit_code_and_one_line(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c.name == name)
    path = tmp_path / f"{name}.txt"
    path.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode())
    with FaultServer() as srv, warnings.catch_warnings():
        code = main(["summarize", str(path), "--base-url", srv.base_url, "--model", "m", "-f", "json"])
        # the CLI process ends here in real use; its HTTP client is never closed explicitly
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    captured = capsys.readouterr()
    if case.error is None:
        assert code == 0, captured.err
        data = json.loads(captured.out)
        text = read_document(path).text
        for claim in data["claims"]:
            for e in claim["evidence"]:
                assert text[e["start"] : e["end"]] == e["text"]
    else:
        assert code == 2
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("summarizer: error: ")
        assert case.message.lower() in lines[0].lower()
        assert "Traceback" not in captured.err
