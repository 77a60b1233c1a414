"""nginx in front of daphne processes, with docker/nginx.conf as compose runs it.

The file is rendered for a test: its upstream's servers become the given
loopback ports, it listens on a free loopback port, and nginx's pid, logs and
temporary files go to a directory of the test's, so it runs as the current
user (as root, its workers run as root too, to write there).
"""

import os
import pwd
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .harness import ROOT, free_port

CONF = ROOT / "docker" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(conf: str, *, upstream_ports: list[int], port: int, directory: Path) -> str:
    """docker/nginx.conf for local ports: the upstream's `server` lines, `listen`, logs and temp paths."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstream_ports)
    conf, replaced = re.subn(r"^\s*server web:8000 [^;]*;$", servers, conf, flags=re.M)
    assert replaced == 1, "docker/nginx.conf has no `server web:8000 ...;` line to render"
    conf, replaced = re.subn(r"^(\s*)listen 8080;$", rf"\1listen 127.0.0.1:{port};", conf, flags=re.M)
    assert replaced == 1, "docker/nginx.conf has no `listen 8080;` line to render"
    conf = conf.replace("access_log /dev/stdout;", f"access_log {directory}/access.log;")
    temp = "".join(
        f"    {kind}_temp_path {directory}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = conf.replace("http {\n", "http {\n" + temp, 1)
    main = f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log warn;\n"
    if os.geteuid() == 0:
        main += f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
    return main + conf


class Nginx:
    """nginx on a free loopback port proxying to daphne processes on `upstream_ports`."""

    def __init__(self, directory: Path, upstream_ports: list[int], port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.conf_path = directory / "nginx.conf"
        self.conf_path.write_text(
            render(CONF.read_text(), upstream_ports=upstream_ports, port=self.port, directory=directory)
        )
        command = [NGINX, "-p", str(directory), "-c", str(self.conf_path), "-e", str(directory / "error.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            self._wait_up()
        except BaseException:
            self.stop()
            raise

    def _wait_up(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError("nginx did not answer /healthz")

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
