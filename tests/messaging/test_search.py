"""`GET /api/search/?q=TEXT&room=ID` (contract: Messages and history): only readable rooms, never deleted.

Full-text search on PostgreSQL (tests marked `postgres`), a contains-match
on SQLite (tests that skip on PostgreSQL); the access rules hold for both.
"""

import pytest
from django.db import connection

from messaging.models import Message
from messaging.selectors import message_search
from rooms.models import Room

from ..factories import UserFactory, make_member, post, room_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_rate_limit(settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 0


@pytest.fixture
def sqlite_only():
    if connection.vendor == "postgresql":
        pytest.skip("the contains-match fallback is for databases other than PostgreSQL")


@pytest.fixture
def rooms(user, other_user):
    """The caller's private room, a public room they have not joined, and a private room of others."""
    mine = room_with_members(owner=other_user, members=[user], kind=Room.Kind.PRIVATE, name="mine")
    public = room_with_members(owner=other_user, name="public")
    secret = room_with_members(owner=other_user, kind=Room.Kind.PRIVATE, name="secret")
    return mine, public, secret


def search(api, **params):
    response = api.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def bodies(page) -> list[str]:
    return [m["body"] for m in page["results"]]


# --- on every database ------------------------------------------------------------------


def test_results_come_only_from_rooms_the_caller_may_read(api, make_client, other_user, rooms):
    mine, public, secret = rooms
    post(mine, other_user, "banana in my room")
    post(public, other_user, "banana in a public room")
    post(secret, other_user, "banana in a secret room")
    page = search(api, q="banana")
    assert sorted(bodies(page)) == ["banana in a public room", "banana in my room"]
    assert page["count"] == 2
    assert page["previous"] is None and page["next"] is None
    stranger = make_client(UserFactory())
    assert bodies(search(stranger, q="banana")) == ["banana in a public room"]
    assert sorted(bodies(search(make_client(other_user), q="banana"))) == [
        "banana in a public room",
        "banana in a secret room",
        "banana in my room",
    ]


def test_results_are_messages(api, user, rooms):
    mine, _, _ = rooms
    message = post(mine, user, "a kiwi for everyone")
    [found] = search(api, q="kiwi")["results"]
    assert found == {
        "id": message.pk,
        "room": mine.pk,
        "seq": 1,
        "author": {"id": user.pk, "username": user.username},
        "body": "a kiwi for everyone",
        "created_at": found["created_at"],
        "edited_at": None,
        "deleted": False,
        "client_id": None,
    }
    assert found["created_at"].startswith(str(message.created_at.year))


def test_the_room_parameter_narrows_to_one_readable_room(api, other_user, rooms):
    mine, public, secret = rooms
    post(mine, other_user, "cherry here")
    post(public, other_user, "cherry there")
    post(secret, other_user, "cherry hidden")
    assert bodies(search(api, q="cherry", room=mine.pk)) == ["cherry here"]
    assert bodies(search(api, q="cherry", room=public.pk)) == ["cherry there"]
    for room_id in (secret.pk, 999999):
        response = api.get("/api/search/", {"q": "cherry", "room": room_id})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_selector_never_leaks_an_unreadable_room_even_when_asked_for_it(user, other_user, rooms):
    _, _, secret = rooms
    post(secret, other_user, "plum")
    assert list(message_search(user=user, text="plum", room_id=secret.pk)) == []


def test_deleted_messages_are_never_found(api, user, rooms):
    mine, _, _ = rooms
    kept = post(mine, user, "grape kept")
    gone = post(mine, user, "grape gone")
    assert api.delete(f"/api/messages/{gone.pk}/").status_code == 204
    assert [m["id"] for m in search(api, q="grape")["results"]] == [kept.pk]
    assert search(api, q="gone")["results"] == []


def test_an_edit_is_found_by_its_new_body(api, user, rooms):
    mine, _, _ = rooms
    message = post(mine, user, "lemon")
    api.patch(f"/api/messages/{message.pk}/", {"body": "melon"}, format="json")
    assert search(api, q="lemon")["results"] == []
    assert bodies(search(api, q="melon")) == ["melon"]


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}, {"q": "ok", "room": "one"}]
)
def test_a_missing_empty_or_over_long_query_is_400(api, params):
    assert api.get("/api/search/", params).status_code == 400


