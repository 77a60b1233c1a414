"""Factories for the models; services are used where behaviour matters."""

import factory
from rest_framework.authtoken.models import Token

from accounts.models import User
from rooms.models import Membership, Room

PASSWORD = "S3cret-pass!x"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def room_with_members(
    *, owner: User, members=(), kind: str = Room.Kind.PUBLIC, name: str = "general"
) -> Room:
    """A room owned by `owner` with `members` added, through the real services."""
    from rooms import services

    room = services.room_create(creator=owner, name=name, kind=kind)
    for member in members:
        Membership.objects.create(room=room, user=member, last_read_seq=room.last_seq)
    return room


def post(room: Room, author: User, body: str = "hello"):
    """A message by `author` in `room`, through the real service (rate limit included)."""
    from messaging.services import message_create

    return message_create(room_id=room.pk, author=author, body=body)[0]


def make_member(room: Room, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Add `user` to `room` with `role`, reading from the room's newest message (as joining does)."""
    room.refresh_from_db(fields=["last_seq"])
    return Membership.objects.create(room=room, user=user, role=role, last_read_seq=room.last_seq)
