"""Read-only ARM over one shared azure-core pipeline: GET, `nextLink` paging, Graph POST.

The pipeline is built by hand, without the auto-registration policy generated management
clients carry (it POSTs `/providers/{rp}/register` on a 409: a write). Responses are returned
as the parsed JSON ARM sent: nothing is modelled, so unknown properties survive. Every failure
becomes an :class:`ArmFailure` with a short status and message the collector records.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from amlaudit._version import __version__
from amlaudit.collect.clouds import Cloud
from amlaudit.redact import scrub_text

# A 409 with one of these codes means "this provider is not registered": none of its resources.
NOT_REGISTERED = frozenset({"missingsubscriptionregistration", "subscriptionnotregistered"})


@dataclass(frozen=True)
class ArmOptions:
    retry_total: int = 4
    retry_backoff: float = 0.8
    retry_backoff_max: float = 30.0
    retry_after_cap: float = 30.0
    request_timeout: float = 60.0
    pool_size: int = 16
    # A body larger than this is an error for its scope, not 4x its size in memory.
    max_response_bytes: int = 256 * 1024**2


class ArmFailure(Exception):
    """A request that did not yield data: `status` is the HTTP code or a short word."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = scrub_text(message)[:500]


class NotRegistered(ArmFailure):
    """The resource provider is not registered in the subscription: there is nothing to read."""


