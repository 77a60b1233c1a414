"""What the bench runs against: its own PostgreSQL database, its Redis keys, daphne processes.

`BenchDatabase` creates and migrates a database of its own next to the one
DATABASE_URL names. `start_server` starts daphne exactly as scripts/run does
(`python -m config.serve ... config.asgi:application` with the 64 KiB
limits), or the baseline app of `bench.baseline`, on a free loopback port,
and waits for `/healthz`.
"""

import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from .procstat import ProcessMeter

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "var" / "bench"


def raise_nofile_limit() -> int:
    """Raise this process's RLIMIT_NOFILE soft limit to the hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def with_database(url: str, name: str) -> str:
    """`url` (postgres://...) naming database `name` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def with_redis_db(url: str, db: int | None) -> str:
    """`url` (redis://...) on database number `db` (unchanged when db is None)."""
    if db is None:
        return url
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


class BenchDatabase:
    """A PostgreSQL database of the bench's own, dropped and created anew, then migrated."""

    def __init__(self, base_url: str, name: str):
        if not base_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("DATABASE_URL must name a PostgreSQL database (postgres://...)")
        self.base_url = base_url
        self.name = name
        self.url = with_database(base_url, name)

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(with_database(self.base_url, "postgres"), autocommit=True)

    def recreate(self) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": self.url},
            check=True,
        )

    def server_version(self) -> str:
        with psycopg.connect(self.url) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]


def clear_redis_prefix(url: str, prefix: str) -> int:
    """Delete the keys under `prefix` (the bench's channel-layer and cache keys) from `url`'s database.

    Only this prefix, never the whole database: the database may be shared.
    """
    client = redis.Redis.from_url(url)
    deleted = 0
    batch = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


def redis_version(url: str) -> str:
    return redis.Redis.from_url(url).info("server")["redis_version"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server under test: where it listens, and its process when the bench started it."""

    kind: str  # "ours" or "baseline"
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    meter: ProcessMeter = field(default_factory=lambda: ProcessMeter(None))

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[4:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_server(
    kind: str, *, database_url: str, redis_url: str, prefix: str, extra_env: dict[str, str] | None = None
) -> Server:
    """Start daphne serving our app ("ours") or the baseline ("baseline"); wait until /healthz answers 200.

    Ours gets CHAT_RATE_LIMIT_MESSAGES=0 and a high AUTH_THROTTLE_RATE, as a
    load test needs (README: Settings). Raises RuntimeError with the log's
    tail when the process exits or stays unhealthy for 60 s.
    """
    port = free_port()
    if kind == "ours":
        app = "config.asgi:application"
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url,
            "CHAT_RATE_LIMIT_MESSAGES": "0",
            "AUTH_THROTTLE_RATE": "1000000/min",
            "SERVER_TIMING": "true",  # scenario (e) reads the server's own time
        }
    elif kind == "baseline":
        app = "bench.baseline:application"
        env = {"DJANGO_SETTINGS_MODULE": "bench.baseline_settings"}
    else:
        raise ValueError(kind)
    env.update(
        {
            "REDIS_URL": redis_url,
            "CHANNEL_LAYER_PREFIX": f"{prefix}-{kind}",
            "CACHE_PREFIX": f"{prefix}-{kind}",
        }
    )
    clear_redis_prefix(redis_url, f"{prefix}-{kind}")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"daphne-{kind}-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "config.serve",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--websocket-max-message-size",
            "65536",
            "--websocket-max-frame-size",
            "65536",
            "--proxy-headers",
            app,
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, **env, **(extra_env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(kind, f"http://127.0.0.1:{port}", process, log_path, ProcessMeter(process.pid))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne ({kind}) exited: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"daphne ({kind}) did not become healthy: {log_path.read_text()[-3000:]}")
