"""What ends a user's sessions (issue 9, item 2): the account event that closes their
sockets with 4001, the rotated token, and the tickets that no longer open a socket."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import caches
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import ws_ticket_create, ws_ticket_redeem
from config.asgi import application

from ..factories import PASSWORD, UserFactory, token_for

pytestmark = pytest.mark.django_db


def account_events(sent_events, user):
    return sent_events.to(f"user.{user.pk}")


def change_password(client, old=PASSWORD, new="An0ther-secret!"):
    return client.post(
        "/api/auth/password/change/",
        {"old_password": old, "new_password1": new, "new_password2": new},
        format="json",
    )


def test_logout_closes_the_users_sockets(api, user, sent_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/auth/logout/").status_code == 200
    assert account_events(sent_events, user) == [{"type": "chat.account_changed", "reason": "logout"}]
    assert not Token.objects.filter(user=user).exists()


def test_logout_without_a_token_is_400_and_sends_nothing(make_client, sent_events):
    response = make_client().post("/api/auth/logout/")
    assert response.status_code == 400
    assert sent_events == []


def test_deactivation_through_save_closes_the_sockets(user, sent_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert account_events(sent_events, user) == [{"type": "chat.account_changed", "reason": "deactivated"}]


@pytest.mark.parametrize("field", ["is_staff", "is_superuser"])
@pytest.mark.parametrize("start", [False, True])
def test_a_staff_or_superuser_change_either_way_is_a_rights_change(
    field, start, sent_events, django_capture_on_commit_callbacks
):
    user = UserFactory(**{field: start})
    fresh = User.objects.get(pk=user.pk)  # a copy loaded elsewhere (the admin's form, say)
    with django_capture_on_commit_callbacks(execute=True):
        setattr(fresh, field, not start)
        fresh.save(update_fields=[field])
    assert account_events(sent_events, user) == [{"type": "chat.account_changed", "reason": "rights_changed"}]


def test_the_admin_taking_staff_away_closes_the_sockets(
    admin_client, crew, sent_events, django_capture_on_commit_callbacks
):
    target = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/accounts/user/{target.pk}/change/",
            {
                "username": target.username,
                "is_active": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
                "initial-date_joined_0": "2026-01-01",
                "initial-date_joined_1": "00:00:00",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.is_staff is False
    assert account_events(sent_events, target) == [
        {"type": "chat.account_changed", "reason": "rights_changed"}
    ]


def test_saves_that_change_no_right_send_nothing(user, sent_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Ada"
        user.save()
        user.is_active = True  # unchanged
        user.save(update_fields=["is_active"])
        User.objects.get(pk=user.pk).save(update_fields=["last_login"])
    assert sent_events == []


def test_a_password_set_anywhere_ends_every_session(user, sent_events, django_capture_on_commit_callbacks):
    token_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("brand-new-pass!1")  # what a reset, the admin or changepassword do
        user.save()
    assert account_events(sent_events, user) == [
        {"type": "chat.account_changed", "reason": "password_changed"}
    ]
    assert not Token.objects.filter(user=user).exists()


def test_a_hash_upgrade_at_login_is_not_a_password_change(user, settings, sent_events):
    key = token_for(user)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = user.password
    assert user.check_password(PASSWORD)  # re-hashes the MD5 hash with PBKDF2 and saves it
    user.refresh_from_db()
    assert user.password != before and user.password.startswith("pbkdf2_sha256$")
    assert Token.objects.get(user=user).key == key
    assert sent_events == []


def test_password_change_needs_the_old_password(api):
    response = api.post(
        "/api/auth/password/change/",
        {"new_password1": "An0ther-secret!", "new_password2": "An0ther-secret!"},
        format="json",
    )
    assert response.status_code == 400
    assert "old_password" in response.json()
    wrong = change_password(api, old="not-the-password")
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()


def test_password_change_rotates_the_token_and_answers_the_new_one(
    make_client, user, sent_events, django_capture_on_commit_callbacks
):
    old_key = token_for(user)
    client, other_device = make_client(user), make_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(client)
    assert response.status_code == 200
    new_key = response.json()["key"]
    assert len(new_key) == 40 and new_key != old_key
    assert response.json()["detail"] == "New password has been saved."
    assert Token.objects.get(user=user).key == new_key
    assert other_device.get("/api/auth/user/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert client.get("/api/auth/user/").json()["pk"] == user.pk
    assert account_events(sent_events, user) == [
        {"type": "chat.account_changed", "reason": "password_changed"}
    ]
    login = make_client().post(
        "/api/auth/login/", {"username": user.username, "password": "An0ther-secret!"}, format="json"
    )
    assert login.json()["key"] == new_key


def test_a_ticket_redeems_to_its_user_in_one_query(api, user, django_assert_num_queries):
    ticket = api.post("/api/auth/ws-ticket/").json()["ticket"]
    with django_assert_num_queries(1):
        assert ws_ticket_redeem(ticket=ticket) == user
    assert ws_ticket_redeem(ticket=ticket) is None


def test_a_ticket_issued_before_logout_opens_nothing(api):
    ticket = api.post("/api/auth/ws-ticket/").json()["ticket"]
    api.post("/api/auth/logout/")
    assert ws_ticket_redeem(ticket=ticket) is None


def test_a_ticket_issued_before_a_password_change_opens_nothing(api, user):
    ticket = api.post("/api/auth/ws-ticket/").json()["ticket"]
    new_key = change_password(api).json()["key"]
    assert ws_ticket_redeem(ticket=ticket) is None
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    fresh = api.post("/api/auth/ws-ticket/").json()["ticket"]
    assert ws_ticket_redeem(ticket=fresh) == user


def test_a_ticket_of_a_deactivated_user_opens_nothing(api, user):
    ticket = api.post("/api/auth/ws-ticket/").json()["ticket"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ws_ticket_redeem(ticket=ticket) is None


def test_the_local_memory_cache_redeems_once_too(user, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ticket = ws_ticket_create(user_id=user.pk)
    assert caches["default"].get(f"ws-ticket:{ticket}") is not None
    assert ws_ticket_redeem(ticket=ticket) == user
    assert ws_ticket_redeem(ticket=ticket) is None


@pytest.mark.django_db(transaction=True)
async def test_a_socket_cannot_open_with_a_ticket_from_before_logout():
    user = await database_sync_to_async(UserFactory)()
    ticket = await database_sync_to_async(ws_ticket_create)(user_id=user.pk)
    await database_sync_to_async(Token.objects.filter(user=user).delete)()  # what logout does
    communicator = WebsocketCommunicator(application, f"/ws/chat/?ticket={ticket}")
    assert (await communicator.connect())[0] is False
    fresh = await database_sync_to_async(ws_ticket_create)(user_id=user.pk)  # after a new login
    communicator = WebsocketCommunicator(application, f"/ws/chat/?ticket={fresh}")
    assert (await communicator.connect())[0] is True
    await communicator.disconnect()
