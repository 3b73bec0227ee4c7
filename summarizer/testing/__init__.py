"""Test utilities shipped with the package: a scripted OpenAI-compatible loopback server and
(see :mod:`summarizer.testing.faults`) fault injection. Loopback only."""

from .server import Reply, ScriptedServer, chat_completion

__all__ = ["Reply", "ScriptedServer", "chat_completion"]
