"""Accounts over REST (contract: Authentication)."""

import pytest
from django.core.cache import cache

from accounts.models import User
from accounts.services import ws_ticket_redeem

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def register(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/auth/registration/",
        {"username": username, "password1": password, "password2": password, **extra},
        format="json",
    )


def test_registration_returns_a_token_that_authenticates(make_client):
    client = make_client()
    response = register(client, "alice", email="alice@example.com")
    assert response.status_code == 201
    key = response.json()["key"]
    assert len(key) == 40
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/auth/user/").json()
    assert me["username"] == "alice"
    assert me["email"] == "alice@example.com"
    assert me["pk"] == User.objects.get(username="alice").pk


def test_registration_without_email_works(make_client):
    assert register(make_client(), "bob").status_code == 201


def test_registration_of_a_taken_username_is_400_with_the_field_error(make_client, user):
    response = register(make_client(), user.username)
    assert response.status_code == 400
    assert "username" in response.json()


def test_registration_with_mismatched_passwords_is_400(make_client):
    response = make_client().post(
        "/api/auth/registration/",
        {"username": "carol", "password1": PASSWORD, "password2": PASSWORD + "x"},
        format="json",
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="carol").exists()


def test_login_gives_the_token_and_bad_credentials_are_400(make_client, user):
    client = make_client()
    ok = client.post("/api/auth/login/", {"username": user.username, "password": PASSWORD}, format="json")
    assert ok.status_code == 200
    assert len(ok.json()["key"]) == 40
    bad = client.post("/api/auth/login/", {"username": user.username, "password": "wrong"}, format="json")
    assert bad.status_code == 400
    assert "key" not in bad.json()


def test_logout_revokes_the_token(api):
    assert api.get("/api/auth/user/").status_code == 200
    assert api.post("/api/auth/logout/").status_code == 200
    assert api.get("/api/auth/user/").status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/auth/user/"),
        ("post", "/api/auth/ws-ticket/"),
        ("get", "/api/rooms/"),
        ("post", "/api/rooms/"),
        ("get", "/api/rooms/public/"),
        ("get", "/api/rooms/1/"),
        ("get", "/api/rooms/1/messages/"),
        ("post", "/api/direct/"),
        ("patch", "/api/messages/1/"),
    ],
)
def test_endpoints_need_a_token(make_client, method, path):
    response = getattr(make_client(), method)(path, {}, format="json")
    assert response.status_code == 401


def test_schema_docs_and_health_are_open(make_client):
    client = make_client()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/rooms/{room_id}/messages/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_ws_ticket_is_single_use_and_short_lived(api, user):
    response = api.post("/api/auth/ws-ticket/")
    assert response.status_code == 201
    body = response.json()
    assert 0 < body["expires_in"] <= 60
    assert ws_ticket_redeem(ticket=body["ticket"]) == user
    assert ws_ticket_redeem(ticket=body["ticket"]) is None


def test_ws_ticket_expires(api, settings):
    ticket = api.post("/api/auth/ws-ticket/").json()["ticket"]
    cache.delete(f"ws-ticket:{ticket}")  # what the cache's timeout does after expires_in
    assert ws_ticket_redeem(ticket=ticket) is None
    assert ws_ticket_redeem(ticket="no-such-ticket") is None


def test_login_is_throttled(make_client, user, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    # DRF reads the rates once, into the class: set this test's there, restored after it.
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "dj_rest_auth": "3/min"}
    )
    client = make_client()
    codes = [
        client.post(
            "/api/auth/login/", {"username": user.username, "password": "x"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
