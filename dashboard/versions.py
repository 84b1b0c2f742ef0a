"""Versioned URLs for the dashboard's static files, so a browser may keep each one for a year.

A URL that names its file's content never changes meaning: when the file changes, so does the URL. Dash
already names a package's version in a component suite's URL; two files escaped that:

* ``plotly.min.js`` (4.8 MB), which the renderer loads by a fixed URL whenever scripts are served locally;
* the dashboard's own assets, versioned by modification time, which differs between two machines (and
  two checkouts) serving the same bytes.

Both get the hash of their content here (with plotly's package version, for a person reading the URL).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import plotly
from dash.fingerprint import build_fingerprint

PLOTLY_FILE = "package_data/plotly.min.js"
DIGEST_CHARS = 12


@lru_cache(maxsize=64)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    """The content hash, computed once per (file, size, time): 4.8 MB hash in a few milliseconds."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:DIGEST_CHARS]


def content_version(path: str | os.PathLike[str]) -> str:
    """A short hash of the file's bytes (hex): equal bytes, equal version, on any machine."""
    info = os.stat(path)
    return _digest(str(path), info.st_size, info.st_mtime_ns)


def plotly_path() -> Path:
    return Path(plotly.__file__).resolve().parent / PLOTLY_FILE


def plotly_url(prefix: str) -> str:
    """``…/_dash-component-suites/plotly/package_data/plotly.v6_1_2m<hash>.min.js``: Dash's own fingerprint
    form, which its file route strips (``check_fingerprint``) to serve ``plotly.min.js`` itself."""
    fingerprint = build_fingerprint(PLOTLY_FILE, plotly.__version__, content_version(plotly_path()))
    return f"{prefix}_dash-component-suites/plotly/{fingerprint}"


def with_content_version(url: str, assets_url: str, folder: Path) -> str:
    """An asset URL with Dash's ``?m=<mtime>`` replaced by ``?m=<content hash>``; any other URL unchanged."""
    if not url.startswith(assets_url):
        return url
    name = url[len(assets_url) :].split("?", 1)[0]
    file = (folder / name).resolve()
    if not file.is_file() or folder.resolve() not in file.parents:
        return url
    return f"{assets_url}{name}?m={content_version(file)}"