class ArmClient:
    def __init__(self, cloud: Cloud, credential: Any, options: ArmOptions | None = None) -> None:
        import requests
        from azure.core.pipeline import Pipeline
        from azure.core.pipeline.policies import (
            BearerTokenCredentialPolicy,
            HeadersPolicy,
            UserAgentPolicy,
        )
        from azure.core.pipeline.transport import RequestsTransport

        from amlaudit.collect.policies import (
            AttemptCounter,
            CappedRetryPolicy,
            Pacer,
            QuotaPacingPolicy,
        )

        self.cloud = cloud
        self.options = options or ArmOptions()
        self._host = urlsplit(cloud.arm_endpoint).netloc.lower()
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=max(self.options.pool_size, 10)
        )
        session.mount("https://", adapter)
        self.pacer = Pacer(max_wait=self.options.retry_after_cap)
        self.counter = AttemptCounter()
        self._local = threading.local()
        self._pipeline = Pipeline(
            transport=RequestsTransport(session=session, session_owner=True),
            policies=[
                HeadersPolicy({"Accept": "application/json"}),
                UserAgentPolicy(base_user_agent=f"amlaudit/{__version__}"),
                QuotaPacingPolicy(self.pacer),
                CappedRetryPolicy(
                    retry_after_cap=self.options.retry_after_cap,
                    retry_total=self.options.retry_total,
                    retry_backoff_factor=self.options.retry_backoff,
                    retry_backoff_max=self.options.retry_backoff_max,
                ),
                BearerTokenCredentialPolicy(credential, cloud.token_scope),
                self.counter,
            ],
        )

    def close(self) -> None:
        self._pipeline.__exit__()

    def url(self, path: str, api_version: str, query: str = "") -> str:
        params = urlencode({"api-version": api_version}, safe="-")
        extra = f"&{query}" if query else ""
        return f"{self.cloud.arm_endpoint}{quote(path, safe='/:@-._~!$&()*+,;=')}?{params}{extra}"

    def get(self, path: str, api_version: str, deadline: float | None = None) -> dict[str, Any]:
        return self._send("GET", self.url(path, api_version), None, deadline)

    def pages(
        self, path: str, api_version: str, query: str = "", deadline: float | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The `value` of each page, following `nextLink` (only to the same host)."""
        url: str | None = self.url(path, api_version, query)
        seen: set[str] = set()
        while url:
            if url in seen:
                raise ArmFailure("invalid-response", f"nextLink loops back to {url[:200]}")
            seen.add(url)
            value, url = self.page(url, deadline)
            yield value

    def page(
        self, url: str, deadline: float | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a list: its `value` and the `nextLink` to follow, if any."""
        body = self._send("GET", url, None, deadline)
        value = body.get("value")
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ArmFailure("invalid-response", "list response has no 'value' array")
        next_link = body.get("nextLink")
        if next_link is not None and not isinstance(next_link, str):
            raise ArmFailure("invalid-response", "nextLink is not a string")
        if next_link and urlsplit(next_link).netloc.lower() != self._host:
            raise ArmFailure(
                "invalid-response",
                f"nextLink points to another host ({urlsplit(next_link).netloc}); "
                "not following it with our token",
            )
        return value, next_link or None

    def post(
        self, path: str, api_version: str, body: dict[str, Any], deadline: float | None = None
    ) -> dict[str, Any]:
        """Only for Resource Graph queries, which are reads sent as POST."""
        return self._send("POST", self.url(path, api_version), body, deadline)

    @property
    def attempts(self) -> int:
        return self.counter.attempts

    def _send(
        self, method: str, url: str, body: dict[str, Any] | None, deadline: float | None
    ) -> dict[str, Any]:
        from azure.core.exceptions import AzureError
        from azure.core.rest import HttpRequest

        remaining = self.options.request_timeout
        if deadline is not None:
            remaining = min(remaining, deadline - time.monotonic())
            if remaining <= 0:
                raise ArmFailure("timeout", "the overall --timeout was reached before this request")
        request = (
            HttpRequest(method, url, json=body) if body is not None else HttpRequest(method, url)
        )
        stop_at = time.monotonic() + remaining
        attempt = 0
        while True:
            try:
                response = self._pipeline.run(
                    request,
                    stream=True,
                    connection_timeout=min(remaining, 30.0),
                    read_timeout=remaining,
                    timeout=remaining,
                ).http_response
                data = self._read_body(response, stop_at)
                break
            except AzureError as exc:
                word = "timeout" if "timeout" in type(exc).__name__.lower() else "connection"
                raise ArmFailure(word, f"{type(exc).__name__}: {exc}") from None
            except _BodyError as exc:
                # The body is read outside azure-core's retry policy (to bound it), so a
                # connection dropped mid-body is retried here, with the same budget.
                wait = min(self.options.retry_backoff * 2**attempt, self.options.retry_backoff_max)
                attempt += 1
                if attempt > self.options.retry_total or time.monotonic() + wait >= stop_at:
                    raise ArmFailure("connection", f"the response broke off ({exc})") from None
                time.sleep(wait)
        if response.status_code >= 400:
            raise _failure(response.status_code, data.decode("utf-8", "replace"))
        try:
            document = json.loads(data) if data.strip() else {}
        except (ValueError, RecursionError) as exc:
            raise ArmFailure("invalid-response", f"malformed JSON from ARM ({exc})") from None
        if not isinstance(document, dict):
            raise ArmFailure("invalid-response", "response is not a JSON object")
        return document

    def _read_body(self, response: Any, stop_at: float) -> bytes:
        """The body, read a socket read at a time so that neither a body that trickles in
        (one byte every 2 s never trips a read timeout) nor one of a gigabyte gets past the
        deadline or the size limit."""
        limit = self.options.max_response_bytes
        raw = getattr(getattr(response, "internal_response", None), "raw", None)
        chunks: Iterator[bytes] = (
            iter(lambda: raw.read1(_CHUNK, decode_content=True), b"")
            if raw is not None and hasattr(raw, "read1")
            else response.iter_bytes()
        )
        import urllib3

        parts: list[bytes] = []
        size = 0
        try:
            for chunk in _guarded(chunks, (urllib3.exceptions.HTTPError, OSError)):
                size += len(chunk)
                if size > limit:
                    raise ArmFailure(
                        "too-large",
                        f"response body over the {limit:,}-byte limit "
                        "($AMLAUDIT_MAX_RESPONSE_SIZE); not read",
                    )
                if time.monotonic() > stop_at:
                    raise ArmFailure("timeout", "the response was still arriving at the deadline")
                parts.append(chunk)
        finally:
            response.close()
        return b"".join(parts)


_CHUNK = 1024 * 1024


class _BodyError(Exception):
    """The connection failed while the body was being read: worth another attempt."""


def _guarded(chunks: Iterator[bytes], failures: tuple[type[Exception], ...]) -> Iterator[bytes]:
    try:
        yield from chunks
    except failures as exc:
        raise _BodyError(f"{type(exc).__name__}: {exc}"[:300]) from None


def _failure(status: int, text: str) -> ArmFailure:
    code, message = "", text.strip()[:300]
    try:
        error = json.loads(text).get("error", {})
        code, message = str(error.get("code", "")), str(error.get("message", message))
    except (ValueError, AttributeError):
        pass
    detail = f"{code}: {message}" if code else message or "no error body"
    if status == 409 and code.lower() in NOT_REGISTERED:
        return NotRegistered(str(status), detail)
    return ArmFailure(str(status), detail)
