"""Names people see (issue 9, item 11): NFKC, confusables, reserved names, bidi controls and
invisible characters, at registration, at rename, and in room names and topics."""

import pytest

from accounts.models import User
from accounts.names import username_key
from core.errors import Invalid
from rooms import services as room_services

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def register(client, username):
    return client.post(
        "/api/auth/registration/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
        format="json",
    )


def username_error(response) -> str:
    assert response.status_code == 400, response.json()
    return " ".join(response.json()["username"])


@pytest.mark.parametrize(
    ("lookalike", "why"),
    [
        ("ѵіс7718", "Cyrillic izhitsa, Ukrainian i and es"),
        ("ｖｉｃ７７１８", "fullwidth: NFKC makes it vic7718 itself"),
        ("VIC7718", "case"),
        ("vіc7718", "one Cyrillic letter"),
    ],
)
def test_a_name_that_looks_like_an_existing_one_is_refused(make_client, lookalike, why):
    UserFactory(username="vic7718")
    error = username_error(register(make_client(), lookalike))
    assert "looks too much like an existing one" in error or "already exists" in error, why
    assert User.objects.count() == 1


def test_a_fullwidth_name_is_stored_normalized(make_client):
    assert register(make_client(), "ｂｏｂ２").status_code == 201
    assert User.objects.get().username == "bob2"


def test_an_unlike_name_in_another_script_registers(make_client):
    UserFactory(username="vic7718")
    assert register(make_client(), "виктор").status_code == 201
    assert User.objects.filter(username="виктор").exists()


@pytest.mark.parametrize(
    "name", ["admin", "Admin", "ADMINISTRATOR", "root", "support", "moderator", "аdmin", "ｓｔａｆｆ"]
)
def test_reserved_names_are_refused(make_client, name):
    assert "reserved" in username_error(register(make_client(), name))


@pytest.mark.parametrize("name", ["evil\u202egnp", "\u2066bob\u2069", "a\u200bb", "\u200b", "\u3164"])
def test_bidi_controls_and_invisible_characters_are_refused(make_client, name):
    username_error(register(make_client(), name))
    assert not User.objects.exists()


def test_renaming_follows_the_same_rules(make_client):
    UserFactory(username="vic7718")
    me = UserFactory(username="someone")
    api = make_client(me)
    assert "reserved" in username_error(api.patch("/api/auth/user/", {"username": "admin"}, format="json"))
    assert "looks too much like" in username_error(
        api.patch("/api/auth/user/", {"username": "ѵіс7718"}, format="json")
    )
    renamed = api.patch("/api/auth/user/", {"username": "ｎｅｗｎａｍｅ"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["username"] == "newname"
    me.refresh_from_db()
    assert (me.username, me.name_key) == ("newname", "newname")


def test_the_key_follows_every_save():
    user = UserFactory(username="ѵіс")
    assert user.name_key == username_key("vic") == "vic"
    user.username = "Other"
    user.save(update_fields=["username"])
    assert User.objects.get(pk=user.pk).name_key == "other"


@pytest.mark.parametrize(
    ("name", "topic"),
    [("\u202eroom", ""), ("lobby", "see \u2067this\u2069"), ("\u200b\u200b", ""), ("lobby", "\u200b")],
)
def test_room_names_and_topics_refuse_bidi_controls_and_blank_text(user, name, topic):
    with pytest.raises(Invalid):
        room_services.room_create(creator=user, name=name, kind="public", topic=topic)


def test_room_names_keep_other_unicode(user):
    room = room_services.room_create(creator=user, name="Café ☕ 日本", kind="public", topic="שלום")
    assert (room.name, room.topic) == ("Café ☕ 日本", "שלום")
