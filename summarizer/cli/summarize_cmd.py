"""``summarizer summarize FILE|-``."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from ..inputs import read_document
from ..pipeline import Summarizer
from ..render.article import analysis_markdown
from ..store import Store
from . import app
from .common import settings_from_flags, write_output


class Format(str, Enum):
    json = "json"
    md = "md"


@app.command()
def summarize(
    file: str = typer.Argument(..., help="Article file (text or HTML), or - for stdin."),
    format: Format = typer.Option(Format.md, "--format", "-f", help="md for humans, json for the contract."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    model: str | None = typer.Option(None, "--model", "-m", help="Model id, or local catalogue name."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint URL."),
    backend: str | None = typer.Option(None, "--backend", help="auto | openai | local."),
    model_path: Path | None = typer.Option(None, "--model-path", help="Any GGUF file (local backend)."),
    mode: str | None = typer.Option(None, "--mode", help="auto | tools | json | json_schema | md_json."),
    language: str | None = typer.Option(None, "--language", help="Summary language (default: the article's)."),
    max_reasks: int | None = typer.Option(None, "--max-reasks", help="Re-asks when evidence fails."),
    lenient: bool = typer.Option(False, "--lenient", help="Keep unverifiable items in 'rejected' instead of failing."),
    title: str | None = typer.Option(None, "--title"),
    outlet: str | None = typer.Option(None, "--outlet", help="The outlet's name (its own voice)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the response cache."),
    no_model: bool = typer.Option(
        False, "--no-model", help="Parser only: claims, speakers and an extractive summary, no model call."),
) -> None:
    """Analyse one article: summary, attributed claims and stances, with verified evidence."""
    settings = settings_from_flags(no_model=no_model or None, 
        model=model, base_url=base_url, backend=backend, model_path=model_path, mode=mode,
        max_reasks=max_reasks,
    )
    if file == "-":
        doc = read_document(sys.stdin.buffer.read(), max_chars=settings.max_chars, source="<stdin>",
                            title=title, outlet=outlet)
    else:
        doc = read_document(Path(file), max_chars=settings.max_chars, title=title, outlet=outlet)
    with Store.from_settings(settings) as store:
        summarizer = Summarizer(
            settings=settings, strict=not lenient, language=language,
            cache=None if no_cache else store, on_call=store.log_call,
        )
        try:
            result = summarizer.summarize(doc)
        finally:
            summarizer.close()
    text = result.model_dump_json(indent=2) if format is Format.json else analysis_markdown(result)
    write_output(text, out)
