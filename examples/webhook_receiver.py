"""An ERP's receiver of Gendan's webhooks — a readable example using only the standard
library.

It checks each POST the way README.md ("ERP webhooks") describes:

1. read the raw body (the signature covers the bytes as sent, not a re-encoding);
2. take ``t`` and ``v1`` from ``X-Gendan-Signature: t=<unix seconds>,v1=<hex>``;
3. compute HMAC-SHA256 with the subscription's secret over ``<t>.<body>`` and compare
   it with ``v1`` in constant time; refuse a ``t`` more than 5 minutes away (a replay);
4. de-duplicate on ``X-Gendan-Delivery``: delivery is at least once, so the same
   delivery may come again (a retry after a lost answer, a redelivery from the admin).

A verified new delivery is printed as one JSON line on stdout and answered 200; a
repeated one is answered 200 and not printed again; a bad signature is 401.

    python examples/webhook_receiver.py --secret SECRET [--host 127.0.0.1] [--port 8765]

(``--port 0`` picks a free port.) The first line printed is
``{"listening": "http://HOST:PORT/"}``. A real ERP would keep the seen delivery ids
in its database, in the transaction that applies the event.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """Whether ``header`` (X-Gendan-Signature) signs ``body`` with ``secret``."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


def make_handler(secret: str):
    seen: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not verify(secret, self.headers.get("X-Gendan-Signature", ""), body):
                self._answer(401, b'{"error": "bad signature"}')
                return
            delivery_id = self.headers.get("X-Gendan-Delivery", "")
            with lock:
                new = delivery_id not in seen
                seen.add(delivery_id)
            if new:
                event = json.loads(body)
                line = {
                    "delivery_id": delivery_id,
                    "type": event["type"],
                    "subject": event["subject"],
                    "title": event["title"],
                }
                print(json.dumps(line, ensure_ascii=False), flush=True)
            self._answer(200, b'{"ok": true}')

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # quiet: stdout is the deliveries
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.secret))
    host, port = server.server_address[:2]
    print(json.dumps({"listening": f"http://{host}:{port}/"}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
