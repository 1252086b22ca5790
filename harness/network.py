"""Emulated network links for a page in Chromium (CDP network conditions): its own fetches,
its workers' and its service worker's, slowed to a link's rate and latency.

Measured on Chromium 156 (tests/test_web_benchmark_network.py times a fetch from each against
the least time its bytes take over the link):

- `Network.emulateNetworkConditions` on the page's session, set before it navigates, slows
  the page's requests and its dedicated workers' alike: they share the page's throttling
  profile, so they share one link's rate (a worker's own session answers "Not supported").
- It does not slow the service worker, a target of its own: with the page on an 8 Mbit/s
  link, the baseline page's service worker precached 6.6 MB in 1.9 s. So `throttle` also
  auto-attaches to the page's related targets and sends each the same conditions as it
  appears. That is a race: Playwright lets a new service worker run at once, so its first
  fetches may go out before the conditions arrive (Python's answer takes a round trip). The
  page registers its service worker only once ready, so a cold load's figures to ready see
  the page's conditions only; once the service worker has taken them, its later fetches
  (a warm load's, unless it was restarted meanwhile: a new race) are throttled.
  `Throttle.throttled` says which targets took the conditions; `wait_throttled` waits.
- The rate is per throttling profile: the page with its workers has one link's rate, and the
  service worker another of its own. `latency` is per request (sent to response headers), not
  per connection, with no TCP slow start.

Playwright's CDP sessions speak only to the target they were made for, so the attached
targets are reached through `Target.sendMessageToTarget` (non-flat sessions; deprecated in CDP
but supported).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Error, Page

# The answer a dedicated worker's session gives to network emulation (its requests follow the
# page's conditions instead, see the module docstring).
NOT_SUPPORTED = "Not supported"


@dataclass(frozen=True)
class Link:
    """A network link as Chromium emulates it. Megabits are 10^6 bits."""

    name: str
    down_mbit_s: float
    up_mbit_s: float
    latency_ms: float  # added to every request: sent to response headers

    @property
    def down_bytes_s(self) -> float:
        return self.down_mbit_s * 1e6 / 8

    def conditions(self) -> dict[str, Any]:
        """The parameters of CDP's `Network.emulateNetworkConditions` (bytes per second)."""
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.down_bytes_s,
            "uploadThroughput": self.up_mbit_s * 1e6 / 8,
        }

    def download_s(self, size: int) -> float:
        """The least time `size` bytes take to arrive over this link: its rate alone."""
        return size / self.down_bytes_s


@dataclass
class Throttle:
    """The conditions set on a page's session and on each target attached to it since."""

    session: CDPSession
    link: Link
    throttled: list[str] = field(default_factory=list)  # target types that took the conditions
    errors: list[str] = field(default_factory=list)  # refusals other than a worker's
    _sent: dict[int, str] = field(default_factory=dict)  # message id: target type
    _next_id: int = 0

    def _send(self, session_id: str, method: str, params: dict[str, Any]) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        try:
            self.session.send(
                "Target.sendMessageToTarget",
                {"sessionId": session_id, "message": json.dumps(message)},
            )
        except Error as error:
            if "closed" not in str(error):  # a page closed meanwhile has nothing left to slow
                self.errors.append(f"{method}: {error}")
        return self._next_id

    def _attached(self, event: dict[str, Any]) -> None:
        # The conditions first, one round trip: the target may start fetching as soon as any
        # client lets it run (Playwright's own session does, at once).
        sent = self._send(
            event["sessionId"], "Network.emulateNetworkConditions", self.link.conditions()
        )
        self._sent[sent] = event["targetInfo"]["type"]
        self._send(event["sessionId"], "Runtime.runIfWaitingForDebugger", {})

    def _received(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        kind = self._sent.pop(message.get("id"), None)
        if kind is None:
            return  # an event, or the answer to runIfWaitingForDebugger
        error = message.get("error", {}).get("message")
        if error is None:
            self.throttled.append(kind)
        elif not (kind == "worker" and error == NOT_SUPPORTED):
            # (a dedicated worker says "Not supported": it fetches under its page's conditions)
            self.errors.append(f"{kind}: {error}")

    def check(self) -> None:
        """Raise if a target attached to the page refused the conditions (its fetches would
        be unthrottled, and every figure taken over this link false)."""
        if self.errors:
            raise RuntimeError(f"network emulation refused: {'; '.join(self.errors)}")

    def wait_throttled(self, page: Page, kind: str, timeout_s: float = 10) -> None:
        """Wait until a target of this type (e.g. "service_worker") has taken the conditions."""
        deadline = time.monotonic() + timeout_s
        while kind not in self.throttled:
            self.check()
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {kind} throttled within {timeout_s} s")
            page.wait_for_timeout(20)  # lets Playwright deliver the target's answer


def throttle(context: BrowserContext, page: Page, link: Link) -> Throttle:
    """Emulate `link` for `page` (call before it navigates), its workers and its service
    worker (see the module docstring for what is and is not guaranteed)."""
    session = context.new_cdp_session(page)
    throttled = Throttle(session, link)
    session.send("Network.emulateNetworkConditions", link.conditions())
    session.on("Target.attachedToTarget", throttled._attached)
    session.on("Target.receivedMessageFromTarget", throttled._received)
    session.send(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False},
    )
    return throttled