def test_a_query_of_200_characters_is_accepted(api):
    assert api.get("/api/search/", {"q": "x" * 200}).status_code == 200


def test_search_needs_a_token(make_client):
    assert make_client().get("/api/search/", {"q": "x"}).status_code == 401


def test_results_are_paginated(api, user, rooms, no_rate_limit):
    mine, _, _ = rooms
    for i in range(25):
        post(mine, user, f"mango number {i}")
    first = search(api, q="mango")
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    seen = [m["id"] for m in first["results"] + second["results"]]
    assert len(set(seen)) == 25
    small = search(api, q="mango", page_size=5, page=5)
    assert len(small["results"]) == 5 and small["next"] is None


def test_a_member_who_left_a_private_room_no_longer_finds_its_messages(api, user, other_user, rooms):
    mine, public, _ = rooms
    post(mine, other_user, "papaya private")
    post(public, other_user, "papaya public")
    assert api.post(f"/api/rooms/{mine.pk}/leave/").status_code == 204
    assert bodies(search(api, q="papaya")) == ["papaya public"]


# --- PostgreSQL: full-text search ----------------------------------------------------------


@pytest.mark.postgres
def test_postgres_finds_words_by_their_stem(api, user, rooms):
    mine, _, _ = rooms
    post(mine, user, "I run every morning")
    post(mine, user, "she runs too")
    post(mine, user, "the runway is closed")
    assert sorted(bodies(search(api, q="running"))) == ["I run every morning", "she runs too"]
    assert bodies(search(api, q="RUNWAYS")) == ["the runway is closed"]


@pytest.mark.postgres
def test_postgres_ranks_better_matches_first_then_newest_first(api, user, rooms):
    mine, _, _ = rooms
    post(mine, user, "one rocket")
    post(mine, user, "rocket rocket rocket launch")
    older = post(mine, user, "another rocket")
    newer = post(mine, user, "another rocket")
    results = search(api, q="rocket")["results"]
    assert results[0]["body"] == "rocket rocket rocket launch"
    same_rank = [m["id"] for m in results if m["body"] == "another rocket"]
    assert same_rank == [newer.pk, older.pk]


@pytest.mark.postgres
def test_postgres_understands_web_search_syntax_and_survives_odd_input(api, user, rooms):
    mine, _, _ = rooms
    post(mine, user, "red apples and green pears")
    post(mine, user, "green apples")
    assert bodies(search(api, q='"green apples"')) == ["green apples"]
    assert bodies(search(api, q="apples -pears")) == ["green apples"]
    for odd in ("the", "!!! & | :*", "'"):  # stop words only, operators only
        assert search(api, q=odd)["results"] == []


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(user, rooms):
    mine, _, _ = rooms
    filler = [
        Message(room=mine, seq=i, author=user, body=f"filler message number {i}") for i in range(1, 3001)
    ]
    rare = [Message(room=mine, seq=3001 + i, author=user, body="a rare comet") for i in range(3)]
    Message.objects.bulk_create(filler + rare)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_message")
    searched = message_search(user=user, text="comets")
    plan = searched.explain()
    assert "Bitmap Index Scan on message_body_search" in plan, plan
    assert len(list(searched)) == 3


# --- other databases: the contains-match fallback --------------------------------------------


def test_sqlite_matches_substrings_case_insensitively_newest_first(api, user, rooms, sqlite_only):
    mine, _, _ = rooms
    older = post(mine, user, "Rocketry club")
    newer = post(mine, user, "my ROCKET")
    post(mine, user, "nothing here")
    assert [m["id"] for m in search(api, q="rocket")["results"]] == [newer.pk, older.pk]


def test_sqlite_does_not_stem(api, user, rooms, sqlite_only):
    mine, _, _ = rooms
    post(mine, user, "I run every morning")
    assert search(api, q="running")["results"] == []
    assert bodies(search(api, q="run")) == ["I run every morning"]


def test_a_member_of_the_room_reads_what_others_in_it_wrote(make_client, user, other_user, rooms):
    mine, _, _ = rooms
    newcomer = make_member(mine, UserFactory()).user
    post(mine, other_user, "quince before they joined")
    assert bodies(search(make_client(newcomer), q="quince")) == ["quince before they joined"]
