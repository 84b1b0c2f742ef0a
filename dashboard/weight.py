"""The dashboard's scripts and styles sent gzip-compressed and cached by the browser.

``plotly.min.js`` alone is 4.8 MB; gzip makes it about a third of that (bench/README.md,
``bench/bench_dashboard_weight.py``). Each file is compressed once per version and kept in memory, so a
request pays for the lookup, not for the compression. Every URL the page uses names its file's version
(``dash_renderer.v3_0_0m1700000000.min.js``; plotly's and our assets' by content hash, ``dashboard.versions``:
``plotly.v7_1_0m3b6e15d45dbb.min.js``, ``dashboard.css?m=9c1f0e2ab344``): such a URL never changes content,
so the browser may keep it for a year; any other file is revalidated by its ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from threading import Lock

from flask import Flask, Response, request

PREFIXES = ("/dashboard/_dash-component-suites/", "/dashboard/assets/")
TYPES = ("javascript", "css", "json", "svg", "text/")
MIN_BYTES = 1024  # below this, gzip's header costs more than it saves
# Dash's fingerprint in a component suite's file name: package version, then a time or a content hash
VERSIONED = re.compile(r"\.v[\w-]+m[0-9a-f]+\.")
YEAR = "private, max-age=31536000, immutable"  # staff-only files: no shared cache keeps them
_cache: dict[tuple[str, int], bytes] = {}
_lock = Lock()


def compressed(key: str, raw: bytes) -> bytes:
    """``raw`` gzipped, compressed once per (URL with its version, size)."""
    found = _cache.get((key, len(raw)))
    if found is None:
        found = gzip.compress(raw, compresslevel=6, mtime=0)
        with _lock:
            _cache[(key, len(raw))] = found
    return found


def _wants_gzip(response: Response) -> bool:
    accepts = request.accept_encodings["gzip"] > 0
    return (
        accepts
        and request.method == "GET"
        and response.status_code == 200
        and "Content-Encoding" not in response.headers
        and any(kind in (response.mimetype or "") for kind in TYPES)
    )


def _versioned() -> bool:
    return bool(request.args.get("m")) or bool(VERSIONED.search(request.path))


def _not_modified(response: Response, tag: str, weak: bool) -> Response:
    """A 304 for the gzip tag (the view compared the plain one, which the browser never had)."""
    response.status_code = 304
    response.direct_passthrough = False
    response.set_data(b"")
    response.headers.pop("Content-Length", None)
    response.set_etag(tag, weak=weak)
    return response


def _url_validator(response: Response) -> None:
    """A versioned URL names its content, so it is its own validator (Dash sends none with such a file).
    Without one, a browser whose cache could not keep the body (a private window's small memory cache
    drops a 1.5 MB entry) fetches it whole on every visit; with one it revalidates and gets a 304."""
    response.set_etag(hashlib.sha256(request.full_path.encode()).hexdigest()[:20])


def shrink(response: Response) -> Response:
    """gzip and cache headers for the dashboard's static files; anything else goes out untouched."""
    if not request.path.startswith(PREFIXES):
        return response
    if response.status_code == 200 and _versioned():
        response.headers["Cache-Control"] = YEAR
        if not response.get_etag()[0]:
            _url_validator(response)
    response.vary.add("Accept-Encoding")
    if not _wants_gzip(response):
        return response
    tag, weak = response.get_etag()
    if tag and f"{tag}-gzip" in request.if_none_match:  # the browser holds this gzip body already
        return _not_modified(response, f"{tag}-gzip", weak)
    response.direct_passthrough = False  # a file response: read it, to compress it
    raw = response.get_data()
    if len(raw) < MIN_BYTES:
        return response
    response.set_data(compressed(request.full_path, raw))
    response.headers["Content-Encoding"] = "gzip"
    if tag:  # the gzip body is another representation: its own tag (revalidated above)
        response.set_etag(f"{tag}-gzip", weak=weak)
    return response


def install(app: Flask) -> None:
    app.after_request(shrink)
