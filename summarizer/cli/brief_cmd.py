"""``summarizer brief PATHS... [--topic T] -o note.md|note.html|note.docx|note.json``."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..briefing import Briefing, brief, load_articles
from ..core.errors import BadInputError
from ..core.files import write_private
from ..pipeline import Summarizer
from ..render.briefing_docx import briefing_docx
from ..render.briefing_html import briefing_html
from ..render.briefing_md import briefing_markdown
from ..store import Store
from .common import settings_from_flags, write_output
from .options import BackendName, BaseUrl, MaxReasks, Mode, Model, ModelPath, NoCache, ShowProgress

__all__ = ["NoteFormat", "format_for", "render_note"]


class CompareBy(str, Enum):
    score = "score"
    generate = "generate"


class NoteFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"


_SUFFIXES = {".md": NoteFormat.md, ".markdown": NoteFormat.md, ".html": NoteFormat.html,
             ".htm": NoteFormat.html, ".docx": NoteFormat.docx, ".json": NoteFormat.json}


def format_for(out: Path | None, explicit: NoteFormat | None) -> NoteFormat:
    """The output format: ``--format`` if given, else from the extension of ``-o``, else md."""
    if explicit is not None:
        return explicit
    if out is None or str(out) == "-":
        return NoteFormat.md
    fmt = _SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise BadInputError(
            "format", f"cannot tell the format from '{out.name}'; use .md, .html, .docx or .json, "
            "or pass --format", source=str(out),
        )
    return fmt


def render_note(note: Briefing, fmt: NoteFormat) -> str | bytes:
    """Render ``note`` in ``fmt`` (text for md/html/json, bytes for docx)."""
    if fmt is NoteFormat.md:
        return briefing_markdown(note)
    if fmt is NoteFormat.html:
        return briefing_html(note)
    if fmt is NoteFormat.docx:
        return briefing_docx(note)
    return note.model_dump_json(indent=2)


def brief_command(
    paths: list[Path] = typer.Argument(..., help="Article files, folders or JSONL files."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Also read the folders' subfolders."),
    topic: str | None = typer.Option(None, "--topic", "-t", help="What the note is about (its title)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="note.md | note.html | note.docx | note.json."),
    format: NoteFormat | None = typer.Option(None, "--format", "-f", help="Override the format from -o."),
    model: Model = None,
    base_url: BaseUrl = None,
    backend: BackendName = None,
    model_path: ModelPath = None,
    mode: Mode = None,
    max_reasks: MaxReasks = None,
    language: str | None = typer.Option(None, "--language", help="Summary language (default: each article's)."),
    max_comparisons: int = typer.Option(3, "--max-comparisons", min=0, help="Claim groups sent to the model."),
    model_bottom_line: bool = typer.Option(
        False, "--model-bottom-line",
        help="Let the model write the bottom line (one more call, validated). Default: the disputed "
             "facts the parse found, then the articles' most central lead sentences, quoted."),
    compare_by: CompareBy = typer.Option(
        CompareBy.score, "--compare-by",
        help="How the model judges a claim group: 'score' reads the probabilities of four one-word "
             "answers (one forward pass; the explanation is built from the statements); 'generate' "
             "asks for label, explanation and evidence (checked, re-asked)."),
    no_cache: NoCache = False,
    progress: ShowProgress = None,
) -> None:
    """Many articles on one topic → one evidence-backed briefing note."""
    fmt = format_for(out, format)
    if fmt is NoteFormat.docx and (out is None or str(out) == "-"):
        raise BadInputError("format", "DOCX output needs a file: pass -o note.docx")
    settings = settings_from_flags(
        model=model, base_url=base_url, backend=backend, model_path=model_path, mode=mode,
        max_reasks=max_reasks,
    )
    docs, failed = load_articles(paths, max_chars=settings.max_chars, recursive=recursive)
    if not docs:
        reasons = "; ".join(f.message for f in failed) or "no article files found"
        raise BadInputError("no_articles", f"nothing to brief: {reasons}")
    store = Store.from_settings(settings)
    summarizer = Summarizer(settings=settings, strict=False, language=language,
                            cache=None if no_cache else store, on_call=store.log_call)
    console = Console(stderr=True)
    show = console.is_terminal if progress is None else progress
    with Progress(TextColumn("[bold]analysing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}"), TimeElapsedColumn(),
                  console=console, disable=not show) as bar:
        task = bar.add_task("articles", total=len(docs), current="")

        def advance(article_id: str, done: int, total: int) -> None:
            bar.update(task, completed=done, current=article_id)

        note = brief(docs, topic=topic, summarizer=summarizer, progress=advance,
                     failed_inputs=failed, max_comparisons=max_comparisons,
                     use_model_bottom_line=model_bottom_line, compare_by=compare_by.value)
    store.close()
    rendered = render_note(note, fmt)
    if isinstance(rendered, bytes):
        if out is None:  # unreachable: checked before any model call
            raise BadInputError("format", "DOCX output needs a file: pass -o note.docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, rendered)
    else:
        write_output(rendered, out)
    m = note.methods
    if out is not None and str(out) != "-":
        console.print(f"wrote {out} ({fmt.value}): {m.analysed}/{m.articles} articles analysed, "
                      f"{len(m.failed)} failed, {m.model_calls} model calls, {m.latency_s:.1f} s")
    for f in m.failed:
        print(f"summarizer: warning: {f.id}: {f.error}: {f.message}", file=sys.stderr)
