"""A journey through the product as a person walks it: every page checked, every click proved alive.

For every page a journey reaches it fails on a console error or a page error, on a 4xx/5xx response the
journey did not declare, and on a dead control (a click after which nothing navigates and htmx swaps
nothing). Each step is screenshotted to ``<journey>-<js|nojs>-<size>-NN-<step>.png`` and audited
(``audit.py``); the audit's figures are written beside the screenshots and checked when the journey ends.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.journeys.audit import PageAudit, audit

SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
ALIVE_WITHIN = 3.0  # seconds a click may take to navigate or swap before its control counts as dead

# htmx swaps counted in every document (a page script never sees them with JavaScript off: nothing swaps).
COUNT_SWAPS = """
window.__journey = {swaps: 0, settles: 0};
document.addEventListener('htmx:afterSwap', () => window.__journey.swaps++, true);
document.addEventListener('htmx:afterSettle', () => window.__journey.settles++, true);
"""


class Problem(AssertionError):
    """Something a person would have met on the way."""


class Journey:
    """One walk: a browser tab of its own, with the checks listening from the first request."""

    def __init__(self, context: Any, *, name: str, js: bool, size: str, folder: Path) -> None:
        self.context, self.name, self.js, self.size, self.folder = context, name, js, size, folder
        self.variant = f"{name}-{'js' if js else 'nojs'}-{size}"
        self.expected: list[tuple[int, re.Pattern[str]]] = []
        self.problems: list[str] = []
        self.audits: list[PageAudit] = []
        self.navigations = 0
        context.add_init_script(COUNT_SWAPS)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", self._response)
        self.page.on("framenavigated", self._navigated)

    # -- listeners -------------------------------------------------------------------------------
    def _declared(self, status: int, url: str) -> bool:
        return any(code == status and pattern.search(url) for code, pattern in self.expected)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        failed = re.search(r"status of (\d{3})", message.text)
        if failed and self._declared(int(failed.group(1)), message.location.get("url", "")):
            return  # the browser's own line for a response the journey expects
        self.problems.append(f"console error: {message.text} at {message.location.get('url', '')}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and not self._declared(response.status, response.url):
            self.problems.append(f"unexpected {response.status} from {response.request.method} {response.url}")

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    # -- what a journey does ---------------------------------------------------------------------
    def expect(self, status: int, url_pattern: str) -> None:
        """Declare a response the journey expects to fail (a mistyped number, a refused form)."""
        self.expected.append((status, re.compile(url_pattern)))

    def open(self, url: str, step: str) -> Any:
        """Arrive from outside: typed, bookmarked or followed from a message."""
        response = self.page.goto(url)
        self.check(step)
        return response

    def click(self, target: Any, step: str, shows: str | None = None) -> None:
        """Click a link or button: it must navigate, or get htmx to swap something in (or show ``shows``)."""
        self.act(target.click, step, shows, target)

    def act(self, gesture: Callable[[], Any], step: str, shows: str | None = None, what: Any = "the gesture") -> None:
        """Do something that must have an effect: a navigation, an htmx swap, or ``shows`` (a selector) appearing."""
        navigations, swaps = self.navigations, self._swaps()
        gesture()
        if shows is None:
            self._wait_alive(what, navigations, swaps)
        else:
            self._wait_for(shows, what)
        self.check(step)

    def check(self, step: str) -> None:
        """The page as it stands: no problem so far, a screenshot, then axe and the tap targets."""
        self.page.wait_for_load_state("load")
        self._raise_problems(step)
        number = len(self.audits) + 1
        self.page.screenshot(path=str(self.folder / f"{self.variant}-{number:02d}-{step}.png"), full_page=True)
        self.audits.append(audit(self.page, step, self.js))
        self._raise_problems(step)

    def finish(self) -> None:
        """Write the audit figures, then fail on any critical or serious violation or small tap target."""
        figures = [found.figures() for found in self.audits]
        (self.folder / f"axe-{self.variant}.json").write_text(json.dumps(figures, indent=1))
        failures = [f"{a.step}: {line}" for a in self.audits for line in a.blocking()]
        failures += [f"{a.step}: tap target under 24x24: {t}" for a in self.audits for t in a.small_targets]
        if failures:
            raise Problem(f"{self.variant}:\n  " + "\n  ".join(failures))

    # -- helpers ---------------------------------------------------------------------------------
    def _swaps(self) -> int:
        if not self.js:
            return 0
        try:
            return int(self.page.evaluate("() => window.__journey ? window.__journey.swaps : 0"))
        except Exception:  # the document is being replaced: no swap to count in it
            return 0

    def _wait_alive(self, target: Any, navigations: int, swaps: int) -> None:
        deadline = time.monotonic() + ALIVE_WITHIN
        while time.monotonic() < deadline and not self.problems:
            if self.navigations > navigations:
                return
            if self.js and self._swaps() > swaps:
                self._settled()
                return
            self.page.wait_for_timeout(50)
        self._raise_problems("dead control")
        raise Problem(f"{self.variant}: dead control: {target} neither navigated nor swapped within {ALIVE_WITHIN}s")

    def _wait_for(self, selector: str, what: Any) -> None:
        try:
            self.page.locator(selector).first.wait_for(timeout=ALIVE_WITHIN * 4_000)  # a script app's first load
        except Exception as error:
            self._raise_problems("dead control")
            raise Problem(f"{self.variant}: dead control: {what} never showed {selector}") from error

    def _settled(self) -> None:
        self.page.wait_for_function(
            "() => window.__journey.settles >= window.__journey.swaps && !document.querySelector('.htmx-request')"
        )

    def _raise_problems(self, step: str) -> None:
        if self.problems:
            raise Problem(f"{self.variant} at {step!r}:\n  " + "\n  ".join(self.problems))
