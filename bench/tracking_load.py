"""Load generation for bench_tracking: wrk when installed (C, cheap on the CPU we measure), else threads.

Each run cycles through a list of paths over N concurrent connections for a fixed duration
and reports requests/s and latency percentiles.
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)); i = math.random(#paths) end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    rps: float
    p50: float  # seconds
    p90: float
    p99: float


def combine(slices: list[LoadResult]) -> LoadResult:
    """Several measured slices of one page as one result (p99: the worst slice, to stay conservative)."""
    total = sum(s.requests for s in slices)
    seconds = sum(s.requests / s.rps for s in slices if s.rps)
    weight = [s.requests / total if total else 0.0 for s in slices]
    return LoadResult(
        requests=total,
        errors=sum(s.errors for s in slices),
        rps=total / seconds if seconds else 0.0,
        p50=sum(w * s.p50 for w, s in zip(weight, slices, strict=True)),
        p90=sum(w * s.p90 for w, s in zip(weight, slices, strict=True)),
        p99=max((s.p99 for s in slices), default=0.0),
    )


def run_load(
    base: str, paths: list[str], connections: int, seconds: int, tmp: Path, python_only: bool = False
) -> tuple[LoadResult, str]:
    """(result, tool name) for ``seconds`` of load on ``paths`` at ``connections`` concurrency."""
    if shutil.which("wrk") and not python_only:
        return _wrk(base, paths, connections, seconds, tmp), "wrk"
    return _threads(base, paths, connections, seconds), "python threads"


def _wrk(base: str, paths: list[str], connections: int, seconds: int, tmp: Path) -> LoadResult:
    listing, script = tmp / "paths.txt", tmp / "cycle.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(WRK_SCRIPT)
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s", "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={"BENCH_PATHS": str(listing)}).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    requests, errors, duration_us, p50, p90, p99 = (int(v) for v in line.split()[1:])
    return LoadResult(requests, errors, requests / (duration_us / 1e6), p50 / 1e6, p90 / 1e6, p99 / 1e6)


def _threads(base: str, paths: list[str], connections: int, seconds: int) -> LoadResult:
    host = urlsplit(base)
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=5)
        i = index * 997
        while time.perf_counter() < deadline:
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
                errors[index] += response.status >= 400
            except OSError:
                errors[index] += 1
                conn.close()
            latencies[index].append(time.perf_counter() - start)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(v for chunk in latencies for v in chunk)

    def pct(p: float) -> float:
        return every[min(len(every) - 1, int(len(every) * p))] if every else 0.0

    return LoadResult(len(every), sum(errors), len(every) / elapsed, pct(0.5), pct(0.9), pct(0.99))
