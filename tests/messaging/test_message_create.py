"""messaging.services.message_create: seq, idempotency, refusals, events, query count."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import Forbidden, Invalid, NotFound, RateLimited
from messaging.models import Message
from messaging.services import message_create
from rooms.models import Membership, Room

from ..conftest import on_postgres
from ..factories import UserFactory, room_with_members


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=user, members=[other_user])


@pytest.mark.django_db
def test_seq_counts_up_per_room_and_the_room_remembers_it(user, room):
    other_room = room_with_members(owner=user, name="other")
    seqs = [message_create(room_id=room.pk, author=user, body=f"m{i}")[0].seq for i in range(3)]
    assert seqs == [1, 2, 3]
    assert message_create(room_id=other_room.pk, author=user, body="x")[0].seq == 1
    room.refresh_from_db()
    assert room.last_seq == 3


@pytest.mark.django_db
def test_the_room_s_last_activity_is_the_time_of_its_newest_message(user, room):
    before = Room.objects.get(pk=room.pk).last_activity_at
    message, _ = message_create(room_id=room.pk, author=user, body="now")
    stored = Room.objects.get(pk=room.pk).last_activity_at
    # As the ORM stores it (SQLite: naive UTC text), so ordering by it compares like with like.
    assert stored is not None and stored.tzinfo is not None
    assert (before is None or stored >= before) and abs((stored - message.created_at).total_seconds()) < 1
    assert Room.objects.filter(
        pk=room.pk, last_activity_at__gte=message.created_at.replace(microsecond=0)
    ).exists()


@pytest.mark.django_db
def test_body_is_stored_stripped(user, room):
    message, created = message_create(room_id=room.pk, author=user, body="  hello \n")
    assert created and message.body == "hello"


@pytest.mark.django_db
def test_repeated_client_id_returns_the_original_message(user, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first_events:
        first, created = message_create(room_id=room.pk, author=user, body="hi", client_id="c-1")
    with django_capture_on_commit_callbacks() as retry_events:
        again, created_again = message_create(
            room_id=room.pk, author=user, body="hi (retry)", client_id="c-1"
        )
    assert created and not created_again
    assert again.pk == first.pk and again.body == "hi" and again.seq == 1
    assert Message.objects.filter(room=room).count() == 1
    assert len(first_events) == 1 and len(retry_events) == 0


@pytest.mark.django_db
def test_the_same_client_id_from_another_author_is_another_message(user, other_user, room):
    a, _ = message_create(room_id=room.pk, author=user, body="a", client_id="same")
    b, created = message_create(room_id=room.pk, author=other_user, body="b", client_id="same")
    assert created and a.pk != b.pk and b.seq == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "client_id"),
    [
        ("", None),
        ("   \n\t", None),
        ("x" * 4001, None),
        (None, None),
        (42, None),
        ("ok", ""),
        ("ok", "c" * 65),
        ("ok", 7),
    ],
)
def test_bad_input_is_invalid_and_stores_nothing(user, room, body, client_id):
    with pytest.raises(Invalid):
        message_create(room_id=room.pk, author=user, body=body, client_id=client_id)
    assert not Message.objects.exists()
    room.refresh_from_db()
    assert room.last_seq == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "client_id", "detail"),
    [
        ("a\x00b", None, "A message cannot contain NUL characters."),
        ("\ud800", None, "A message cannot contain lone surrogates (invalid Unicode)."),
        ("ok \udfff", None, "A message cannot contain lone surrogates (invalid Unicode)."),
        ("ok", "c\x00", "client_id cannot contain NUL characters."),
        ("ok", "\ud83d", "client_id cannot contain lone surrogates (invalid Unicode)."),
        ("\u200b", None, "A message cannot be empty."),
        (" \u200b\u200c\u200d\u2060\ufeff\n", None, "A message cannot be empty."),
        ("\u3164\u2800", None, "A message cannot be empty."),
        ("\u0301\u00ad", None, "A message cannot be empty."),
        ("\u202eexe.txt", None, "A message cannot contain bidirectional override or isolate controls."),
        ("a\u202ab", None, "A message cannot contain bidirectional override or isolate controls."),
        ("a\u2066b\u2069", None, "A message cannot contain bidirectional override or isolate controls."),
        ("x\u2068y", None, "A message cannot contain bidirectional override or isolate controls."),
    ],
)
def test_unstorable_invisible_and_reordering_text_is_invalid(user, room, body, client_id, detail):
    with pytest.raises(Invalid) as refused:
        message_create(room_id=room.pk, author=user, body=body, client_id=client_id)
    assert (refused.value.code, refused.value.detail) == ("invalid", detail)
    assert not Message.objects.exists()
    room.refresh_from_db()
    assert room.last_seq == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "a\u200bb",  # a zero-width space between visible letters
        "\u05e9\u05dc\u05d5\u05dd\u200f!",  # Hebrew with a right-to-left mark
        "e\u0301",  # a combining accent on its base
        "\u2764\ufe0f",  # an emoji with its variation selector
        "\U0001f44d\U0001f3fd",  # an emoji with a skin tone
    ],
)
def test_visible_text_with_invisible_helpers_is_stored_as_sent(user, room, body):
    assert message_create(room_id=room.pk, author=user, body=body)[0].body == body


@pytest.mark.django_db
def test_a_4000_character_body_is_accepted(user, room):
    message, _ = message_create(room_id=room.pk, author=user, body="é" * 4000)
    assert len(message.body) == 4000


@pytest.mark.django_db
def test_non_members_missing_rooms_muted_and_locked_are_refused(user, other_user, room):
    stranger = UserFactory()
    with pytest.raises(Forbidden):
        message_create(room_id=room.pk, author=stranger, body="hi")
    with pytest.raises(NotFound):
        message_create(room_id=room.pk + 1000, author=user, body="hi")
    Membership.objects.filter(room=room, user=other_user).update(is_muted=True)
    with pytest.raises(Forbidden, match="muted"):
        message_create(room_id=room.pk, author=other_user, body="hi")
    Membership.objects.filter(room=room, user=other_user).update(is_muted=False)
    Room.objects.filter(pk=room.pk).update(is_locked=True)
    with pytest.raises(Forbidden, match="locked"):
        message_create(room_id=room.pk, author=other_user, body="hi")
    owner_message, _ = message_create(room_id=room.pk, author=user, body="owners may post")
    assert owner_message.seq == 1
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_the_event_is_sent_on_commit_with_the_serialized_message(
    user, room, django_capture_on_commit_callbacks
):
    from channels.layers import get_channel_layer

    sent = []

    async def fake_group_send(group, event):
        sent.append((group, event))

    layer = get_channel_layer()
    layer.group_send = fake_group_send
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = message_create(room_id=room.pk, author=user, body="hello", client_id="k")
        assert sent == []  # nothing leaves before the commit
    assert len(sent) == 1
    group, event = sent[0]
    assert group == f"room.{room.pk}"
    assert event["type"] == "chat.message" and event["room"] == room.pk and event["seq"] == 1
    import json

    payload = json.loads(event["text"])
    assert payload["type"] == "message.new"
    assert payload["message"]["id"] == message.pk
    assert payload["message"]["author"] == {"id": user.pk, "username": user.username}
    assert payload["message"]["client_id"] == "k" and payload["message"]["deleted"] is False


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL of the captured queries but transaction control: Django logs BEGIN (SQLite:
    BEGIN IMMEDIATE) and COMMIT."""
    return [
        q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")
    ]


