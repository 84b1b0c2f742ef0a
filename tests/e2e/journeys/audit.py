"""What each journey page is measured on: axe-core's WCAG 2.2 AA rules, and the size of every tap target.

axe-core comes from npm (``node_modules/axe-core``, installed by ``scripts/bootstrap.sh``) and is evaluated in
the page by Playwright, never fetched from a CDN. With JavaScript off the page runs no script of its own, so
timers never fire; axe's own timers are then run as microtasks, which DevTools evaluation still drives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tests.e2e.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("critical", "serious")
MIN_TARGET = 24  # px, WCAG 2.2 SC 2.5.8; inline links included (issue 14: "Refresh now" was 16 px high)

TIMERS_AS_MICROTASKS = """() => {
  window.setTimeout = (f, ms, ...args) => { Promise.resolve().then(() => f(...args)); return 0; };
  window.requestAnimationFrame = f => { Promise.resolve().then(() => f(performance.now())); return 0; };
}"""

RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
}"""

# Every visible control; a checkbox or radio counts with its label, which takes the tap too.
MEASURE_TARGETS = """min => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex="-1"])';
  const box = el => el.getBoundingClientRect();
  const shown = el => { const s = getComputedStyle(el); const r = box(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0 && r.width > 1 && r.height > 1
      && r.bottom + window.scrollY > 0 && r.right + window.scrollX > 0; };
  const size = el => { let r = box(el); const label = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0];
    if (label) { const l = box(label); r = {width: Math.max(r.width, l.width), height: Math.max(r.height, l.height)}; }
    return r; };
  const name = el => (el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
  return [...document.querySelectorAll(controls)].filter(shown).map(el => [name(el), size(el)])
    .filter(([, r]) => r.width < min - 0.5 || r.height < min - 0.5)
    .map(([n, r]) => `${n} ${Math.round(r.width)}x${Math.round(r.height)}`);
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/bootstrap.sh (npm install)")
    return AXE.read_text()


@dataclass
class PageAudit:
    """One journey page's findings."""

    step: str
    url: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    small_targets: list[str] = field(default_factory=list)

    def count(self, impact: str) -> int:
        return sum(v["count"] for v in self.violations if v["impact"] == impact)

    def blocking(self) -> list[str]:
        return [
            f"{v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in self.violations if v["impact"] in BLOCKING
        ]

    def figures(self) -> dict[str, Any]:
        impacts = ("critical", "serious", "moderate", "minor")
        return {"step": self.step, "url": self.url, **{i: self.count(i) for i in impacts},
                "rules": sorted({v["id"] for v in self.violations}), "small_targets": self.small_targets}  # fmt: skip


def audit(page: Any, step: str, js: bool) -> PageAudit:
    """axe on the page as it is now, then the tap targets measured."""
    if not js:
        page.evaluate(TIMERS_AS_MICROTASKS)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = PageAudit(step, page.url, violations=page.evaluate(RUN_AXE, WCAG_22_AA))
    found.small_targets = page.evaluate(MEASURE_TARGETS, MIN_TARGET)
    return found
