"""The processes of a fault-injection test, each started by the test on a spare loopback
port and stopped by it (by the process group it started, never by name).

- ``free_port``: a port nothing listens on;
- ``Process``: a child in a process group of its own, its output in a log file;
- ``RedisServer``: ``redis-server`` without persistence, stopped and started again on
  the same port;
- ``PostgresCluster``: a PostgreSQL cluster of the test's own (initdb + pg_ctl in a
  temporary folder), restarted and stopped at will;
- ``gunicorn`` / ``celery_worker`` / ``celery_beat``: Gendan's processes with the
  environment a test gives them;
- ``SmtpSink``: an SMTP server that counts what it accepted, and can hold its answer
  to a message until the client hangs up (a worker killed mid-send);
- ``SilentSmtp``: accepts connections and never says a word.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("GENDAN_FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))


class FaultTestError(AssertionError):
    pass


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(
    what: str, check: Callable[[], bool], timeout: float, processes: Iterable[Process] = ()
) -> float:
    """Poll ``check`` until it holds; the seconds it took. Fails with the processes' logs
    when it does not hold within ``timeout`` or one of them exits."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        for process in processes:
            if not process.alive():
                raise FaultTestError(f"{what}: {process.name} exited\n{process.tail()}")
        if time.monotonic() - started > timeout:
            logs = "\n".join(p.tail() for p in processes)
            raise FaultTestError(f"{what}: not within {timeout:.0f}s\n{logs}")
        time.sleep(0.1)


class Process:
    """A child process in a session (and process group) of its own."""

    def __init__(
        self,
        name: str,
        args: list[str],
        *,
        log: Path,
        env: dict[str, str] | None = None,
        cwd: Path = BASE_DIR,
        user: str | None = None,
    ) -> None:
        self.name = name
        self.log = log
        self._out = log.open("ab")
        self.popen = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            user=user,
        )
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, chars: int = 4000) -> str:
        return f"---- {self.name} ({self.log}) ----\n{self.text()[-chars:]}"

    def kill(self) -> None:
        """SIGKILL to the whole process group: the process and its children die at once,
        as in a crash (nothing runs its shutdown)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._close()

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL to the group if it does not end."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Children left behind by the leader (a prefork pool) go with the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        self._close()

    def _close(self) -> None:
        with contextlib.suppress(OSError):
            self._out.close()


# --------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------


class RedisServer:
    """``redis-server`` on a spare port, no persistence: stopped, it forgets everything
    (its queued tasks too), as a Redis without an append-only file does."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.folder = folder
        self.process: Process | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert self.binary, "redis-server is not installed"
        self.starts += 1
        args = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.process = Process(
            "redis", args, log=self.folder / f"redis-{self.starts}.log", cwd=self.folder
        )
        wait_until("redis answers", self.ping, 15, [self.process])
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL cluster of the test's own: initdb in a temporary folder, a spare
    port, trust authentication for ``postgres`` on loopback. PostgreSQL refuses to run
    as root, so as root the cluster belongs to the ``postgres`` system user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam("postgres")
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        self.logfile = folder / "postgres.log"

    @staticmethod
    def available() -> str | None:
        """Why a cluster of one's own cannot be made here (None: it can)."""
        if not (PG_BIN / "initdb").exists():
            return f"no initdb in {PG_BIN}"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and no postgres user to own a cluster"
        return None

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [str(PG_BIN / args[0]), *args[1:]],
            cwd=self.folder,
            user=self.user,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise FaultTestError(
                f"{' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}\n"
                f"{self.log_text()[-3000:]}"
            )

    def init(self) -> PostgresCluster:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C",
        )
        return self

    def base_backup(self, primary: PostgresCluster) -> PostgresCluster:
        """This cluster as a streaming replica of ``primary`` (pg_basebackup -R: it
        follows the primary's WAL once started)."""
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
        )  # fmt: skip
        return self

    def _ctl(self, action: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c max_connections=50"
        )
        # -l: the server's output to a file (else it would hold our pipe open).
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-m", "fast",
            "-w", action,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """A fast restart: every session is cut."""
        self._ctl("restart")

    def running(self) -> bool:
        pid_file = self.data / "postmaster.pid"
        return pid_file.exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-AtX",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise FaultTestError(f"psql: {result.stderr}")
        return result.stdout.strip()

    def log_text(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(FaultTestError, subprocess.TimeoutExpired):
                self.stop("immediate")


def copy_database(source_url: str, cluster: PostgresCluster, database: str) -> None:
    """The source database (schema and rows) into a new ``database`` of ``cluster``."""
    cluster.psql("postgres", f'CREATE DATABASE "{database}"')
    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    restore = subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-q",
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            cluster.url(database),
        ],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    dump.stdout.close()
    dump_err = dump.stderr.read().decode(errors="replace")
    dump.wait(timeout=30)
    if dump.returncode != 0 or restore.returncode != 0:
        raise FaultTestError(f"copying the database failed:\n{dump_err}\n{restore.stderr}")


