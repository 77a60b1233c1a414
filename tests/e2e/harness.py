"""Real servers and real clients for end-to-end tests.

`DaphneServer` starts `python -m config.serve` (daphne, as scripts/run does)
in a subprocess against the test database and REDIS_URL; `ChatClient` talks
to it over HTTP (urllib) and WebSocket (`websockets`), as any client would.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import websockets
from django.conf import settings

from ..factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "test-artifacts" / "server-logs"
# Switched off in the servers, as the message rate limit is; a test sets one to try it.
PER_USER_CAPS = (
    "CHAT_RATE_WS_TICKETS",
    "CHAT_RATE_ROOM_CREATES",
    "CHAT_RATE_MEMBER_ADDS",
    "CHAT_RATE_ROOM_JOINS",
    "CHAT_RATE_DIRECT_OPENS",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """A URL for the database the test run uses (pytest-django's test database)."""
    from django.db import connection

    db = connection.settings_dict  # pytest-django renamed NAME to the test database here
    if db["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{db['NAME']}"
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class DaphneServer:
    """One daphne process serving config.asgi on a free loopback port."""

    def __init__(
        self,
        *,
        request_timeout: int = 30,
        extra_origins: tuple[str, ...] = (),
        port: int | None = None,
        **env_overrides: str,
    ):
        """`extra_origins`: pages besides the server's own that may open its WebSocket
        (e.g. a TcpProxy's URL); `port`: listen there (a restart), else on a free port;
        `env_overrides` win over the harness's environment. The metrics listen on
        `metrics_url` (core.metrics)."""
        self.port = port or free_port()
        self.metrics_url = f"http://127.0.0.1:{free_port()}/metrics"
        if extra_origins:
            own = (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")
            env_overrides = {"CHAT_ALLOWED_ORIGINS": ",".join((*own, *extra_origins)), **env_overrides}
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "chat"),
            "AUTH_THROTTLE_RATE": "10000/min",
            "SEARCH_THROTTLE_RATE": "10000/min",
            "CHAT_RATE_LIMIT_MESSAGES": "0",
            **{name: "0" for name in PER_USER_CAPS},
            # The port of the default allowed WebSocket origins (http://127.0.0.1:PORT).
            "PORT": str(self.port),
            "METRICS_PORT": self.metrics_url.rsplit(":", 1)[1].split("/")[0],
            **env_overrides,
        }
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"daphne-{self.port}.log"
        self.log = self.log_path.open("ab" if port else "wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "config.serve",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--websocket-max-message-size",
                "65536",
                "--websocket-max-frame-size",
                "65536",
                # The time limits of scripts/run; tests of slow clients shorten the first.
                "--request-timeout",
                str(request_timeout),
                "--http-timeout",
                "60",
                "--websocket_connect_timeout",
                "5",
                "--ping-interval",
                "20",
                "--ping-timeout",
                "30",
                "--websocket_timeout",
                "86400",
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"daphne did not become healthy: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()

    def metric(self, name: str) -> float:
        """The value of one unlabelled series of this process's /metrics (0 if absent)."""
        with urllib.request.urlopen(self.metrics_url, timeout=5) as response:
            for line in response.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
        return 0.0

    def kill(self) -> None:
        """SIGKILL: the process dies without running any disconnect handler."""
        self.process.kill()
        self.process.wait(5)
        self.log.close()


class ApiError(Exception):
    def __init__(self, status: int, body):
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


class ChatClient:
    """A registered user of one server: REST calls with the token, sockets by ticket."""

    def __init__(self, server: DaphneServer, username: str | None = None):
        self.server = server
        self.username = username or f"e2e{uuid.uuid4().hex[:10]}"
        self.token = self.call(
            "POST",
            "/api/auth/registration/",
            {"username": self.username, "password1": PASSWORD, "password2": PASSWORD},
            auth=False,
        )["key"]
        self.id = self.call("GET", "/api/auth/user/")["pk"]

    def call(
        self,
        method: str,
        path: str,
        body=None,
        *,
        auth: bool = True,
        expect: int | None = None,
        server: DaphneServer | None = None,
    ):
        """JSON in, JSON out, through `server` (default: the client's); raises ApiError on a
        status >= 400 (or other than `expect`)."""
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Token {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        url = (server or self.server).url + path
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        parsed = json.loads(raw) if raw else None
        if (expect is not None and status != expect) or (expect is None and status >= 400):
            raise ApiError(status, parsed)
        return parsed

    async def connect(self, server: DaphneServer | None = None) -> "Socket":
        server = server or self.server
        ticket = self.call("POST", "/api/auth/ws-ticket/")["ticket"]
        ws = await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}", max_size=None)
        sock = Socket(ws)
        hello = await sock.recv()
        assert hello["type"] == "hello", hello
        sock.hello = hello
        return sock


class Socket:
    """A connected `/ws/chat/` socket with JSON helpers."""

    def __init__(self, ws):
        self.ws = ws
        self.hello: dict = {}
        self.skipped: list[dict] = []

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout: float = 5) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def recv_until(self, predicate, timeout: float = 5) -> dict:
        """The first frame for which `predicate(frame)` is true; the frames before it go to `skipped`."""
        deadline = asyncio.get_running_loop().time() + timeout
        self.skipped = []
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError("no matching frame")
            frame = await self.recv(remaining)
            if predicate(frame):
                return frame
            self.skipped.append(frame)

    async def collect(self, type_: str, count: int, timeout: float = 10) -> list[dict]:
        """The next `count` frames of `type_`, in arrival order."""
        return [await self.recv_until(lambda f: f["type"] == type_, timeout) for _ in range(count)]

    async def ping(self) -> None:
        """Returns once every earlier frame of this socket has taken effect (contract)."""
        await self.send({"type": "ping"})
        await self.recv_until(lambda f: f["type"] == "pong")

    async def close(self) -> None:
        await self.ws.close()


class TcpProxy:
    """A loopback TCP proxy to a server whose line can be cut and restored.

    `cut()` drops every open connection (the open WebSocket included) and
    refuses new ones until `restore()`, as a lost network would.
    """

    def __init__(self, target_port: int = 0):
        """`target_port` may be set later (`proxy.target_port = ...`), before the first connection."""
        import threading

        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.is_cut = False
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with self.lock:
                    self.open.discard(sock)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self) -> None:
        self.is_cut = True
        with self.lock:
            live = list(self.open)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def restore(self) -> None:
        self.is_cut = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
