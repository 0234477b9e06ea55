"""azure-core pipeline policies the collector adds: capped Retry-After, quota pacing, counting.

azure-core honours `Retry-After` uncapped (a hostile or broken server could park a scan for
hours) and ignores the `x-ms-ratelimit-remaining-*` and Resource Graph quota headers, so a
scan at scale would run into 429 storms. These policies fix both, and count every attempt so
the collector can report how many requests (including retries) a scan cost.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import HTTPPolicy, RetryPolicy

# ARM refills 25 reads per second per bucket; below this many left, slow down.
LOW_REMAINING_READS = 10
ARM_REFILL_PER_SECOND = 25.0
_ARM_REMAINING_HEADERS = (
    "x-ms-ratelimit-remaining-subscription-reads",
    "x-ms-ratelimit-remaining-tenant-reads",
    "x-ms-ratelimit-remaining-subscription-global-reads",
)


class CappedRetryPolicy(RetryPolicy):  # type: ignore[type-arg]
    """RetryPolicy whose Retry-After / retry-after-ms wait never exceeds `retry_after_cap`."""

    def __init__(self, retry_after_cap: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after_cap = retry_after_cap

    def get_retry_after(self, response: PipelineResponse[Any, Any]) -> float | None:
        try:
            value = super().get_retry_after(response)
        except (ValueError, TypeError, OverflowError):
            # `Retry-After: soon` is no instruction: the default back-off applies, and the
            # request is retried like any other throttled one.
            return None
        if value is None:
            return None
        return min(max(value, 0.0), self.retry_after_cap)


class Pacer:
    """Shared by every worker thread: when a quota runs low, all requests of that kind wait."""

    def __init__(self, max_wait: float) -> None:
        self._lock = threading.Lock()
        self._resume_at: dict[str, float] = {}
        self.max_wait = max_wait
        self.pauses = 0

    def wait(self, kind: str) -> None:
        with self._lock:
            resume = self._resume_at.get(kind, 0.0)
        delay = resume - time.monotonic()
        if delay > 0:
            time.sleep(min(delay, self.max_wait))

    def pause(self, kind: str, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), self.max_wait)
        if seconds <= 0:
            return
        with self._lock:
            target = time.monotonic() + seconds
            if target > self._resume_at.get(kind, 0.0):
                self._resume_at[kind] = target
                self.pauses += 1


def _kind(request: PipelineRequest[Any]) -> str:
    return "graph" if "/microsoft.resourcegraph/" in request.http_request.url.lower() else "arm"


def _int_header(response: PipelineResponse[Any, Any], name: str) -> int | None:
    value = response.http_response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _hms_seconds(text: str | None) -> float:
    """Resource Graph's `x-ms-user-quota-resets-after` is `hh:mm:ss`."""
    if not text:
        return 1.0
    try:
        hours, minutes, seconds = (float(part) for part in text.split(":"))
    except ValueError:
        return 1.0
    return hours * 3600 + minutes * 60 + seconds


class QuotaPacingPolicy(HTTPPolicy[Any, Any]):
    """Waits while a quota is exhausted; reads the remaining-quota headers of each response."""

    def __init__(self, pacer: Pacer) -> None:
        super().__init__()
        self.pacer = pacer

    def send(self, request: PipelineRequest[Any]) -> PipelineResponse[Any, Any]:
        kind = _kind(request)
        self.pacer.wait(kind)
        response = self.next.send(request)
        if kind == "graph":
            remaining = _int_header(response, "x-ms-user-quota-remaining")
            if remaining is not None and remaining <= 0:
                resets = response.http_response.headers.get("x-ms-user-quota-resets-after")
                self.pacer.pause(kind, _hms_seconds(resets))
            return response
        values = [_int_header(response, name) for name in _ARM_REMAINING_HEADERS]
        lowest = min((v for v in values if v is not None), default=None)
        if lowest is not None and lowest < LOW_REMAINING_READS:
            self.pacer.pause(kind, (LOW_REMAINING_READS - lowest) / ARM_REFILL_PER_SECOND)
        return response


class AttemptCounter(HTTPPolicy[Any, Any]):
    """Counts HTTP attempts (it sits inside the retry policy, so retries count too)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.attempts = 0

    def send(self, request: PipelineRequest[Any]) -> PipelineResponse[Any, Any]:
        with self._lock:
            self.attempts += 1
        return self.next.send(request)
