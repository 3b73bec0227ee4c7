"""``summarizer summarize FILE|-``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..core.inputs import read_document
from ..core.progress import ProgressObserver, describe
from ..pipeline import Summarizer
from ..render.article import analysis_markdown
from ..store import Store
from .common import settings_from_flags, write_output
from .options import (
    BackendName,
    BaseUrl,
    Lenient,
    MaxReasks,
    Mode,
    Model,
    ModelPath,
    NoCache,
    NoModel,
)


class Format(str, Enum):
    json = "json"
    md = "md"
    html = "html"


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def stage_display(console: Console | None) -> Iterator[ProgressObserver | None]:
    """A spinner with the current stage and the time elapsed on ``console`` (gone when done);
    ``None`` shows nothing and yields no observer."""
    if console is None:
        yield None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def show(stage: str, detail: str | None) -> None:
            bar.update(task, description=describe(stage, detail))

        yield show


def summarize(
    file: str = typer.Argument(..., help="Article file (text or HTML), or - for stdin."),
    format: Format = typer.Option(Format.md, "--format", "-f", help="md for humans, json for the contract, html for the article view."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    model: Model = None,
    base_url: BaseUrl = None,
    backend: BackendName = None,
    model_path: ModelPath = None,
    mode: Mode = None,
    language: str | None = typer.Option(None, "--language", help="Summary language (default: the article's)."),
    max_reasks: MaxReasks = None,
    lenient: Lenient = False,
    title: str | None = typer.Option(None, "--title"),
    outlet: str | None = typer.Option(None, "--outlet", help="The outlet's name (its own voice)."),
    no_cache: NoCache = False,
    no_model: NoModel = False,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No stage display on stderr (it shows only on a terminal anyway)."),
) -> None:
    """Analyse one article: summary, attributed claims and stances, with verified evidence."""
    settings = settings_from_flags(
        no_model=no_model or None,
        model=model, base_url=base_url, backend=backend, model_path=model_path, mode=mode,
        max_reasks=max_reasks,
    )
    if file == "-":
        doc = read_document(sys.stdin.buffer.read(), max_chars=settings.max_chars, source="<stdin>",
                            title=title, outlet=outlet)
    else:
        doc = read_document(Path(file), max_chars=settings.max_chars, title=title, outlet=outlet)
    console = None if quiet or not stderr_is_terminal() else Console(stderr=True)
    with Store.from_settings(settings) as store, stage_display(console) as on_progress:
        summarizer = Summarizer(
            settings=settings, strict=not lenient, language=language,
            cache=None if no_cache else store, on_call=store.log_call, on_progress=on_progress,
        )
        try:
            result = summarizer.summarize(doc)
        finally:
            summarizer.close()
    if format is Format.json:
        text = result.model_dump_json(indent=2)
    elif format is Format.html:
        # the article view draws with the briefing's shared pieces (imports the briefing)
        from ..render.article_html import render_article_html

        text = render_article_html(result, doc.text)
    else:
        text = analysis_markdown(result)
    write_output(text, out)
