"""`Server-Timing` on HTTP responses (config/middleware.py), only when SERVER_TIMING is on."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_server_timing_gives_the_request_time_when_on(client, settings):
    settings.SERVER_TIMING = True
    header = client.get("/api/schema/").headers["Server-Timing"]
    match = re.fullmatch(r"total;dur=(\d+\.\d\d)", header)
    assert match and float(match.group(1)) > 0


def test_no_server_timing_by_default(client):
    assert "Server-Timing" not in client.get("/api/schema/").headers
