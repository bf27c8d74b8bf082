"""The orders list API through a real server: gunicorn (sync workers, 2 per core,
no access log) on a loopback port, loaded by wrk (Debian package ``wrk``) with 16
connections for 30 s, cycling through the same pages of 50 that the in-process figure
walks; then the peak memory of a gunicorn worker that has answered 10,000 of them."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from . import targets
from .harness import Report, peak_megabytes

ROOT = Path(__file__).resolve().parent.parent
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def _lua(paths: list[str], token: str) -> str:
    quoted = ", ".join(f'"{path}"' for path in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    figures = {}
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        if match:
            figures[f"p{percent}"] = _milliseconds(match.group(1))
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match:
        figures["rps"] = float(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["errors"] = float(match.group(1)) if match else 0.0
    match = re.search(r"(\d+) requests in", output)
    figures["requests"] = float(match.group(1)) if match else 0.0
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    figures["socket_errors"] = float(sum(map(int, match.groups()))) if match else 0.0
    return figures


def default_workers() -> int:
    """Two sync workers per core. (gunicorn's rule of thumb adds one, for workers that
    wait on I/O; a list request is CPU work, and PostgreSQL and wrk share the cores.
    Alternated on 2 cores, session 10: 4 workers 224 and 261 req/s, 5 workers 202 and
    236, 6 workers 210 and 249.)"""
    return 2 * (os.cpu_count() or 1)


def _worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def _wrk(wrk: str, script: str, base: str, *, connections: int, seconds: int) -> dict:
    result = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, base],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = parse_wrk(result.stdout)
    figures["output"] = result.stdout
    return figures


@contextlib.contextmanager
def _gunicorn(workers: int) -> Iterator[tuple[subprocess.Popen, str]]:
    """gunicorn with ``workers`` sync workers on a spare loopback port, once it answers."""
    port = _free_port()
    env = {**os.environ, "DEBUG": "false", "GENDAN_HTTPS": "false", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "gendan.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--backlog", "256", "--no-control-socket"]
    command += ["--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz/", process)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def list_api_gunicorn(
    report: Report,
    *,
    paths: list[str],
    token: str,
    seconds: int = targets.GUNICORN_SECONDS,
    connections: int = targets.GUNICORN_CONNECTIONS,
    workers: int = 2,
    memory_requests: int = targets.GUNICORN_MEMORY_REQUESTS,
) -> None:
    """wrk against gunicorn (``workers`` sync workers) for ``seconds``; then a gunicorn
    of one worker answers ``memory_requests`` list requests, and its peak memory."""
    wrk = shutil.which("wrk")
    if wrk is None:
        report.say("list_api.gunicorn skipped: wrk is not installed (apt-get install wrk)")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(paths, token))
    try:
        with _gunicorn(workers) as (_process, base):
            # Warm every worker (connections, caches) before measuring.
            _wrk(wrk, script.name, base, connections=connections, seconds=3)
            figures = _wrk(wrk, script.name, base, connections=connections, seconds=seconds)
        with _gunicorn(1) as (process, base):
            served = 0.0
            while served < memory_requests:
                served += _wrk(wrk, script.name, base, connections=2, seconds=10)["requests"]
            peaks = [peak_megabytes(pid) for pid in _worker_pids(process.pid)]
    finally:
        os.unlink(script.name)
    note = (
        f"wrk {connections} connections, {seconds} s, {figures['requests']:.0f} requests, "
        f"gunicorn {workers} sync workers"
    )
    report.add("list_api.gunicorn.p50", figures["p50"], "ms", note=note)
    report.add("list_api.gunicorn.p99", figures["p99"], "ms", targets.GUNICORN_P99_MS)
    report.add(
        "list_api.gunicorn.throughput",
        figures["rps"],
        "req/s",
        targets.GUNICORN_MIN_RPS,
        at_least=True,
    )
    errors = figures["errors"] + figures["socket_errors"]
    report.add("list_api.gunicorn.errors", errors, "errors", targets.GUNICORN_ERRORS)
    if errors:
        report.say("wrk's report of the errors:\n" + figures["output"])
    peaks = [peak for peak in peaks if peak is not None]
    if peaks:
        report.add(
            "memory.gunicorn_worker",
            max(peaks),
            "MB",
            targets.PEAK_MEMORY_MB,
            note=f"peak resident of a worker after {served:,.0f} list requests",
        )