@pytest.mark.django_db(transaction=True)
def test_posting_takes_three_queries():
    # Outside any test transaction, as a request or a socket frame runs it (no savepoints).
    # Lock and read (room, membership, user, client_id), bump the room's seq, insert.
    user, other_user = UserFactory(), UserFactory()
    room = room_with_members(owner=user, members=[other_user])
    for author, body, client_id in ((user, "one", "q1"), (other_user, "two", "q1"), (user, "three", None)):
        with CaptureQueriesContext(connection) as captured:
            message_create(room_id=room.pk, author=author, body=body, client_id=client_id)
        sql = statements(captured)
        assert len(sql) == 3, sql
        assert sql[0].startswith("SELECT")
        if on_postgres():  # the room first, then the membership: the moderation services' order
            assert sql[0].endswith('FOR UPDATE OF "rooms_room", "rooms_membership"')
        assert sql[1].startswith('UPDATE "rooms_room"') and sql[2].startswith(
            'INSERT INTO "messaging_message"'
        )
    # a retry: the lock and read, then the original
    with CaptureQueriesContext(connection) as captured:
        again, created = message_create(room_id=room.pk, author=user, body="one", client_id="q1")
    assert len(statements(captured)) == 2
    assert not created and again.seq == 1
    assert list(Message.objects.order_by("seq").values_list("seq", "body")) == [
        (1, "one"),
        (2, "two"),
        (3, "three"),
    ]


