"""Fault injection for the fake ARM: each fault matches requests by path and fires N times."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Fault:
    """`kind`: throttle (429, `value` = Retry-After seconds, or `ms` = retry-after-ms),
    error (`status`, default 500), forbidden (403), notfound (404), status (any `status` with
    `code`), malformed (truncated JSON), slow (`value` seconds), drop (half a body, then the
    connection closes), foreignlink (a nextLink to another host), trickle (a valid body sent one byte every
    `value` seconds), lowquota (a normal answer whose
    x-ms-ratelimit-remaining-subscription-reads is `value`). `match` is a lower-case substring of path+query; `times` None = always."""

    kind: str
    match: str = ""
    times: int | None = None
    value: str = "0"
    ms: str | None = None
    status: int = 500
    code: str = "InternalServerError"
    method: str | None = None
    fired: int = 0
    size: int = 64  # trickle: padding bytes in the body
    sent: int = 0  # trickle: bytes written before the client hung up

    def matches(self, method: str, target: str) -> bool:
        if self.method and self.method != method:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        return self.match.lower() in target.lower()


@dataclass
class Faults:
    rules: list[Fault] = field(default_factory=list)
    forbidden_subscriptions: set[str] = field(default_factory=set)
    latency: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.rules.extend(faults)

    def take(self, method: str, target: str) -> list[Fault]:
        """The faults this request triggers (a slow fault may combine with another)."""
        fired = []
        with self._lock:
            for fault in self.rules:
                if fault.matches(method, target):
                    fault.fired += 1
                    fired.append(fault)
                    if fault.kind not in ("slow", "lowquota"):
                        break
        return fired

    def forbidden(self, path: str) -> str | None:
        parts = path.lower().split("/")
        if (
            len(parts) > 2
            and parts[1] == "subscriptions"
            and parts[2] in self.forbidden_subscriptions
        ):
            return parts[2]
        return None
