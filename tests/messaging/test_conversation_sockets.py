"""Replies, mentions and reactions over the socket (issue 11): each new frame reaches, after
the commit, the sockets that may see it and no others."""

import pytest
from channels.db import database_sync_to_async

from rooms.models import Room

from ..factories import UserFactory, make_member, room_with_members
from ..sockets import message_new, of_type

THUMBS = "\U0001f44d"


@pytest.mark.django_db(transaction=True)
async def test_a_reply_with_a_mention_and_a_reaction_go_live(chat, open_ws):
    alice, bob, room = chat
    carol = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(make_member)(room, carol)
    alice_ws, bob_ws, carol_ws = await open_ws(alice), await open_ws(bob), await open_ws(carol)

    await alice_ws.send({"type": "message.send", "room": room.pk, "body": "question?", "client_id": "q"})
    question = (await bob_ws.recv_until(message_new("question?")))["message"]

    body = f"@{alice.username} yes"
    await bob_ws.send(
        {"type": "message.send", "room": room.pk, "body": body, "client_id": "a", "reply_to": question["id"]}
    )
    answer = (await alice_ws.recv_until(message_new(body)))["message"]
    assert answer["reply_to"]["id"] == question["id"] and answer["mentions"] == [alice.pk]
    mention = await alice_ws.recv_type("mention")
    assert mention["room"] == room.pk and mention["message"]["id"] == answer["id"]
    # Carol was not named: she has the message, not the mention.
    await carol_ws.recv_until(message_new(body))
    assert of_type(await carol_ws.ping(), "mention") == []

    await carol_ws.send({"type": "reaction.add", "message": answer["id"], "emoji": THUMBS})
    for ws in (alice_ws, bob_ws, carol_ws):
        frame = await ws.recv_type("reaction")
        assert (frame["message"], frame["emoji"], frame["count"], frame["added"]) == (
            answer["id"],
            THUMBS,
            1,
            True,
        )
        assert frame["user"]["id"] == carol.pk
    await carol_ws.send({"type": "reaction.add", "message": answer["id"], "emoji": "nope"})
    assert (await carol_ws.recv_type("error"))["code"] == "invalid"
    await carol_ws.send({"type": "reaction.add", "message": "x", "emoji": THUMBS})
    assert (await carol_ws.recv_type("error"))["code"] == "bad_request"
    await carol_ws.send({"type": "reaction.remove", "message": answer["id"], "emoji": THUMBS})
    assert (await bob_ws.recv_type("reaction"))["count"] == 0


@pytest.mark.django_db(transaction=True)
async def test_mention_and_reaction_frames_stay_in_their_room(chat, open_ws):
    alice, bob, room = chat
    outsider = await database_sync_to_async(UserFactory)()
    secret = await database_sync_to_async(room_with_members)(
        owner=alice, members=[bob], kind=Room.Kind.PRIVATE, name="secret"
    )
    outsider_ws, bob_ws, alice_ws = await open_ws(outsider), await open_ws(bob), await open_ws(alice)
    # The outsider is named, but is no member: no mention, nothing of the private room.
    body = f"@{outsider.username} @{bob.username} psst"
    await alice_ws.send({"type": "message.send", "room": secret.pk, "body": body, "client_id": "s"})
    sent = (await bob_ws.recv_until(message_new(body)))["message"]
    assert sent["mentions"] == [bob.pk]
    assert (await bob_ws.recv_type("mention"))["room"] == secret.pk
    await bob_ws.send({"type": "reaction.add", "message": sent["id"], "emoji": THUMBS})
    await alice_ws.recv_type("reaction")
    assert await outsider_ws.ping() == []
    # Nor may the outsider react to it.
    await outsider_ws.send({"type": "reaction.add", "message": sent["id"], "emoji": THUMBS})
    assert (await outsider_ws.recv_type("error"))["code"] == "not_found"
