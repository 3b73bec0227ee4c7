"""Command-line interface: ``summarizer summarize|models|eval|brief|batch|logs``.

Each subcommand lives in its own module (a function, or a typer group) and knows nothing of
:data:`app`; this module registers them, so the imports go one way (``cli`` → ``*_cmd``).
Options shared by several commands are declared once in :mod:`.options`. Errors print one
line on stderr and exit non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
import traceback

import typer

from ..core.errors import BadInputError, ConfigurationError, SummarizerError, redact
from . import batch_cmd, brief_cmd, eval_cmd, logs_cmd, models_cmd, summarize_cmd
from .common import state

app = typer.Typer(
    name="summarizer",
    help="Evidence-backed analysis of news articles: summaries, attributed claims, stances.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
) -> None:
    state.debug = debug


app.command("batch")(batch_cmd.batch)
app.command("brief")(brief_cmd.brief_command)
app.command("summarize")(summarize_cmd.summarize)
app.add_typer(eval_cmd.eval_app, name="eval")
app.add_typer(logs_cmd.logs_app, name="logs")
app.add_typer(models_cmd.models_app, name="models")

EXIT_CODES = {BadInputError: 2, ConfigurationError: 3}


def _classes(*names: str) -> tuple[type[BaseException], ...]:
    """Exception classes by dotted name, skipping the ones this typer/click lacks: typer >= 0.2x
    vendors click (``typer._click``), so a usage error is no longer a ``click.ClickException``."""
    import importlib

    found: list[type[BaseException]] = []
    for name in names:
        module, _, attr = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
        if cls not in found:
            found.append(cls)
    return tuple(found)


_EXIT = _classes("typer.Exit", "click.exceptions.Exit")
_ABORT = _classes("typer.Abort", "click.exceptions.Abort")
_USAGE = _classes("typer.exceptions.TyperException", "click.ClickException")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``summarizer`` script."""
    try:
        # With standalone_mode=False click *returns* the code of a `raise typer.Exit(n)`.
        rc = app(args=argv, prog_name="summarizer", standalone_mode=False)
        if isinstance(rc, int) and rc != 0:
            return rc
    except _EXIT as exc:
        return exc.exit_code  # type: ignore[attr-defined]
    except _USAGE as exc:  # bad option or argument: the usage line and one error line
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"summarizer: error: {exc}", file=sys.stderr)
        return exc.exit_code  # type: ignore[attr-defined]
    except _ABORT:
        print("summarizer: aborted", file=sys.stderr)
        return 130
    except SummarizerError as exc:
        if state.debug:
            # the chained provider exceptions may quote the key back (an echoed header)
            trace = "".join(traceback.format_exception(exc))
            print(redact(trace, state.secrets), file=sys.stderr, end="")
        print(f"summarizer: error: {redact(str(exc), state.secrets)}", file=sys.stderr)
        for cls, code in EXIT_CODES.items():
            if isinstance(exc, cls):
                return code
        return 1
    except KeyboardInterrupt:
        print("summarizer: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
