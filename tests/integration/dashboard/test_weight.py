"""The dashboard's scripts and styles leave gzip-compressed, with a year's caching for versioned URLs."""

from __future__ import annotations

import gzip
import re

from flask import Flask
from flask.testing import FlaskClient

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
    css = re.search(r'href="(/dashboard/assets/dashboard\.css\?m=[\d.]+)"', page)
    assert css, "the stylesheet's URL carries its version"
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