# --------------------------------------------------------------------------------------
# Gendan's processes
# --------------------------------------------------------------------------------------


def gunicorn(env: dict[str, str], folder: Path, *, workers: int = 2, threads: int = 4):
    """gunicorn serving Gendan on a spare port; (process, base URL) once it answers."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "gendan.wsgi",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--timeout",
        "60",
        "--access-logfile",
        "-",
    ]
    process = Process("gunicorn", args, log=folder / "gunicorn.log", env=env)
    wait_until("gunicorn listens", lambda: port_open(port), 60, [process])
    return process, f"http://127.0.0.1:{port}"


def celery_worker(env: dict[str, str], folder: Path, name: str = "worker") -> Process:
    """A Celery worker as the Procfile runs it: prefork (time limits enforced), one child."""
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "gendan",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}-{os.getpid()}@%h",
        "--loglevel=INFO",
    ]
    process = Process(name, args, log=folder / f"{name}.log", env=env)
    wait_until("the worker is ready", lambda: " ready." in process.text(), 90, [process])
    return process


def celery_beat(env: dict[str, str], folder: Path) -> Process:
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "gendan",
        "beat",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile",
        str(folder / "beat.pid"),
        "--loglevel=INFO",
    ]
    process = Process("beat", args, log=folder / "beat.log", env=env)
    wait_until("beat starts", lambda: "beat: Starting" in process.text(), 60, [process])
    return process


# --------------------------------------------------------------------------------------
# SMTP
# --------------------------------------------------------------------------------------


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Background:
    """A socketserver on a spare loopback port, served by a thread of its own."""

    handler: type[socketserver.BaseRequestHandler]

    def __init__(self) -> None:
        self.server = _Server(("127.0.0.1", 0), self.handler)
        self.server.owner = self
        self.port = self.server.server_address[1]
        self.connections = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _SinkHandler(socketserver.StreamRequestHandler):
    timeout = 60

    def handle(self) -> None:
        sink: SmtpSink = self.server.owner
        with sink.lock:
            sink.connections += 1
        self.reply("220 gendan-test-sink ESMTP")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 gendan-test-sink")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = self.read_data()
                if body is None:
                    return
                if sink.take_hold():
                    # Hold the answer until the client hangs up: the message is not
                    # accepted (no 250 was sent), as a real server would drop it.
                    self.wait_for_hangup()
                    with sink.lock:
                        sink.dropped += 1
                    return
                with sink.lock:
                    sink.messages.append({"from": sender, "to": recipients, "data": body})
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def read_data(self) -> bytes | None:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line)

    def wait_for_hangup(self) -> None:
        sink: SmtpSink = self.server.owner
        sink.holding.set()
        self.connection.settimeout(0.2)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.connection.recv(1024) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return


class SmtpSink(_Background):
    """An SMTP server that accepts every message (``messages``); with ``hold_next()``,
    it holds its answer to the next message until the client hangs up, and drops it."""

    handler = _SinkHandler

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict] = []
        self.dropped = 0
        self._hold = False
        self.holding = threading.Event()

    def hold_next(self) -> None:
        with self.lock:
            self._hold = True
        self.holding.clear()

    def take_hold(self) -> bool:
        with self.lock:
            held, self._hold = self._hold, False
            return held

    def recipients(self, about: str = "") -> list[str]:
        """Who was sent a message (sorted, one entry per message and recipient); with
        ``about``, only messages whose subject contains it (the workers' start-up catch-up
        may send other alerts meanwhile)."""
        with self.lock:
            messages = list(self.messages)
        return sorted(
            to
            for message in messages
            if about
            in str(make_header(decode_header(message_from_bytes(message["data"])["Subject"] or "")))
            for to in message["to"]
        )


class _SilentHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: SilentSmtp = self.server.owner
        with owner.lock:
            owner.connections += 1
            owner.connected_at.append(time.monotonic())
        # Accept, then say nothing until the client gives up (or the test ends).
        self.request.settimeout(0.5)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not owner.closing:
            try:
                if self.request.recv(1024) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return


class SilentSmtp(_Background):
    """A mail server that accepts connections and never answers (no greeting)."""

    handler = _SilentHandler

    def __init__(self) -> None:
        super().__init__()
        self.connected_at: list[float] = []
        self.closing = False

    def __exit__(self, *exc) -> None:
        self.closing = True
        super().__exit__(*exc)
