"""The per-user message rate limit (issue: rate limits): shared by every socket and REST, stores nothing.

The window is set far longer than a test runs, so a fixed window's boundary
cannot fall inside one and reset the count.
"""

import math

import pytest
from asgiref.sync import sync_to_async

from messaging.models import Message
from messaging.services import message_create
from moderation.services import room_member_mute

from ..sockets import message_new

WINDOW = 1_000_000  # seconds


@pytest.fixture
def limit(settings):
    """`limit(n)`: at most n messages per user per WINDOW."""

    def set_limit(n: int) -> None:
        settings.CHAT_RATE_LIMIT_MESSAGES = n
        settings.CHAT_RATE_LIMIT_WINDOW = WINDOW

    return set_limit


def post(client, room_id: int, body: str, client_id: str | None = None):
    data = {"body": body} if client_id is None else {"body": body, "client_id": client_id}
    return client.post(f"/api/rooms/{room_id}/messages/", data, format="json")


@pytest.mark.django_db(transaction=True)
async def test_the_limit_counts_across_two_sockets_and_rest(crew, make_client, limit, open_ws):
    limit(3)
    room = crew.room.pk
    api = await sync_to_async(make_client)(crew.member)
    one, two = await open_ws(crew.member), await open_ws(crew.member)
    for sock, n in ((one, 1), (one, 2), (two, 3)):
        await sock.send({"type": "message.send", "room": room, "body": f"m{n}", "client_id": f"c{n}"})
        new = await sock.recv_until(message_new(f"m{n}"))
        assert new["message"]["seq"] == n

    for sock, client_id in ((two, "c4"), (one, "c5")):
        await sock.send({"type": "message.send", "room": room, "body": "one more", "client_id": client_id})
        error = await sock.recv_type("error")
        assert (error["code"], error["client_id"]) == ("rate_limited", client_id)
        assert isinstance(error["retry_after_ms"], int)
        assert 0 < error["retry_after_ms"] <= WINDOW * 1000

    response = await sync_to_async(post)(api, room, "over rest")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert 0 < body["retry_after_ms"] <= WINDOW * 1000
    assert response["Retry-After"] == str(math.ceil(body["retry_after_ms"] / 1000))

    stored = await sync_to_async(list)(Message.objects.order_by("seq").values_list("body", flat=True))
    assert stored == ["m1", "m2", "m3"]


@pytest.mark.django_db
def test_rest_over_the_limit_is_429_with_retry_after_and_stores_nothing(crew, make_client, limit):
    limit(2)
    api = make_client(crew.member)
    assert [post(api, crew.room.pk, f"m{i}").status_code for i in range(2)] == [201, 201]
    refused = post(api, crew.room.pk, "m2")
    assert refused.status_code == 429
    assert refused.json()["detail"] == f"At most 2 messages every {WINDOW} s."
    assert int(refused["Retry-After"]) == math.ceil(refused.json()["retry_after_ms"] / 1000)
    assert list(Message.objects.order_by("seq").values_list("body", flat=True)) == ["m0", "m1"]
    # Other users have their own count.
    assert post(make_client(crew.owner), crew.room.pk, "owner").status_code == 201


@pytest.mark.django_db
def test_a_limit_of_zero_switches_it_off(crew, make_client, limit):
    limit(0)
    api = make_client(crew.member)
    assert {post(api, crew.room.pk, f"m{i}").status_code for i in range(30)} == {201}
    assert Message.objects.count() == 30


@pytest.mark.django_db
def test_retries_and_refused_sends_do_not_count(crew, make_client, limit):
    limit(1)
    api = make_client(crew.member)
    assert post(api, crew.room.pk, "once", client_id="a").status_code == 201
    # The same client_id again is the original message, not a new one: it is not limited.
    assert post(api, crew.room.pk, "once", client_id="a").status_code == 200
    limit(2)
    room_member_mute(actor=crew.owner, room_id=crew.room.pk, user_id=crew.member.pk)
    assert post(api, crew.room.pk, "muted").status_code == 403
    crew.room.memberships.filter(user=crew.member).update(is_muted=False)
    assert post(api, crew.room.pk, "second").status_code == 201
    assert post(api, crew.room.pk, "third").status_code == 429


@pytest.mark.django_db
def test_a_message_that_fails_to_store_does_not_count(crew, make_client, limit, monkeypatch):
    from realtime import events

    limit(1)
    real_message_new = events.message_new

    def broken_message_new(**kwargs):
        raise RuntimeError("the write fails after its insert")

    monkeypatch.setattr(events, "message_new", broken_message_new)
    with pytest.raises(RuntimeError):
        message_create(room_id=crew.room.pk, author=crew.member, body="lost", client_id="x")
    assert not Message.objects.exists()
    monkeypatch.setattr(events, "message_new", real_message_new)
    api = make_client(crew.member)
    # The failed write gave its count back: the one message of the window is still free.
    assert post(api, crew.room.pk, "stored", client_id="x").status_code == 201
    assert post(api, crew.room.pk, "over").status_code == 429
    assert list(Message.objects.values_list("body", flat=True)) == ["stored"]


@pytest.mark.django_db
def test_edits_count_against_the_limit_and_unchanged_edits_do_not(crew, make_client, limit):
    limit(3)
    api = make_client(crew.member)
    created = post(api, crew.room.pk, "first")
    assert created.status_code == 201
    url = f"/api/messages/{created.json()['id']}/"
    assert api.patch(url, {"body": "first, edited"}, format="json").status_code == 200
    # The same body again changes nothing, so it is not counted.
    assert api.patch(url, {"body": "first, edited"}, format="json").status_code == 200
    assert api.patch(url, {"body": "first, edited twice"}, format="json").status_code == 200
    refused = api.patch(url, {"body": "one edit too many"}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert post(api, crew.room.pk, "second").status_code == 429
    message = Message.objects.get()
    assert message.body == "first, edited twice"


@pytest.mark.django_db
def test_a_refused_edit_does_not_count(crew, make_client, limit):
    limit(2)
    api = make_client(crew.member)
    created = post(api, crew.room.pk, "mine")
    url = f"/api/messages/{created.json()['id']}/"
    crew.room.memberships.filter(user=crew.member).update(is_muted=True)
    assert api.patch(url, {"body": "muted edit"}, format="json").status_code == 403
    crew.room.memberships.filter(user=crew.member).update(is_muted=False)
    assert post(api, crew.room.pk, "second").status_code == 201
    assert post(api, crew.room.pk, "third").status_code == 429
