"""Login abuse limits (issue 9, item 4): throttles keyed on the real client address,
and django-axes' lockout of the API login and /admin/login/ alike."""

import pytest
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth_rate(settings):
    """`auth_rate(rate, proxies=0)`: the dj_rest_auth scope's rate and TRUSTED_PROXIES for one test."""

    original = ScopedRateThrottle.THROTTLE_RATES

    def set_(rate: str, proxies: int = 0):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"dj_rest_auth": rate},
            "NUM_PROXIES": proxies,
        }
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    yield set_
    # The class keeps the rates it read at import; the settings fixture restores the rest.
    ScopedRateThrottle.THROTTLE_RATES = original


def login(client, username, password, **headers):
    return client.post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", **headers
    )


def test_a_rotating_x_forwarded_for_does_not_dodge_the_throttle(make_client, auth_rate):
    auth_rate("3/min")
    client = make_client()
    codes = [
        login(client, f"nobody{i}", "x", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_behind_trusted_proxies_the_client_is_the_address_the_proxy_added(make_client, auth_rate):
    auth_rate("3/min", proxies=1)
    client = make_client()
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    same_client = [
        login(client, f"nobody{i}", "x", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.7").status_code
        for i in range(4)
    ]
    assert same_client == [400, 400, 400, 429]
    other_client = login(client, "nobody", "x", HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.8")
    assert other_client.status_code == 400


def test_the_api_login_locks_out_after_the_failure_limit(make_client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    client = make_client()
    codes = [login(client, user.username, "wrong").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    locked = login(client, user.username, PASSWORD)  # even the right password, until the cool-off ends
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "rate_limited"
    assert body["detail"] == "Too many failed login attempts. Try again in 15 minutes."
    assert body["retry_after_ms"] == 15 * 60 * 1000
    assert locked["Retry-After"] == "900"
    assert "key" not in body


def test_the_lockout_is_per_username_and_address(make_client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    victim, other = UserFactory(), UserFactory()
    client = make_client()
    assert [login(client, victim.username, "wrong").status_code for _ in range(2)] == [400, 429]
    # Another user from the same address, and the victim from elsewhere, still log in.
    assert len(login(client, other.username, PASSWORD).json()["key"]) == 40
    elsewhere = login(client, victim.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 200
    # A forged X-Forwarded-For is not "elsewhere".
    forged = login(client, victim.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert forged.status_code == 429


def test_the_admin_login_locks_out_after_the_failure_limit(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    staff = UserFactory(is_staff=True, is_superuser=True)

    def admin_login(password):
        return client.post("/admin/login/?next=/admin/", {"username": staff.username, "password": password})

    first = admin_login("wrong")
    assert first.status_code == 200  # the form again, with its error
    assert b"Please enter the correct username and password" in first.content
    assert admin_login("wrong").status_code == 200
    third = admin_login("wrong")
    assert third.status_code == 429
    locked = admin_login(PASSWORD)
    assert locked.status_code == 429
    assert locked.content.decode() == "Too many failed login attempts. Try again in 15 minutes."
    assert client.get("/admin/").status_code == 302  # still not logged in
