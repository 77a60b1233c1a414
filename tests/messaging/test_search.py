"""`GET /api/search/?q=TEXT&room=ID` (contract: Messages and history): only readable rooms, never deleted.

Full-text search on PostgreSQL (tests marked `postgres`), a contains-match
on SQLite (tests that skip on PostgreSQL); the access rules hold for both.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from messaging.models import Message
from messaging.selectors import message_search, search_text_clean, search_time_limit
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
        "reply_to": None,
        "mentions": [],
        "mentions_room": False,
        "reactions": [],
        "attachments": [],
        "system": None,
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


@pytest.mark.parametrize("q", ["-zebra", "-zebra -lion", '-"zebra crossing"', "--zebra or -lion"])
def test_a_query_of_only_excluded_words_is_400(api, q):
    response = api.get("/api/search/", {"q": q})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Give at least one word to find, not only words to leave out (-word).",
        "code": "invalid",
    }


@pytest.mark.parametrize("q", ["-" * 33, "-" * 200, "- " * 40, '"" - & |', "(((-)))"])
def test_a_query_without_any_word_is_400(api, q):
    response = api.get("/api/search/", {"q": q})
    assert response.status_code == 400
    assert response.json() == {"detail": "Give a word to search for.", "code": "invalid"}


def test_a_query_holds_at_most_the_set_number_of_terms(api, user, rooms, settings):
    mine, _, _ = rooms
    post(mine, user, "one two three four five six seven eight")
    eight = "one two three four five six seven eight"
    assert bodies(search(api, q=eight)) == [eight]
    response = api.get("/api/search/", {"q": eight + " -nine"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A search holds at most 8 words or quoted phrases.",
        "code": "invalid",
    }
    settings.CHAT_SEARCH_MAX_TERMS = 2
    assert api.get("/api/search/", {"q": '"one two three" four'}).status_code == 200
    response = api.get("/api/search/", {"q": "one two three"})
    assert response.json()["detail"] == "A search holds at most 2 words or quoted phrases."


@pytest.mark.parametrize(
    ("text", "cleaned", "terms"),
    [
        ("apples -pears", "apples -pears", 2),
        ('"green apples" OR -"red  pears"', '"green apples" or -"red pears"', 2),
        ("e-mail", '"e mail"', 1),
        ("or or x or or y or", "x or y", 2),
        ("x - - -- y", "x y", 2),
        ('"unclosed phrase', '"unclosed phrase"', 1),
        ("x " + "-(" * 30 + "y", 'x -"y"', 2),
    ],
)
def test_search_text_clean_keeps_the_words_and_drops_stray_operators(text, cleaned, terms):
    assert search_text_clean(text) == (cleaned.replace('-"y"', "-y"), terms)


def test_search_is_throttled_per_user(make_client, user, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    # DRF reads the rates once, into the class: set this test's on the class.
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "search": "2/min"}
    )
    mine, other = make_client(user), make_client(UserFactory())
    codes = [mine.get("/api/search/", {"q": "kiwi"}).status_code for _ in range(3)]
    refused = mine.get("/api/search/", {"q": "kiwi"})
    others = other.get("/api/search/", {"q": "kiwi"}).status_code
    assert codes == [200, 200, 429]
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert others == 200


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
    assert search(api, q="the")["results"] == []  # stop words only: nothing to find
    for odd in ("!!! & | :*", "'"):  # operators only: no word at all
        response = api.get("/api/search/", {"q": odd})
        assert response.status_code == 400
        assert response.json() == {"detail": "Give a word to search for.", "code": "invalid"}


@pytest.mark.postgres
def test_postgres_search_finds_its_candidates_through_the_gin_index(user, rooms):
    mine, _, _ = rooms
    filler = [
        Message(room=mine, seq=i, author=user, body=f"filler message number {i}") for i in range(1, 3001)
    ]
    rare = [Message(room=mine, seq=3001 + i, author=user, body="a rare comet") for i in range(3)]
    Message.objects.bulk_create(filler + rare)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_message")
    with CaptureQueriesContext(connection) as queries:
        assert len(list(message_search(user=user, text="comets"))) == 3
    [candidates] = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"] and "LIMIT" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {candidates}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on message_body_search" in plan, plan


@pytest.mark.postgres
def test_postgres_ranks_only_the_newest_candidates(api, user, rooms, settings):
    settings.CHAT_SEARCH_CANDIDATES = 3
    mine, _, _ = rooms
    best_but_oldest = post(mine, user, "otter otter otter otter")
    newer = [post(mine, user, f"an otter, number {i}") for i in range(4)]
    page = search(api, q="otter")
    assert page["count"] == 3
    assert [m["id"] for m in page["results"]] == [newer[3].pk, newer[2].pk, newer[1].pk]
    assert best_but_oldest.pk not in [m["id"] for m in page["results"]]
    post(mine, user, "otter otter otter otter, again")
    assert bodies(search(api, q="otter"))[0] == "otter otter otter otter, again"


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["the -zebra", "apple or -zebra", '"the" -"an apple"'])
def test_postgres_refuses_a_query_the_index_cannot_narrow(api, q):
    response = api.get("/api/search/", {"q": q})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Give at least one word to find, not only words to leave out (-word).",
        "code": "invalid",
    }


@pytest.mark.postgres
@pytest.mark.parametrize(
    "q",
    [
        "x " + "-" * 40,
        "x " + "- " * 40,
        "x " + "-(" * 60,
        "x " + "(-" * 60 + "a",
        "x " + "-" * 60 + "y",
        'x "' + "- " * 60 + '"',
        "x " + "a(-" * 40,
        "x -" + '"' * 41,
        "x " + "or " * 40,
    ],
)
def test_postgres_runs_of_operators_never_reach_the_parser(api, user, rooms, q):
    mine, _, _ = rooms
    post(mine, user, "x marks the spot")
    response = api.get("/api/search/", {"q": q})
    assert response.status_code == 200, response.content
    assert "x marks the spot" in bodies(response.json()) or q.endswith("y")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_a_search_past_its_time_limit_is_refused_and_the_limit_is_lifted(make_client, settings):
    """A second connection holds an exclusive lock on the message table, so the search waits
    for it deterministically until its statement timeout cancels it."""
    import psycopg

    settings.CHAT_SEARCH_TIMEOUT_MS = 200
    client = make_client(UserFactory())
    with connection.cursor() as cursor:  # without the time limit: a 500 after 5 s, not a hang
        cursor.execute("SET lock_timeout = '5s'")
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as other:
        other.execute("LOCK TABLE messaging_message IN ACCESS EXCLUSIVE MODE")
        response = client.get("/api/search/", {"q": "anything"})
        other.rollback()
    assert response.status_code == 400
    assert response.json() == {
        "detail": "This search takes too long: add words, or search one room, to narrow it.",
        "code": "invalid",
    }
    assert client.get("/api/search/", {"q": "anything"}).json()["count"] == 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("RESET lock_timeout")


@pytest.mark.postgres
def test_postgres_the_time_limit_is_restored_inside_an_enclosing_transaction(user):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '7s'")
        with search_time_limit():
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "2s"
            list(message_search(user=user, text="kiwi"))
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "7s"


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