@pytest.mark.django_db
def test_a_deactivated_author_is_refused_whatever_the_passed_user_says(user, other_user, room):
    stale = type(other_user).objects.get(pk=other_user.pk)
    type(other_user).objects.filter(pk=other_user.pk).update(is_active=False)
    assert stale.is_active
    with pytest.raises(Forbidden, match="disabled"):
        message_create(room_id=room.pk, author=stale, body="still here?")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_revoked_staff_may_no_longer_post_in_a_locked_room(user, other_user, room):
    type(other_user).objects.filter(pk=other_user.pk).update(is_staff=True)
    stale = type(other_user).objects.get(pk=other_user.pk)
    Room.objects.filter(pk=room.pk).update(is_locked=True)
    assert message_create(room_id=room.pk, author=stale, body="staff may")[0].seq == 1
    type(other_user).objects.filter(pk=other_user.pk).update(is_staff=False)
    assert stale.is_staff
    with pytest.raises(Forbidden, match="locked"):
        message_create(room_id=room.pk, author=stale, body="not any more")
    assert list(Message.objects.values_list("body", flat=True)) == ["staff may"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_gapless_unique_seqs():
    assert on_postgres()
    owner = UserFactory()
    writers = [UserFactory() for _ in range(8)]
    room = room_with_members(owner=owner, members=writers)
    per_thread = 15
    barrier = threading.Barrier(len(writers))
    errors = []

    def post(author):
        try:
            barrier.wait()
            for i in range(per_thread):
                message_create(room_id=room.pk, author=author, body=f"{author.pk}-{i}", client_id=f"{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    seqs = list(Message.objects.filter(room=room).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(writers) * per_thread + 1))
    room.refresh_from_db()
    assert room.last_seq == len(writers) * per_thread
    # each writer's own messages are in its sending order
    for w in writers:
        bodies = list(
            Message.objects.filter(room=room, author=w).order_by("seq").values_list("body", flat=True)
        )
        assert bodies == [f"{w.pk}-{i}" for i in range(per_thread)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_send_that_waited_for_the_same_client_id_returns_the_original(monkeypatch, settings):
    """The second send's read misses the first's message (its snapshot predates the commit):
    its insert breaks the unique constraint, it rolls back its seq bump and returns the original."""
    from realtime import events
    from tests.messaging.test_moderation_races import wait_for_lock_waiters

    settings.CHAT_RATE_LIMIT_MESSAGES, settings.CHAT_RATE_LIMIT_WINDOW = 2, 1_000_000
    owner, author = UserFactory(), UserFactory()
    room = room_with_members(owner=owner, members=[author])
    inside, finish = threading.Event(), threading.Event()
    real_message_new = events.message_new
    registered = []

    def paused_message_new(**kwargs):
        registered.append(kwargs["message"]["body"])
        real_message_new(**kwargs)
        if not inside.is_set():
            inside.set()
            assert finish.wait(10)

    monkeypatch.setattr(events, "message_new", paused_message_new)
    results = {}

    def send(name, body):
        try:
            results[name] = message_create(room_id=room.pk, author=author, body=body, client_id="same")
        except Exception as exc:  # reported below
            results[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first", "original"))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=send, args=("second", "retry"))
    second.start()
    try:
        wait_for_lock_waiters(1)
    finally:
        finish.set()
        first.join(10)
        second.join(10)
    original, created = results["first"]
    again, created_again = results["second"]
    assert created and not created_again
    assert (again.pk, again.body, again.seq) == (original.pk, "original", 1)
    # The second got as far as its insert (it registered no event: its insert failed first).
    assert registered == ["original"]
    room.refresh_from_db()
    assert room.last_seq == 1
    assert list(Message.objects.values_list("seq", "body")) == [(1, "original")]
    # The second gave its rate count back: one more message fits in the limit of 2.
    assert message_create(room_id=room.pk, author=author, body="next")[0].seq == 2
    with pytest.raises(RateLimited):
        message_create(room_id=room.pk, author=author, body="over")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
async def test_sends_to_different_rooms_from_the_thread_pool_store_every_message_once():
    """As the consumer calls it: database_sync_to_async(thread_sensitive=False), on the pool."""
    import asyncio

    from channels.db import database_sync_to_async

    rooms, writers, per_writer = 4, 3, 8

    def setup():
        crews = []
        for r in range(rooms):
            authors = [UserFactory() for _ in range(writers)]
            crews.append((room_with_members(owner=authors[0], members=authors[1:], name=f"r{r}"), authors))
        return crews

    crews = await database_sync_to_async(setup)()
    send = database_sync_to_async(message_create, thread_sensitive=False)

    async def write(room, author):
        results = []
        for i in range(per_writer):
            results.append(
                await send(room_id=room.pk, author=author, body=f"{author.pk}-{i}", client_id=f"c{i}")
            )
        # a retry of the first, while the others still write: the original, nothing stored
        results.append(await send(room_id=room.pk, author=author, body="retry", client_id="c0"))
        return results

    outcomes = await asyncio.gather(*(write(room, a) for room, authors in crews for a in authors))
    assert all(created for results in outcomes for _, created in results[:-1])
    assert not any(results[-1][1] for results in outcomes)
    assert all(results[-1][0].pk == results[0][0].pk for results in outcomes)

    def stored():
        return {
            room.pk: (
                list(
                    Message.objects.filter(room=room).order_by("seq").values_list("seq", "author_id", "body")
                ),
                Room.objects.get(pk=room.pk).last_seq,
            )
            for room, _ in crews
        }

    total = writers * per_writer
    by_room = await database_sync_to_async(stored)()
    for room, authors in crews:
        rows, last_seq = by_room[room.pk]
        assert [seq for seq, _, _ in rows] == list(range(1, total + 1))
        assert last_seq == total
        for author in authors:
            bodies = [body for _, author_id, body in rows if author_id == author.pk]
            assert bodies == [f"{author.pk}-{i}" for i in range(per_writer)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_send_holding_one_rooms_lock_does_not_hold_up_another_room(monkeypatch):
    from realtime import events

    owner = UserFactory()
    busy, other = room_with_members(owner=owner, name="busy"), room_with_members(owner=owner, name="other")
    inside, finish = threading.Event(), threading.Event()
    real_message_new = events.message_new

    def paused_in_busy(**kwargs):
        real_message_new(**kwargs)
        if kwargs["room_id"] == busy.pk:
            inside.set()
            assert finish.wait(10)

    monkeypatch.setattr(events, "message_new", paused_in_busy)
    done = {}

    def send(room, name):
        try:
            done[name] = message_create(room_id=room.pk, author=owner, body=name)[0].seq
        finally:
            connection.close()

    slow = threading.Thread(target=send, args=(busy, "busy"))
    slow.start()
    try:
        assert inside.wait(10)
        quick = threading.Thread(target=send, args=(other, "other"))
        quick.start()
        quick.join(10)
        # Stored and committed while the busy room's transaction still holds its lock.
        assert done == {"other": 1}
        assert Message.objects.filter(room=other).count() == 1
    finally:
        finish.set()
        slow.join(10)
    assert done == {"other": 1, "busy": 1}
