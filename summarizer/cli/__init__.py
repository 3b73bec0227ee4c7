"""Command-line interface: ``summarizer summarize|models|eval|brief|batch|logs``.

Each subcommand lives in its own module (a function, or a typer group) and knows nothing of
:data:`app`; this module registers them, so the imports go one way (``cli`` → ``*_cmd``).
A subcommand's module is imported only when that subcommand is looked up (:class:`_LazyGroup`):
``summarizer summarize`` does not import the eval suites, the batch runners or the briefing.
Options shared by several commands are declared once in :mod:`.options`. Errors print one
line on stderr and exit non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import TYPE_CHECKING, cast

import typer
import typer.main
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer.core import _click

    Command = _click.Command
    Context = _click.Context

from ..core.errors import BadInputError, ConfigurationError, SummarizerError, redact
from .common import state

COMMANDS: dict[str, tuple[str, str]] = {
    "batch": ("batch_cmd", "batch"),
    "brief": ("brief_cmd", "brief_command"),
    "summarize": ("summarize_cmd", "summarize"),
    "eval": ("eval_cmd", "eval_app"),
    "logs": ("logs_cmd", "logs_app"),
    "models": ("models_cmd", "models_app"),
}
"""Subcommand → (module in this package, its function or typer group), in ``--help`` order."""


def _load_command(name: str) -> Command:
    """Import the module of subcommand ``name`` and build its click command, as
    ``app.command(name)(fn)`` / ``app.add_typer(group, name=name)`` would."""
    module, attr = COMMANDS[name]
    target = getattr(importlib.import_module(f".{module}", __package__), attr)
    holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # a group, so the command keeps its name
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    group = cast(TyperGroup, typer.main.get_command(holder))  # a callback makes it a group
    return group.commands[name]


class _LazyGroup(TyperGroup):
    """The root group: each subcommand is built (its module imported) on first lookup."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS) + [n for n in self.commands if n not in COMMANDS]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = _load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] not in COMMANDS:  # not a command: typer suggests from all of them
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="summarizer",
    cls=_LazyGroup,
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
