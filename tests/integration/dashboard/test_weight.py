"""The dashboard's scripts and styles leave gzip-compressed, with a year's caching for versioned URLs."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import plotly
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard import versions
from dashboard.app import ASSETS
from dashboard.versions import content_version, plotly_path, plotly_url, with_content_version

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _script_urls(page: str) -> list[str]:
    return re.findall(r'<script src="(/dashboard/_dash-component-suites/[^"]+)"', page)


PLOTLY = "/dashboard/_dash-component-suites/plotly/package_data/plotly.min.js"  # loaded by the renderer


def test_plotly_is_sent_gzipped(manager: FlaskClient) -> None:
    assert manager.get("/dashboard/").status_code == 200  # registers the scripts' paths
    plotly = PLOTLY
    plain = manager.get(plotly)
    assert plain.status_code == 200
    assert len(plain.data) > 3_000_000
    packed = manager.get(plotly, headers=GZIP)
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert packed.headers["ETag"].endswith('-gzip"')  # unversioned: revalidated, and told apart from plain
    assert manager.get(plotly, headers=GZIP).data == packed.data  # the second time from memory, same bytes
    again = manager.get(plotly, headers=GZIP | {"If-None-Match": packed.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")  # a revisit moves no body


def test_versioned_scripts_are_kept_a_year(manager: FlaskClient) -> None:
    page = manager.get("/dashboard/").get_data(as_text=True)
    renderer = next(url for url in _script_urls(page) if "dash_renderer.v" in url)
    reply = manager.get(renderer, headers=GZIP)
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_own_stylesheet_is_gzipped_and_versioned_by_its_url(manager: FlaskClient) -> None:
    page = manager.get("/dashboard/").get_data(as_text=True)
    css = re.search(r'href="(/dashboard/assets/dashboard\.css\?m=([0-9a-f]{12}))"', page)
    assert css, "the stylesheet's URL carries its version"
    assert css.group(2) == content_version(ASSETS / "dashboard.css")
    reply = manager.get(css.group(1), headers=GZIP)
    assert reply.status_code == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert b".dash-nav" in gzip.decompress(reply.data)
    assert "max-age=31536000" in reply.headers["Cache-Control"]


def test_json_answers_and_anonymous_requests_are_left_alone(story_app: Flask, manager: FlaskClient) -> None:
    kpis = manager.get("/dashboard/api/kpis?from=2025-03-03&to=2025-03-09", headers=GZIP)
    assert kpis.headers.get("Content-Encoding") is None
    anonymous = story_app.test_client().get("/dashboard/assets/dashboard.css", headers=GZIP)
    assert anonymous.status_code == 401
    assert anonymous.headers.get("Content-Encoding") is None


def _config(page: str) -> dict[str, object]:
    found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_plotly_is_loaded_from_a_versioned_url_kept_a_year(manager: FlaskClient) -> None:
    page = manager.get("/dashboard/").get_data(as_text=True)
    config = _config(page)
    url = str(config["plotlyjs_url"])
    version = plotly.__version__.replace(".", "_")
    assert (
        url
        == f"/dashboard/_dash-component-suites/plotly/package_data/plotly.v{version}m{content_version(plotly_path())}.min.js"
    )
    assert config["serve_locally"] is False  # what makes the renderer load this URL rather than the fixed one
    assert "cdn" not in url
    assert "plotly.min.js" not in url
    reply = manager.get(url, headers=GZIP)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.data) == plotly_path().read_bytes()
    again = manager.get(url, headers=GZIP | {"If-None-Match": reply.headers["ETag"]})  # the URL is its validator
    assert (again.status_code, again.data) == (304, b"")
    boot = re.search(r'<script id="_dash-renderer" src="(/dashboard/assets/boot\.js\?m=[0-9a-f]{12})"', page)
    assert boot, "the renderer's starter is versioned too"
    assert manager.get(boot.group(1), headers=GZIP).headers["Cache-Control"].endswith("immutable")


def test_a_versioned_url_changes_with_the_content(tmp_path: Path) -> None:
    file = tmp_path / "app.js"
    file.write_text("console.log(1)")
    first = content_version(file)
    assert content_version(file) == first  # same bytes, same URL
    file.write_text("console.log(2)")
    assert content_version(file) != first
    other = tmp_path / "copy.js"
    other.write_text("console.log(2)")
    assert content_version(other) == content_version(file)  # named by content, not by time or place
    assert (
        with_content_version("/d/assets/app.js?m=17000", "/d/assets/", tmp_path)
        == f"/d/assets/app.js?m={content_version(file)}"
    )
    assert with_content_version("/d/assets/../secret?m=1", "/d/assets/", tmp_path) == "/d/assets/../secret?m=1"
    assert with_content_version("/elsewhere/app.js", "/d/assets/", tmp_path) == "/elsewhere/app.js"


def test_the_plotly_url_follows_the_package_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = plotly_url("/dashboard/")
    monkeypatch.setattr(versions.plotly, "__version__", "99.0.0")
    after = plotly_url("/dashboard/")
    assert after != before
    assert ".v99_0_0m" in after
