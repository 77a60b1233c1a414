"""`GET /api/rooms/{id}/messages/?around=SEQ&limit=N`: the page of history centred on a seq
(issue 10 item 2; docs/messages.md)."""

import pytest
from django.db import connection

from messaging.models import Message
from moderation.services import message_delete

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(user, other_user):
    """A room of 30 messages, seqs 1..30, stored in one insert (bodies `m1`..`m30`)."""
    room = room_with_members(owner=user, members=[other_user])
    Message.objects.bulk_create(
        Message(room=room, seq=seq, author=user if seq % 2 else other_user, body=f"m{seq}")
        for seq in range(1, 31)
    )
    room.last_seq = 30
    room.save(update_fields=["last_seq"])
    return room


def around(api, room, query: str):
    response = api.get(f"/api/rooms/{room.pk}/messages/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    return [m["seq"] for m in body["results"]], body


def test_the_page_is_centred_on_the_seq_which_it_includes(api, room):
    seqs, body = around(api, room, "around=15&limit=6")
    assert seqs == [13, 14, 15, 16, 17, 18]
    assert (body["has_more"], body["has_more_before"], body["has_more_after"]) == (True, True, True)
    assert [m["body"] for m in body["results"]][2] == "m15"
    # an odd limit: the extra one is on the older side, with the seq itself
    assert around(api, room, "around=15&limit=5")[0] == [13, 14, 15, 16, 17]


def test_near_either_end_the_other_side_fills_the_page(api, room):
    seqs, body = around(api, room, "around=2&limit=6")
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert (body["has_more_before"], body["has_more_after"], body["has_more"]) == (False, True, True)
    seqs, body = around(api, room, "around=29&limit=6")
    assert seqs == [25, 26, 27, 28, 29, 30]
    assert (body["has_more_before"], body["has_more_after"]) == (True, False)
    seqs, body = around(api, room, "around=30&limit=6")
    assert seqs == [25, 26, 27, 28, 29, 30]
    assert (body["has_more_before"], body["has_more_after"]) == (True, False)


def test_the_whole_room_fits_and_nothing_is_left_on_either_side(api, room):
    seqs, body = around(api, room, "around=10&limit=50")
    assert seqs == list(range(1, 31))
    assert (body["has_more"], body["has_more_before"], body["has_more_after"]) == (False, False, False)


def test_a_seq_past_the_newest_gives_the_newest_page_and_a_deleted_one_its_placeholder(api, user, room):
    seqs, body = around(api, room, "around=1000&limit=4")
    assert seqs == [27, 28, 29, 30]
    assert (body["has_more_before"], body["has_more_after"]) == (True, False)
    target = Message.objects.get(room=room, seq=20)
    message_delete(actor=user, message_id=target.pk)
    seqs, body = around(api, room, "around=20&limit=3")
    assert seqs == [19, 20, 21]
    assert (body["results"][1]["deleted"], body["results"][1]["body"]) == (True, "")


def test_the_limit_is_capped_at_200(api, user, other_user):
    big = room_with_members(owner=user, name="big")
    Message.objects.bulk_create(Message(room=big, seq=seq, author=user, body="x") for seq in range(1, 451))
    seqs, body = around(api, big, "around=225&limit=1000")
    assert seqs == list(range(126, 326))
    assert (body["has_more_before"], body["has_more_after"]) == (True, True)


@pytest.mark.parametrize(
    "query",
    ["around=5&before=10", "around=5&after=1", "around=5&before=10&after=1", "around=0", "around=x"],
)
def test_around_with_a_cursor_or_a_bad_seq_is_400(api, room, query):
    response = api.get(f"/api/rooms/{room.pk}/messages/?{query}")
    assert response.status_code == 400
    assert "around" in response.json()


def test_around_is_read_like_any_page_private_rooms_of_others_are_404(make_client, user):
    private = room_with_members(owner=user, kind="private", name="p")
    assert make_client(UserFactory()).get(f"/api/rooms/{private.pk}/messages/?around=1").status_code == 404


def test_other_pages_carry_no_before_or_after_flags(api, room):
    body = api.get(f"/api/rooms/{room.pk}/messages/?before=10&limit=3").json()
    assert set(body) == {"results", "has_more"}


def test_around_takes_two_index_range_queries(api, room, django_assert_num_queries):
    # token auth, the (public) room, then the older and the newer half
    with django_assert_num_queries(4) as captured:
        around(api, room, "around=15&limit=10")
    halves = [q["sql"] for q in captured.captured_queries][2:]
    assert all('"messaging_message"."room_id" = ' in sql and "LIMIT 11" in sql for sql in halves)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            for sql in halves:
                cursor.execute("EXPLAIN " + sql)
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "message_unique_room_seq" in plan, plan
            cursor.execute("RESET enable_seqscan")
