"""A real HTTP server on 127.0.0.1 that speaks the chat-completions protocol with scripted
answers, for wire tests and benchmarks (the real ``openai`` client talks to it)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Reply", "ScriptedServer", "chat_completion"]


def chat_completion(
    content: str,
    *,
    request: dict[str, Any] | None = None,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int | None = None,
    model: str = "scripted",
    top_logprobs: dict[str, float] | None = None,
) -> dict[str, Any]:
    """A chat-completion response body. If the request offered tools, the content is sent
    as the arguments of a call to the first tool (what a TOOLS-mode client expects). If the
    request asked for ``logprobs`` and ``top_logprobs`` (token → log-probability) is given,
    they are returned for the first answer token, as the OpenAI API does."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    tools = (request or {}).get("tools")
    if tools:
        name = tools[0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}
            ],
        }
        if finish_reason == "stop":
            finish_reason = "tool_calls"
    choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": finish_reason}
    if top_logprobs and (request or {}).get("logprobs"):
        ranked = sorted(top_logprobs.items(), key=lambda kv: -kv[1])[: (request or {}).get("top_logprobs") or 1]
        alternatives = [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in ranked]
        choice["logprobs"] = {"content": [{**alternatives[0], "top_logprobs": alternatives}]}
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens if completion_tokens is not None else max(1, len(content) // 4),
            "total_tokens": prompt_tokens + (completion_tokens or max(1, len(content) // 4)),
        },
    }


@dataclass
class Reply:
    """One scripted reply.

    ``content`` (str or dict, sent as JSON) becomes a normal completion; ``status`` other than
    200 sends ``body`` (default: an OpenAI-style error) with ``headers``; ``delay_s`` sleeps
    first; ``raw`` sends bytes as-is; ``drop`` closes the connection without answering;
    ``top_logprobs`` (token → log-probability) answers a request that asks for ``logprobs``.
    """

    content: str | dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay_s: float = 0.0
    raw: bytes | None = None
    drop: bool = False
    finish_reason: str = "stop"
    top_logprobs: dict[str, float] | None = None


Handler = Callable[[dict[str, Any]], Reply]


class ScriptedServer:
    """Serve queued :class:`Reply` objects (or a handler's) on ``127.0.0.1:<free port>``.

    Use as a context manager; ``base_url`` is ready for ``openai.OpenAI(base_url=...)``;
    ``requests`` records every JSON body received.

    Label-scoring requests (``logprobs: true``, e.g. the stance labels) are answered with an
    abstention ("none" most likely) and recorded in ``label_requests`` instead, unless the next
    queued reply carries ``top_logprobs`` or ``abstain_labels=False``: so scripted summaries
    are never consumed by a label request.
    """

    ABSTAIN = {"none": -0.05, "neutral": -3.5, "favor": -5.0, "against": -5.0, "mixed": -6.0}

    def __init__(self, replies: list[Reply] | None = None, *, handler: Handler | None = None,
                 default: Reply | None = None, abstain_labels: bool = True) -> None:
        self.replies: deque[Reply] = deque(replies or [])
        self.handler = handler
        self.default = default
        self.abstain_labels = abstain_labels
        self.requests: list[dict[str, Any]] = []
        self.label_requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # silence
                return

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    label = (server.abstain_labels and bool(body.get("logprobs"))
                             and not (server.replies and server.replies[0].top_logprobs))
                    (server.label_requests if label else server.requests).append(body)
                reply = (Reply(content="none", top_logprobs=server.ABSTAIN) if label
                         else server._next(body))
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.drop:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(2)
                    except OSError:
                        pass
                    return
                if reply.raw is not None:
                    payload = reply.raw
                elif reply.status != 200:
                    payload = json.dumps(reply.body or {"error": {"message": f"scripted {reply.status}",
                                                                  "type": "server_error"}}).encode()
                else:
                    content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
                    payload = json.dumps(chat_completion(content, request=body, finish_reason=reply.finish_reason,
                                                         top_logprobs=reply.top_logprobs)).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.replies:
                return self.replies.popleft()
        if self.handler is not None:
            return self.handler(body)
        if self.default is not None:
            return self.default
        return Reply(status=500, body={"error": {"message": "no scripted reply left"}})

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
