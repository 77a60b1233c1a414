"""Deployment posture (issue 9, item 14): the Content-Security-Policy on every page,
HSTS for a year behind HTTPS."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.harness import ROOT

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: value for name, _, value in (d.partition(" ") for d in directives)}


@pytest.mark.parametrize(
    "path", ["/", "/rooms/1", "/admin/login/", "/api/schema/", "/healthz", "/api/rooms/"]
)
def test_every_page_has_the_policy(client, path):
    assert policy_of(client.get(path)) == POLICY


def test_the_api_docs_may_only_add_inline_styles(client):
    assert policy_of(client.get("/api/docs/")) == {**POLICY, "style-src": "'self' 'unsafe-inline'"}


def test_the_api_docs_run_no_inline_script_and_load_nothing_from_elsewhere(client):
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html.replace(" ", "")
    assert "cdn." not in html and "https://" not in html
    assert 'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"' in html
    assert 'src="/api/docs/?script="' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def settings_with(env: dict) -> dict:
    """A few security settings of config.settings.base under `env`, read in a fresh interpreter."""
    code = (
        "import json; from config.settings import base as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in "
        "['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'EMAIL_BACKEND']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_hsts_lasts_a_year_behind_https():
    secure = settings_with({"DJANGO_SECURE": "true"})
    assert secure["SECURE_HSTS_SECONDS"] == 31_536_000
    assert secure["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert secure["SECURE_SSL_REDIRECT"] is True
    assert settings_with({})["SECURE_HSTS_SECONDS"] is None


def test_the_hsts_header_says_a_year(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
