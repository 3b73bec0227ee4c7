"""Options shared by several subcommands, declared once (typer ``Annotated`` aliases).

A command takes ``model: Model = None`` instead of repeating the ``typer.Option(...)`` call,
so every command spells, abbreviates and documents the model and endpoint options alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["BackendName", "BaseUrl", "Lenient", "MaxReasks", "Mode", "Model", "ModelPath",
           "NoCache", "NoModel", "ShowProgress"]

Model = Annotated[str | None, typer.Option("--model", "-m", help="Model id, or local catalogue name.")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint URL.")]
BackendName = Annotated[str | None, typer.Option("--backend", help="auto | openai | local.")]
ModelPath = Annotated[Path | None, typer.Option("--model-path", help="Any GGUF file (local backend).")]
Mode = Annotated[str | None, typer.Option("--mode", help="auto | tools | json | json_schema | md_json.")]
MaxReasks = Annotated[int | None, typer.Option("--max-reasks", help="Re-asks when evidence fails.")]
NoModel = Annotated[bool, typer.Option(
    "--no-model", help="Parser only: claims, speakers and an extractive summary, no model call.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")]
Lenient = Annotated[bool, typer.Option(
    "--lenient", help="Keep unverifiable items in 'rejected' instead of failing.")]
ShowProgress = Annotated[bool | None, typer.Option(
    "--progress/--no-progress", help="Progress bar (default: on a terminal).")]
