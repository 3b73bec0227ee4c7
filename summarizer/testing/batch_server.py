"""A loopback OpenAI Batch API server (tests only): files, batches and chat completions.

It implements what ``summarizer batch --via openai-batch`` uses, with the shapes the real
``openai`` client expects:

* ``POST /v1/files`` (multipart upload, ``purpose=batch``), ``GET /v1/files/{id}`` and
  ``GET /v1/files/{id}/content``;
* ``POST /v1/batches``, ``GET /v1/batches/{id}``, ``GET /v1/batches`` (list, newest first);
* ``POST /v1/chat/completions`` (the direct path, for ``--reask-direct``).

A batch moves one step per ``retrieve``: ``validating`` → ``in_progress`` (answering
``per_poll`` requests per retrieve, so ``request_counts`` grow) → ``finalizing`` →
``completed``. Each created batch follows the next :class:`BatchPlan` queued in ``plans``
(default: complete normally): ``outcome="failed"`` fails validation with ``errors``,
``outcome="expired"`` stops after ``expire_after`` answers and lists the rest in the error
file with code ``batch_expired``, as the provider does. Every request is answered by
``handler(body) -> Reply`` (:class:`~summarizer.testing.server.Reply`); a non-200 reply
becomes an error-file line. ``paused = True`` freezes every batch where it is.

Usage::

    with BatchServer(handler=lambda body: Reply(content={...})) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="x")
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .server import Reply, chat_completion

__all__ = ["BatchPlan", "BatchServer"]

Handler = Callable[[dict[str, Any]], Reply]


@dataclass
class BatchPlan:
    """How one batch ends: ``completed``, ``failed`` (validation) or ``expired``."""

    outcome: str = "completed"
    per_poll: int | None = None  # requests answered per retrieve; default: all in 2 polls
    expire_after: int = 0
    errors: list[dict[str, Any]] = field(default_factory=lambda: [
        {"code": "invalid_request", "message": "scripted validation failure", "line": 1}])


@dataclass
class _Batch:
    obj: dict[str, Any]
    lines: list[dict[str, Any]]
    plan: BatchPlan
    done: int = 0
    outputs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


class BatchServer:
    """Serve the Batch API on ``127.0.0.1:<free port>``; ``base_url`` ends in ``/v1``.

    Records: ``uploads`` (file ids uploaded with purpose batch), ``created`` (batch ids in
    creation order), ``retrieves`` (count), ``chat_requests`` (direct chat bodies).
    """

    def __init__(self, *, handler: Handler, plans: list[BatchPlan] | None = None) -> None:
        self.handler = handler
        self.plans: deque[BatchPlan] = deque(plans or [])
        self.paused = False
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, _Batch] = {}
        self.uploads: list[str] = []
        self.created: list[str] = []
        self.retrieves = 0
        self.chat_requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seq = 0
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def _send(self, status: int, payload: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _json(self, status: int, obj: Any) -> None:
                self._send(status, json.dumps(obj).encode())

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                raw = self._body()
                if path == "/v1/files":
                    self._json(200, server._upload(self.headers.get("Content-Type", ""), raw))
                elif path == "/v1/batches":
                    status, obj = server._create(json.loads(raw or b"{}"))
                    self._json(status, obj)
                elif path == "/v1/chat/completions":
                    body = json.loads(raw or b"{}")
                    with server._lock:
                        server.chat_requests.append(body)
                    status, obj = server._answer(body)
                    self._json(status, obj)
                else:
                    self._json(404, {"error": {"message": f"no route {path}"}})

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                parts = path.strip("/").split("/")
                if parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
                    data = server.contents.get(parts[2])
                    if data is None:
                        self._json(404, {"error": {"message": "no such file"}})
                    else:
                        self._send(200, data, "application/octet-stream")
                elif parts[:2] == ["v1", "files"] and len(parts) == 3 and parts[2] in server.files:
                    self._json(200, server.files[parts[2]])
                elif parts[:2] == ["v1", "batches"] and len(parts) == 3:
                    obj = server._retrieve(parts[2])
                    self._json(200 if obj else 404, obj or {"error": {"message": "no such batch"}})
                elif parts == ["v1", "batches"]:
                    with server._lock:
                        data = [server.batches[b].obj for b in reversed(server.created)]
                    self._json(200, {"object": "list", "data": data, "has_more": False,
                                     "first_id": data[0]["id"] if data else None,
                                     "last_id": data[-1]["id"] if data else None})
                else:
                    self._json(404, {"error": {"message": f"no route {path}"}})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- state machine -------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}-{self._seq:04d}"

    def _store_file(self, data: bytes, filename: str, purpose: str) -> str:
        file_id = self._id("file")
        self.files[file_id] = {"id": file_id, "object": "file", "bytes": len(data),
                               "created_at": int(time.time()), "filename": filename,
                               "purpose": purpose, "status": "processed"}
        self.contents[file_id] = data
        return file_id

    def _upload(self, ctype: str, raw: bytes) -> dict[str, Any]:
        message = BytesParser(policy=email_policy).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        fields: dict[str, Any] = {}
        filename = "upload.jsonl"
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                filename = part.get_filename()
            fields[str(name)] = part.get_payload(decode=True)
        with self._lock:
            purpose = (fields.get("purpose") or b"").decode()
            file_id = self._store_file(fields.get("file") or b"", filename, purpose)
            if purpose == "batch":
                self.uploads.append(file_id)
            return self.files[file_id]

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            data = self.contents.get(body.get("input_file_id", ""))
            if data is None:
                return 400, {"error": {"message": "unknown input_file_id"}}
            lines = [json.loads(x) for x in data.decode().splitlines() if x.strip()]
            batch_id = self._id("batch")
            obj = {
                "id": batch_id, "object": "batch", "endpoint": body.get("endpoint"),
                "input_file_id": body["input_file_id"], "completion_window": body.get("completion_window"),
                "status": "validating", "created_at": int(time.time()), "output_file_id": None,
                "error_file_id": None, "errors": None, "metadata": body.get("metadata"),
                "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            }
            plan = self.plans.popleft() if self.plans else BatchPlan()
            self.batches[batch_id] = _Batch(obj=obj, lines=lines, plan=plan)
            self.created.append(batch_id)
            return 200, obj

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        reply = self.handler(body)
        if reply.status != 200:
            return reply.status, reply.body or {"error": {"message": f"scripted {reply.status}",
                                                          "type": "server_error"}}
        content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
        return 200, chat_completion(content, request=body, finish_reason=reply.finish_reason,
                                    model=str(body.get("model") or "scripted"),
                                    top_logprobs=reply.top_logprobs)

    def _retrieve(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            self.retrieves += 1
            batch = self.batches.get(batch_id)
            if batch is None:
                return None
            if not self.paused:
                self._step(batch)
            return dict(batch.obj)

    def _step(self, batch: _Batch) -> None:
        obj, plan = batch.obj, batch.plan
        status = obj["status"]
        now = int(time.time())
        if status == "validating":
            if plan.outcome == "failed":
                obj.update(status="failed", failed_at=now,
                           errors={"object": "list", "data": plan.errors})
            else:
                obj.update(status="in_progress", in_progress_at=now)
            return
        if status == "in_progress":
            total = len(batch.lines)
            per = plan.per_poll or max(1, math.ceil(total / 2))
            limit = plan.expire_after if plan.outcome == "expired" else total
            for line in batch.lines[batch.done:min(batch.done + per, limit)]:
                self._run_line(batch, line)
            counts = obj["request_counts"]
            counts.update(completed=len(batch.outputs), failed=len(batch.errors))
            if batch.done >= limit:
                if plan.outcome == "expired":
                    for line in batch.lines[batch.done:]:
                        batch.errors.append({
                            "id": f"batch_req_{line['custom_id']}", "custom_id": line["custom_id"],
                            "response": None, "error": {
                                "code": "batch_expired",
                                "message": "This request could not be executed before the "
                                           "completion window expired."}})
                    counts.update(failed=len(batch.errors))
                    self._files(batch)
                    obj.update(status="expired", expired_at=now)
                else:
                    obj.update(status="finalizing", finalizing_at=now)
            return
        if status == "finalizing":
            self._files(batch)
            obj.update(status="completed", completed_at=now)

    def _run_line(self, batch: _Batch, line: dict[str, Any]) -> None:
        batch.done += 1
        status, body = self._answer(line["body"])
        record = {"id": f"batch_req_{line['custom_id']}", "custom_id": line["custom_id"],
                  "response": {"status_code": status, "request_id": f"req_{batch.done}", "body": body},
                  "error": None}
        (batch.outputs if status == 200 else batch.errors).append(record)

    def _files(self, batch: _Batch) -> None:
        def dump(records: list[dict[str, Any]]) -> bytes:
            return "".join(json.dumps(r) + "\n" for r in records).encode()

        if batch.outputs:
            batch.obj["output_file_id"] = self._store_file(dump(batch.outputs), "output.jsonl", "batch_output")
        if batch.errors:
            batch.obj["error_file_id"] = self._store_file(dump(batch.errors), "errors.jsonl", "batch_output")

    # -- plumbing ---------------------------------------------------------------------------

    def requests_in(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines of a created batch (custom_id, method, url, body)."""
        return list(self.batches[batch_id].lines)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> BatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
