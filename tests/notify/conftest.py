"""Receivers started by the tests as processes of their own on spare loopback ports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECEIVER = Path(__file__).with_name("receiver.py")
EXAMPLE = ROOT / "examples" / "webhook_receiver.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A receiver process; ``entries()`` reads what it logged."""

    def __init__(self, log: Path, args: list[str], script: Path = RECEIVER) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        first = json.loads(self.process.stdout.readline())
        self.port = first.get("port") or int(first["listening"].rstrip("/").rsplit(":", 1)[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def entries(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text("utf-8").splitlines()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def start_receiver(tmp_path):
    """``start_receiver(kind, secret=…, fail_first=…, port=…)`` → a running Receiver
    (stopped at the end of the test)."""
    started: list[Receiver] = []

    def start(kind: str, *, secret: str = "", fail_first: int = 0, port: int = 0) -> Receiver:
        log = tmp_path / f"{kind}-{len(started)}.jsonl"
        args = ["--kind", kind, "--log", str(log), "--port", str(port)]
        # --secret=…: a secret may begin with "-" (URL-safe base64), which argparse would
        # take for an option of its own after a separate "--secret".
        args += [f"--secret={secret}", "--fail-first", str(fail_first)]
        receiver = Receiver(log, args)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def start_example_receiver(tmp_path):
    """``examples/webhook_receiver.py`` with ``secret`` on ``port``; its stdout lines
    are the verified deliveries."""
    started: list[Receiver] = []

    def start(secret: str, port: int) -> Receiver:
        receiver = Receiver(
            tmp_path / "unused", [f"--secret={secret}", "--port", str(port)], script=EXAMPLE
        )
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture(autouse=True)
def _private_urls(settings):
    # The receivers listen on loopback.
    settings.GENDAN_WEBHOOK_ALLOW_PRIVATE = True
    settings.GENDAN_SITE_URL = "https://gendan.example.com"
