"""A fault-injecting OpenAI-compatible chat-completions server on 127.0.0.1 (tests only).

Each request is answered either with a fault, drawn at configurable rates, or with a valid
answer produced by a callback from the request (by default :func:`grounded_answer`, which
cites real sentence ids of the article found in the request). The draw is deterministic:
it depends only on the seed, the request's messages and how many times those same messages
were seen before — not on thread timing — so a run with the same seed injects the same
faults into the same requests.

Fault kinds (:data:`FAULT_KINDS`):

==================  ===========================================================================
``rate_limit``      HTTP 429 with ``Retry-After``
``server_error``    HTTP 500, 502 or 503
``reset``           the TCP connection is reset (RST) without an answer
``stall``           no answer until after the client's timeout (``stall_s``)
``malformed_json``  a 200 whose content is not valid JSON
``schema_break``    valid JSON that does not match the answer schema
``truncated``       half an answer with ``finish_reason="length"``
``ungrounded``      a well-formed answer whose evidence does not ground (unknown sentence
                    ids, a speaker and a quotation that are not in the article)
==================  ===========================================================================

Example:
    >>> from summarizer.testing.faults import FaultServer
    >>> with FaultServer(rates={"rate_limit": 0.1, "reset": 0.1}, seed=7) as server:
    ...     server.base_url.startswith("http://127.0.0.1:")  # point an OpenAIBackend here
    True

Just over 400 lines: the fault kinds, their deterministic draw and the server that injects them are one test fixture.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from ..analysis.grounding import content_words
from .server import chat_completion

__all__ = ["FAULT_KINDS", "FaultServer", "grounded_answer", "numbered_sentences"]

FAULT_KINDS = (
    "rate_limit",
    "server_error",
    "reset",
    "stall",
    "malformed_json",
    "schema_break",
    "truncated",
    "ungrounded",
)

AnswerFn = Callable[[dict[str, Any]], "dict[str, Any] | str"]

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_ARTICLE = re.compile(r"<article[^>]*>\n(.*)\n</article>", re.DOTALL)
_PARTS = re.compile(r"<parts>\n(.*)\n</parts>", re.DOTALL)
_SPEAKER = re.compile(
    r"\b([A-Z][a-z]+(?: [A-Z][a-z'\-]+){1,2}),? (said|told|warned|argued|stressed|added|explained)\b"
)
_QUOTES = re.compile(r"[\"“”«»„]")
_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_ASKED = re.compile(r"Reply with one JSON object holding only (.*?)\. State only", re.DOTALL)


def _user_text(body: Mapping[str, Any]) -> str:
    """The first message that holds the article (the system message of the summary prompt,
    the first user message of older prompts), else the first user message; re-asks append
    more messages after it."""
    messages = body.get("messages", [])
    for m in messages:
        content = str(m.get("content") or "")
        if "<article" in content or "Part 1:" in content:
            return content
    for m in messages:
        if m.get("role") == "user":
            return str(m.get("content") or "")
    return ""


def numbered_sentences(text: str) -> list[tuple[int, str]]:
    """The ``[n] sentence`` lines of a rendered prompt, in order."""
    return [(int(n), s) for n, s in _NUMBERED.findall(text)]


def _reask(body: Mapping[str, Any]) -> tuple[bool, bool, int] | None:
    """What a summary re-ask asks for (new headline, new abstract, how many replacement key
    points), or ``None`` for a first request."""
    messages = body.get("messages", [])
    last = str(messages[-1].get("content") or "") if messages else ""
    if len(messages) < 3 or (m := _ASKED.search(last)) is None:
        return None
    asked = m.group(1)
    n = re.search(r"(\d+) replacement key point", asked)
    return '("h")' in asked, '("a")' in asked, int(n.group(1)) if n else 0


def grounded_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """A valid, verifiable summary answer for the article in a chat-completions request ``body``.

    Built only from the article's own numbered sentences, so it passes the content checks of
    :mod:`summarizer.analysis.summary`: the headline is the first sentence (clipped), the
    abstract the complete leading sentences that fit in 220 characters (always ending at a
    sentence end), the key points distinct sentences (no two sharing 80 % of their content
    words) citing their own ids. A re-ask gets only the parts it asks for, with key points
    taken after the first three (or the first ones again when the headline is asked for too:
    the answer before gave nothing usable). A merge request (``<parts>``) gets a merge answer.
    Claims (``"c"``, a speaker named with a cue verb) and stances (``"s"``) are included as
    an older-format model would write them; the engine ignores them.

    Example:
        >>> body = {"messages": [{"role": "user", "content": "<article>\\n[1] Ana Ruiz said hi.\\n</article>"}]}
        >>> grounded_answer(body)["k"][0]["e"]
        [1]
    """
    user = _user_text(body)
    if (parts := _PARTS.search(user)) is not None:
        points = numbered_sentences(parts.group(1))
        ids = [n for n, _ in points][:3] or [1]
        first = next((ln for ln in parts.group(1).splitlines() if ln.startswith("Part ")), "Part 1: x")
        headline = first.split(":", 1)[-1].strip()[:90] or "Merged summary"
        return {
            "h": headline,
            "a": f"The article covers {len(points)} key points in several parts.",
            "k": [{"x": text[:110] or "Key point.", "p": [n]} for n, text in points[:3]]
            or [{"x": "Key point.", "p": ids}],
        }
    article = _ARTICLE.search(user)
    sentences = numbered_sentences(article.group(1) if article else user)
    if not sentences:
        sentences = [(1, "The article.")]

    def clip(text: str, n: int) -> str:
        text = _QUOTES.sub("", text).strip()
        return (text[: n - 1].rsplit(" ", 1)[0] if len(text) > n else text) or "Summary."

    claims: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, text in sentences:
        m = _SPEAKER.search(text)
        if m is None or len(claims) >= 8:
            continue
        key = clip(text, 150).lower()
        if key in seen:
            continue
        seen.add(key)
        speaker = m.group(1)[:60]
        claims.append(
            {
                "s": speaker,
                "t": "person",
                "a": "direct" if _QUOTES.search(text) else "indirect",
                "v": m.group(2),
                "x": clip(text, 150),
                "e": [n],
            }
        )
        if len(stances) < 2:
            stances.append({"h": speaker, "t": "person", "g": "the plan", "l": "neutral", "e": [n]})

    abstract = ""
    for _, text in sentences:
        text = _QUOTES.sub("", text).strip()
        if not _END.search(text):
            text = text.rstrip(",;: ") + "."
        if len(abstract) + len(text) + 1 > 220:
            break
        abstract = f"{abstract} {text}".strip()
    if not abstract:
        abstract = clip(sentences[0][1], 219).rstrip(",;: ") + "."

    points: list[dict[str, Any]] = []
    chosen: list[set[str]] = []
    for n, text in sentences:
        words = content_words(clip(text, 110))
        if any(words and len(words & earlier) / len(words) >= 0.8 for earlier in chosen):
            continue
        chosen.append(words)
        points.append({"x": clip(text, 110), "e": [n]})
    answer: dict[str, Any] = {"h": clip(sentences[0][1], 90), "a": abstract, "k": points[:3],
                              "c": claims, "s": stances}
    if (asked := _reask(body)) is not None:
        headline, abstract_, need = asked
        answer = {k: v for k, v in (("h", answer["h"]), ("a", answer["a"])) if
                  (headline if k == "h" else abstract_)}
        if need:
            # a headline asked for again means the last answer gave nothing usable (a fault):
            # start over; otherwise the first three key points stand, give the next ones
            answer["k"] = points[:need] if headline else (points[3 : 3 + need] or points[:need])
    return answer


def _ungrounded(body: Mapping[str, Any]) -> dict[str, Any]:
    sentences = numbered_sentences(_user_text(body))
    missing = (max((n for n, _ in sentences), default=1)) + 100
    return {
        "h": "Officials confirm the plan",
        "a": "Officials confirmed the plan.",
        "k": [{"x": "Officials confirmed the plan.", "e": [missing]}],
        "c": [
            {
                "s": "Zebulon Quarrington",
                "t": "person",
                "a": "direct",
                "v": "said",
                "x": 'Zebulon Quarrington said "the committee has secretly approved everything"',
                "e": [1],
            }
        ],
        "s": [],
    }


class _QuietServer(ThreadingHTTPServer):
    """A client that vanishes mid-request (a timeout, a killed process) is not an error here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FaultServer:
    """Serve chat completions on ``127.0.0.1:<free port>`` with injected faults.

    Args:
        rates: probability of each fault kind per request (keys from :data:`FAULT_KINDS`);
            their sum must not exceed 1.
        seed: makes the draws reproducible.
        answer: builds the valid answer from the request body (default
            :func:`grounded_answer`).
        stall_s: how long a ``stall`` waits before answering (set it above the client timeout).
        retry_after_s: the ``Retry-After`` value sent with 429 (seconds; fractions allowed).
        server_statuses: the statuses a ``server_error`` picks from.

    Attributes:
        injected: faults sent, by kind. ``answered`` counts valid answers.
        requests: every request body received, in arrival order.
    """

    def __init__(
        self,
        *,
        rates: Mapping[str, float] | None = None,
        seed: int = 0,
        answer: AnswerFn = grounded_answer,
        stall_s: float = 2.0,
        retry_after_s: float = 0.05,
        server_statuses: tuple[int, ...] = (500, 502, 503),
    ) -> None:
        self.rates = dict(rates or {})
        unknown = set(self.rates) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; choose from {FAULT_KINDS}")
        if sum(self.rates.values()) > 1.0 + 1e-9 or any(r < 0 for r in self.rates.values()):
            raise ValueError("fault rates must be >= 0 and sum to at most 1")
        self.seed = seed
        self.answer = answer
        self.stall_s = stall_s
        self.retry_after_s = retry_after_s
        self.server_statuses = server_statuses
        self.injected: Counter[str] = Counter()
        self.answered = 0
        self.requests: list[dict[str, Any]] = []
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, body: Mapping[str, Any]) -> str | None:
        """The fault for this request (``None`` = a valid answer); counts the request."""
        digest = hashlib.sha256(
            json.dumps(body.get("messages", []), sort_keys=True).encode()
        ).hexdigest()
        with self._lock:
            nth = self._seen[digest]
            self._seen[digest] += 1
        rng = random.Random(f"{self.seed}|{digest}|{nth}")
        x = rng.random()
        for kind in FAULT_KINDS:
            rate = self.rates.get(kind, 0.0)
            if x < rate:
                return kind
            x -= rate
        return None

    # -- answering --------------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(body)
        kind = self.draw(body)
        with self._lock:
            if kind is None:
                self.answered += 1
            else:
                self.injected[kind] += 1
        rng = random.Random(f"{self.seed}|{len(self.requests)}")
        if kind == "rate_limit":
            self._send(h, 429, {"error": {"message": "rate limited (injected)", "type": "rate_limit"}},
                       {"Retry-After": f"{self.retry_after_s:g}"})
        elif kind == "server_error":
            status = rng.choice(self.server_statuses)
            self._send(h, status, {"error": {"message": f"injected {status}", "type": "server_error"}})
        elif kind == "reset":
            h.close_connection = True
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
        elif kind == "stall":
            self._stop.wait(self.stall_s)
            h.close_connection = True
            self._send(h, 200, chat_completion(json.dumps(self.answer(body)), request=body))
        elif kind == "malformed_json":
            self._send(h, 200, chat_completion('{"h": "Unfinished", "a": [1, 2,,', request=body))
        elif kind == "schema_break":
            bad = {"headline": "Wrong keys", "summary": 42, "claims": "none"}
            self._send(h, 200, chat_completion(json.dumps(bad), request=body))
        elif kind == "truncated":
            full = json.dumps(self.answer(body))
            self._send(h, 200, chat_completion(full[: max(1, len(full) // 2)], request=body,
                                               finish_reason="length"))
        elif kind == "ungrounded":
            self._send(h, 200, chat_completion(json.dumps(_ungrounded(body)), request=body))
        else:
            answer = self.answer(body)
            content = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
            self._send(h, 200, chat_completion(content, request=body))

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: use it as a context manager")
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/v1"

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())

    def __enter__(self) -> Self:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = {}
                try:
                    server._serve(self, body)
                except OSError:
                    pass  # the client gave up (timeout) or the connection was reset

        # bound here, not in __init__, so a FaultServer used only for draw() holds no socket
        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
