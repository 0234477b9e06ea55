"""The fake ARM's HTTPS server: 127.0.0.1, a random port, a trustme certificate, a request log."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import trustme

from amlaudit import armid
from fakearm.estate import FakeEstate, Missing
from fakearm.faults import Fault, Faults

GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int
    started: float
    ended: float
    authorization: str


class FakeArm:
    def __init__(
        self,
        resources: list[dict[str, Any]],
        directory: Path,
        page_size: int = 5,
        extra_subscriptions: Sequence[str] = (),
        management_groups: dict[str, list[str]] | None = None,
        graph_quota: int | None = None,
        shapes: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self.estate = FakeEstate(resources, extra_subscriptions, management_groups)
        # api-version -> resources as that version shows them: they replace the current shape
        # of the same ID, or exist only there (v1 datastores at 2020-05-01-preview).
        self.shapes = {
            version: {armid.key(r["id"]): r for r in items}
            for version, items in (shapes or {}).items()
        }
        self.faults = Faults()
        self.page_size = page_size
        self.graph_quota = graph_quota
        self.log: list[RequestRecord] = []
        self._lock = threading.Lock()
        ca = trustme.CA()
        self.ca_path = directory / "fakearm-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(self._context)
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeArm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def env(self, token: str = "fake-token") -> dict[str, str]:
        """Environment for a CLI subprocess that talks to this fake."""
        return {
            "REQUESTS_CA_BUNDLE": str(self.ca_path),
            "AMLAUDIT_ACCESS_TOKEN": token,
            "AMLAUDIT_RETRY_BACKOFF": "0.01",
            "AMLAUDIT_RETRY_AFTER_CAP": "0.5",
            "AMLAUDIT_REQUEST_TIMEOUT": "5",
        }

    def args(self) -> list[str]:
        return ["--arm-endpoint", self.url, "--auth", "token", "--quiet"]

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self.log.append(entry)

    def shaped(
        self, found: dict[str, Any] | list[dict[str, Any]], path: str, version: str
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """What an api-version returns: its own shapes first, then the current ones."""
        own = self.shapes.get(version, {})
        if not own:
            return found
        if isinstance(found, dict):
            return own.get(armid.key(found["id"]), found)
        out = [own.get(armid.key(r["id"]), r) for r in found]
        seen = {armid.key(r["id"]) for r in out}
        collection = armid.key(path)
        out += [
            r for k, r in sorted(own.items()) if k not in seen and k.rsplit("/", 1)[0] == collection
        ]
        return out

    def writes(self) -> list[RequestRecord]:
        """Every request that is not a GET or a Resource Graph query."""
        return [
            r
            for r in self.log
            if r.method != "GET" and not (r.method == "POST" and r.path.lower() == GRAPH_PATH)
        ]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type, fake: FakeArm) -> None:
        super().__init__(address, handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (timeouts, dropped connections) is part of the test."""

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        # Headers and body go out as separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every response.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The TLS handshake happens on the handler's thread, not the accept loop.
        wrapped = self.fake._context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, address


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # -- dispatch ------------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        self._remaining = "11999"
        started = time.monotonic()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status = self._respond(fake, method, parts.path, parts.query, body)
        fake.record(
            RequestRecord(
                method,
                parts.path,
                parts.query,
                status,
                started,
                time.monotonic(),
                self.headers.get("Authorization", ""),
            )
        )

    def _respond(self, fake: FakeArm, method: str, path: str, query: str, body: bytes) -> int:
        if fake.faults.latency:
            time.sleep(fake.faults.latency)
        target = f"{path}?{query}"
        for fault in fake.faults.take(method, target):
            if fault.kind == "slow":
                time.sleep(float(fault.value))
                continue
            if fault.kind == "lowquota":
                self._remaining = fault.value
                continue
            return self._fault(fault)
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._error(401, "AuthenticationFailed", "no bearer token")
        sub = fake.faults.forbidden(path)
        if sub:
            return self._error(
                403, "AuthorizationFailed", f"the client has no read access to subscription {sub}"
            )
        params = dict(parse_qsl(query, keep_blank_values=True))
        if method == "POST" and path.lower() == GRAPH_PATH:
            return self._graph(fake, json.loads(body or b"{}"))
        if method != "GET":
            return self._error(405, "MethodNotAllowed", f"{method} is not allowed here")
        if not params.get("api-version"):
            return self._error(400, "MissingApiVersionParameter", "api-version is required")
        try:
            found = fake.shaped(fake.estate.get(path, params), path, params["api-version"])
        except Missing as exc:
            return self._error(404, "ResourceNotFound", f"{exc} was not found")
        if isinstance(found, dict):
            return self._json(200, found)
        offset = int(params.get("$skiptoken", "0") or 0)
        page = found[offset : offset + fake.page_size]
        document: dict[str, Any] = {"value": page}
        if offset + fake.page_size < len(found):
            rest = {k: v for k, v in params.items() if k != "$skiptoken"}
            rest["$skiptoken"] = str(offset + fake.page_size)
            document["nextLink"] = f"{fake.url}{path}?{urlencode(rest)}"
        return self._json(200, document)

    def _graph(self, fake: FakeArm, request: dict[str, Any]) -> int:
        rows = fake.estate.graph(request, fake.faults.forbidden_subscriptions)
        options = request.get("options") or {}
        top = min(int(options.get("$top", 1000)), 1000, fake.page_size)
        offset = int(options.get("$skipToken", "0") or 0)
        page = rows[offset : offset + top]
        document: dict[str, Any] = {
            "totalRecords": len(rows),
            "count": len(page),
            "data": page,
            "facets": [],
            "resultTruncated": "false",
        }
        if offset + top < len(rows):
            document["$skipToken"] = str(offset + top)
        headers = {}
        if fake.graph_quota is not None:
            headers = {
                "x-ms-user-quota-remaining": str(fake.graph_quota),
                "x-ms-user-quota-resets-after": "00:00:01",
            }
        return self._json(200, document, headers)

    # -- responses -------------------------------------------------------------------------

    def _fault(self, fault: Fault) -> int:
        if fault.kind == "throttle":
            headers = {"retry-after-ms": fault.ms} if fault.ms else {"Retry-After": fault.value}
            return self._error(429, "TooManyRequests", "throttled by the fake", headers)
        if fault.kind == "forbidden":
            return self._error(403, "AuthorizationFailed", "no read access (fault)")
        if fault.kind == "notfound":
            return self._error(404, "ResourceNotFound", "gone (fault)")
        if fault.kind in ("error", "status"):
            return self._error(fault.status, fault.code, f"injected {fault.status}")
        if fault.kind == "malformed":
            return self._raw(200, b'{"value": [{"id": "/subscriptions/')
        if fault.kind == "foreignlink":
            return self._json(200, {"value": [], "nextLink": "https://attacker.example/steal?x=1"})
        if fault.kind == "drop":
            data = json.dumps({"value": [], "padding": "x" * 4096}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return 200
        if fault.kind == "trickle":  # a valid body, one byte every `value` seconds (> 0)
            data = json.dumps({"value": [], "padding": "x" * fault.size}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            step = 1 if float(fault.value) else 65536  # no delay: a large body, not a trickle
            for start in range(0, len(data), step):
                self.wfile.write(data[start : start + step])
                self.wfile.flush()
                fault.sent += len(data[start : start + step])
                time.sleep(float(fault.value))
            return 200
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> int:
        return self._json(status, {"error": {"code": code, "message": message}}, headers)

    def _json(self, status: int, document: Any, headers: dict[str, str] | None = None) -> int:
        return self._raw(status, json.dumps(document).encode(), headers)

    def _raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        remaining = getattr(self, "_remaining", "11999")
        self.send_header("x-ms-ratelimit-remaining-subscription-reads", remaining)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        return status
