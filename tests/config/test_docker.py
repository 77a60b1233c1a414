"""docker/: the compose file, the Dockerfile and .env.example agree with the settings and scripts/run."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import AsyncClient
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def settings_variables() -> set[str]:
    """Every variable config/settings/base.py reads through django-environ."""
    text = (ROOT / "config" / "settings" / "base.py").read_text()
    return set(re.findall(r'env\.[a-z_]+\(\s*"([A-Z][A-Z0-9_]*)"', text))


def serve_variables() -> set[str]:
    """The variables scripts/serve reads itself (${NAME:-default})."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "scripts" / "serve").read_text()))


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def dockerfile_instruction(name: str) -> list[str]:
    """The arguments of every `name` instruction, continuation lines joined."""
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.+)$", text, re.M)]


def test_settings_variables_are_found():
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "LOG_FORMAT", "CHAT_SHUTDOWN_TIMEOUT"} <= found
    assert len(found) > 40


@pytest.mark.parametrize("service", ["web", "migrate"])
def test_every_variable_compose_sets_is_read_by_the_server(service):
    env = compose()["services"][service]["environment"]
    assert set(env) - (settings_variables() | serve_variables()) == set()
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_every_variable_the_dockerfile_sets_is_read():
    names = set()
    for args in dockerfile_instruction("ENV"):
        names |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", args))
    python_own = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PATH"}
    assert names - python_own - settings_variables() - serve_variables() == set()


def test_env_example_lists_every_setting():
    text = (DOCKER / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))
    assert settings_variables() - listed == set()
    # Nothing in it is unknown: each is a setting, scripts/serve's or compose's own.
    assert listed - settings_variables() - serve_variables() - {"POSTGRES_PASSWORD"} == set()


def test_compose_runs_migrate_once_then_two_web_processes_behind_nginx():
    services = compose()["services"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    web = services["web"]
    assert web["deploy"]["replicas"] >= 2
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert services["nginx"]["ports"] == ["8080:8080"]
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    # Every server process mounts the one var/ (the generated secret key lives there),
    # and nothing in the environment insists on a key being set.
    for name in ("migrate", "web"):
        assert "var:/app/var" in services[name]["volumes"]
    assert web["environment"]["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:-}"
    assert "var" in compose()["volumes"]
    # Docker's SIGKILL comes after the drain's bound.
    assert float(web["stop_grace_period"].rstrip("s")) > float(
        re.search(r"-(\d+)", web["environment"]["CHAT_SHUTDOWN_TIMEOUT"]).group(1)
    )


def test_the_image_runs_the_serve_command_of_scripts_run():
    assert dockerfile_instruction("CMD") == ['["scripts/serve"]']
    run = (ROOT / "scripts" / "run").read_text().strip().splitlines()
    assert run[-1] == "exec scripts/serve"
    assert "exec python -m config.serve" in (ROOT / "scripts" / "serve").read_text()


def test_the_image_is_multi_stage_pinned_and_not_root():
    froms = dockerfile_instruction("FROM")
    assert froms[0].startswith("node:") and froms[-1].startswith("python:3.11-slim")
    runs = " ".join(" ".join(dockerfile_instruction("RUN")).split())
    assert "--require-hashes -r requirements/base.lock.txt" in runs
    assert "npm ci" in runs
    user = dockerfile_instruction("USER")
    assert user and user[-1] not in ("root", "0")


@pytest.mark.django_db(transaction=True)
async def test_the_healthcheck_path_exists():
    (check,) = dockerfile_instruction("HEALTHCHECK")
    path = re.search(r"http://127\.0\.0\.1:%s(/[a-z]+)", check).group(1)
    assert resolve(path).url_name == "healthz"
    response = await AsyncClient().get(path)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_nginx_passes_websockets_and_fits_the_limits():
    conf = (DOCKER / "nginx.conf").read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    # The socket read timeout outlasts a ping and its pong (20 s + 30 s, scripts/serve).
    ws_read = re.search(r"location /ws/ \{[^}]*proxy_read_timeout (\d+)s;", conf).group(1)
    assert int(ws_read) > 20 + 30
    # The body limit is the server's own (CHAT_UPLOAD_MAX_REQUEST_BYTES: a message's files at
    # their limits and the multipart envelope), so nginx refuses nothing daphne would take.
    limit = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert limit * 1024 * 1024 == settings.CHAT_UPLOAD_MAX_REQUEST_BYTES
    assert settings.CHAT_UPLOAD_MAX_REQUEST_BYTES > 10 * 25 * 1024 * 1024


def test_the_image_holds_every_package_of_the_server():
    assert ". ." in dockerfile_instruction("COPY")
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert {"config", "core", "realtime", "messaging", "rooms", "accounts"} <= packages
    assert packages & ignored == set()
    assert {"manage.py", "scripts", "requirements"} & ignored == set()
    assert {"frontend/node_modules", "frontend/dist", ".venv", ".git"} <= ignored
