"""The orders list API through a real server: gunicorn (as ``make run`` starts it,
2 sync workers, no access log) on a loopback port, loaded by wrk (Debian package
``wrk``) with 4 connections for a fixed time, cycling through the same pages of
50 that the in-process figure walks."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .harness import Report

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
    return figures


def list_api_gunicorn(
    report: Report, *, paths: list[str], token: str, seconds: int = 15, connections: int = 4
) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        report.say("list_api.gunicorn skipped: wrk is not installed (apt-get install wrk)")
        return
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "GENDAN_HTTPS": "false",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "gendan.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz/", process)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_lua(paths, token))
        try:
            base = f"http://127.0.0.1:{port}"
            # Warm both workers (connections, caches) before measuring.
            subprocess.run(
                [wrk, "-t1", f"-c{connections}", "-d3s", "-s", script.name, base],
                check=True,
                capture_output=True,
            )
            result = subprocess.run(
                [
                    wrk,
                    "-t1",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "-s",
                    script.name,
                    base,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            os.unlink(script.name)
    finally:
        process.terminate()
        process.wait(timeout=30)
    figures = parse_wrk(result.stdout)
    if figures["errors"]:
        raise RuntimeError(f"wrk saw {figures['errors']:.0f} error responses:\n{result.stdout}")
    note = f"wrk {connections} connections, {seconds} s, {figures['requests']:.0f} requests"
    report.add("list_api.gunicorn.p50", figures["p50"], "ms", note=note)
    report.add("list_api.gunicorn.p99", figures["p99"], "ms")
    report.add("list_api.gunicorn.throughput", figures["rps"], "req/s")
