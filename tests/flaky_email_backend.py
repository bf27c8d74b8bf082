"""A mail backend for tests that fails on chosen attempts, then delivers to a file.

Set by environment, so that a Celery worker process started by a test loads it
too (``EMAIL_BACKEND=tests.flaky_email_backend.EmailBackend``):

- ``FLAKY_EMAIL_DIR``: a folder; ``attempts`` counts every send, ``outbox`` gets
  one JSON line per delivered message;
- ``FLAKY_EMAIL_FAIL_ATTEMPTS``: the attempt numbers that fail, e.g. ``1,2``
  (default: the first two), as a mail server that drops the connection.
"""

from __future__ import annotations

import json
import os
import smtplib
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ["FLAKY_EMAIL_DIR"])
        counter = folder / "attempts"
        attempt = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(attempt))
        failing = os.environ.get("FLAKY_EMAIL_FAIL_ATTEMPTS", "1,2")
        if str(attempt) in failing.split(","):
            raise smtplib.SMTPServerDisconnected(f"flaky test backend: attempt {attempt} fails")
        with (folder / "outbox").open("a", encoding="utf-8") as outbox:
            for message in email_messages:
                line = {"to": message.to, "subject": message.subject, "body": message.body}
                outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        return len(email_messages)


def delivered(folder: Path) -> list[dict]:
    outbox = Path(folder) / "outbox"
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def attempts(folder: Path) -> int:
    counter = Path(folder) / "attempts"
    return int(counter.read_text()) if counter.exists() else 0
