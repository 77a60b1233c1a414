"""Password reset end to end (issue 9, item 8), with Django's locmem outbox."""

import re

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from ..config.test_posture import settings_with
from ..factories import PASSWORD, UserFactory, token_for

pytestmark = pytest.mark.django_db

NEW = "Fresh-pass-2026!"
LINK = re.compile(r"http://testserver/reset-password/(?P<uid>[0-9A-Za-z]+)/(?P<token>[0-9A-Za-z-]+)$", re.M)


def ask_reset(client, email):
    return client.post("/api/auth/password/reset/", {"email": email}, format="json")


def confirm(client, uid, token, password=NEW):
    return client.post(
        "/api/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password1": password, "new_password2": password},
        format="json",
    )


def test_known_and_unknown_emails_get_the_same_answer(make_client):
    UserFactory(email="ada@example.com")
    known, unknown = (
        ask_reset(make_client(), "ada@example.com"),
        ask_reset(make_client(), "nobody@example.com"),
    )
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.com"]


def test_the_emailed_link_resets_the_password_once(
    make_client, client, sent_events, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@example.com")
    old_key = token_for(user)
    ask_reset(make_client(), "ada@example.com")
    found = LINK.search(mail.outbox[0].body)
    assert found, mail.outbox[0].body
    assert user.username in mail.outbox[0].body
    # The link is a page of the web app.
    page = client.get(found.group(0))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    api = make_client()
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(api, found["uid"], found["token"])
    assert done.status_code == 200, done.json()
    login = api.post("/api/auth/login/", {"username": user.username, "password": NEW}, format="json")
    assert login.status_code == 200
    assert login.json()["key"] != old_key  # every old session ended
    assert not Token.objects.filter(key=old_key).exists()
    assert sent_events.to(f"user.{user.pk}") == [
        {"type": "chat.account_changed", "reason": "password_changed"}
    ]
    again = confirm(api, found["uid"], found["token"], password="Third-pass-2026!")
    assert again.status_code == 400
    assert "token" in again.json()
    relogin = api.post("/api/auth/login/", {"username": user.username, "password": NEW}, format="json")
    assert relogin.status_code == 200


def test_a_forged_token_or_uid_is_400(make_client):
    user = UserFactory(email="ada@example.com")
    ask_reset(make_client(), "ada@example.com")
    found = LINK.search(mail.outbox[0].body)
    assert "token" in confirm(make_client(), found["uid"], "abc-123").json()
    assert "uid" in confirm(make_client(), "zzzzzzzz", found["token"]).json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_failing_mail_server_is_logged_without_the_link_and_answers_the_same(make_client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    UserFactory(email="ada@example.com")
    response = ask_reset(make_client(), "ada@example.com")
    assert response.status_code == 200
    assert response.json() == ask_reset(make_client(), "nobody@example.com").json()
    assert "password-reset email could not be sent" in caplog.text
    assert "reset-password/" not in caplog.text


def test_the_console_backend_is_the_default_only_when_debugging():
    assert settings_with({})["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        settings_with({"DJANGO_DEBUG": "true"})["EMAIL_BACKEND"]
        == "django.core.mail.backends.console.EmailBackend"
    )
    chosen = settings_with({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"})
    assert chosen["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
