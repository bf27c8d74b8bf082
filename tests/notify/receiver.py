"""A test receiver run as its own process: it logs every request it gets (one JSON line
per request in --log) after checking it as the real other end would.

    python tests/notify/receiver.py --kind webhook|wecom|dingtalk --log FILE
        [--secret S] [--fail-first N] [--port P]

- webhook: the X-Gendan-Signature must verify with --secret (else 401); the first
  --fail-first requests of each delivery id are answered 500;
- wecom: the body must be a group robot message as WeCom documents it (msgtype text
  or markdown with its content); answered {"errcode": 0, "errmsg": "ok"} or 93017;
- dingtalk: the same for DingTalk (markdown: title and text; text: content), and
  with --secret the URL's timestamp and sign must verify (else errcode 310000, as
  DingTalk answers a bad signature).

The first line on stdout is {"port": P}.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def webhook_ok(secret: str, header: str, body: bytes) -> bool:
    fields = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(fields["t"])
    except (KeyError, ValueError):
        return False
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(time.time() - t) < 300 and hmac.compare_digest(mac, fields.get("v1", ""))


def robot_message_ok(kind: str, message) -> bool:
    if not isinstance(message, dict):
        return False
    msgtype = message.get("msgtype")
    part = message.get(msgtype)
    if msgtype not in ("text", "markdown") or not isinstance(part, dict):
        return False
    if kind == "dingtalk" and msgtype == "markdown":
        return all(isinstance(part.get(k), str) and part[k] for k in ("title", "text"))
    return isinstance(part.get("content"), str) and bool(part["content"])


def dingtalk_sign_ok(secret: str, query: dict) -> bool:
    try:
        timestamp = query["timestamp"][0]
        sign = query["sign"][0]  # parse_qs has URL-decoded it
    except (KeyError, IndexError):
        return False
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    fresh = abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
    return fresh and hmac.compare_digest(base64.b64encode(mac).decode(), sign)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", required=True, choices=["webhook", "wecom", "dingtalk"])
    parser.add_argument("--log", required=True)
    parser.add_argument("--secret", default="")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    lock = threading.Lock()
    tries: Counter = Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            url = urlsplit(self.path)
            entry = {
                "path": url.path,
                "query": parse_qs(url.query),
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            if args.kind == "webhook":
                entry["verified"] = webhook_ok(
                    args.secret, self.headers.get("X-Gendan-Signature", ""), body
                )
                with lock:
                    key = self.headers.get("X-Gendan-Delivery", "")
                    tries[key] += 1
                    n = tries[key]
                if not entry["verified"]:
                    status, answer = 401, {"error": "bad signature"}
                elif n <= args.fail_first:
                    status, answer = 500, {"error": "try again"}
                else:
                    status, answer = 200, {"ok": True}
            else:
                try:
                    message = json.loads(body)
                except ValueError:
                    message = None
                entry["verified"] = robot_message_ok(args.kind, message)
                if args.kind == "dingtalk" and args.secret:
                    entry["verified"] = entry["verified"] and dingtalk_sign_ok(
                        args.secret, entry["query"]
                    )
                status = 200
                if entry["verified"]:
                    answer = {"errcode": 0, "errmsg": "ok"}
                else:
                    code = 310000 if args.kind == "dingtalk" else 93017
                    answer = {"errcode": code, "errmsg": "invalid"}
            entry["status"] = status
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *a) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
