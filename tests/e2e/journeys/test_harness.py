"""The journey harness can fail: a dead control, a script error, an undeclared 404, an axe violation and a
small tap target each stop a journey on a tiny page made to have it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.e2e.conftest import serving
from tests.e2e.journeys import harness
from tests.e2e.journeys.harness import Journey, Problem

pytestmark = pytest.mark.e2e
HEAD = '<!doctype html><html lang="en"><head><title>t</title><link rel="icon" href="data:,"></head><body><main>'
PAGES = {
    "/dead": '<h1>Dead</h1><button type="button">Does nothing</button>',
    "/broken": '<h1>Broken</h1><img src="/missing.png" alt="A picture">',
    "/throws": '<h1>Throws</h1><script src="/throws.js"></script>',
    "/unlabelled": '<h1>Unlabelled</h1><img src="data:,">',
    "/tiny": '<h1>Tiny</h1><link rel="stylesheet" href="/tiny.css"><p><a href="/dead" class="tiny">a link in small print</a></p>',
}


def _app() -> Flask:
    app = Flask(__name__)
    for path, body in PAGES.items():
        app.add_url_rule(path, path, lambda body=body: HEAD + body + "</main></body></html>")
    app.add_url_rule("/throws.js", "js", lambda: ("throw new Error('boom');", 200, {"Content-Type": "text/javascript"}))
    app.add_url_rule(
        "/tiny.css", "css", lambda: (".tiny { font-size: 9px; line-height: 1; }", 200, {"Content-Type": "text/css"})
    )
    return app


@pytest.fixture(scope="module")
def tiny_site() -> Iterator[str]:
    with serving(_app()) as url:
        yield url


@pytest.fixture
def start(browser: Any, tmp_path: Path) -> Iterator[Callable[[bool], Journey]]:
    contexts: list[Any] = []

    def begin(js: bool) -> Journey:
        contexts.append(browser.new_context(java_script_enabled=js))
        return Journey(contexts[-1], name="harness", js=js, size="desktop", folder=tmp_path)

    yield begin
    for context in contexts:
        context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_dead_control_fails(
    tiny_site: str, start: Callable[[bool], Journey], js: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "ALIVE_WITHIN", 1.0)
    journey = start(js)
    journey.open(tiny_site + "/dead", "dead")
    with pytest.raises(Problem, match="dead control"):
        journey.click(journey.page.get_by_role("button"), "after")


def test_an_undeclared_404_fails_and_a_declared_one_does_not(tiny_site: str, start: Callable[[bool], Journey]) -> None:
    with pytest.raises(Problem, match=r"unexpected 404 from GET .*/missing.png"):
        start(True).open(tiny_site + "/broken", "broken")
    journey = start(True)
    journey.expect(404, r"/missing\.png$")
    journey.open(tiny_site + "/broken", "broken")


def test_a_script_error_fails(tiny_site: str, start: Callable[[bool], Journey]) -> None:
    with pytest.raises(Problem, match=r"page error: .*boom"):
        start(True).open(tiny_site + "/throws", "throws")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_axe_violations_and_small_targets_fail_the_journey(
    tiny_site: str, start: Callable[[bool], Journey], js: bool
) -> None:
    journey = start(js)
    journey.open(tiny_site + "/unlabelled", "unlabelled")
    journey.open(tiny_site + "/tiny", "tiny")
    with pytest.raises(Problem) as failed:
        journey.finish()
    assert "unlabelled: critical image-alt" in str(failed.value)
    assert 'tiny: tap target under 24x24: a "a link in small print"' in str(failed.value)
