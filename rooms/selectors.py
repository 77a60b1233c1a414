"""Reads about rooms, and the one place that answers "may this user see or act on this room?".

REST views and the WebSocket consumer use the same selectors, so access rules
cannot drift between them. Each access helper raises `NotFound` or
`Forbidden` (core.errors) instead of returning a falsy value.
"""

from django.db.models import Case, Q, QuerySet, Value, When

from core.errors import Forbidden, NotFound

from .models import Ban, Block, Membership, Room


def room_for_reader(*, user, room_id: int) -> Room:
    """A room whose history `user` may read: a member's room, or any public room."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise NotFound("Room not found.")
    if room.kind != Room.Kind.PUBLIC and not room.memberships.filter(user=user).exists():
        raise NotFound("Room not found.")
    return room


def room_ids_readable_by(*, user) -> QuerySet:
    """Ids of the rooms whose history `user` may read, as `room_for_reader` decides:
    the user's rooms and every public room. A subquery (`.values("pk")`) for `__in` filters."""
    mine = Membership.objects.filter(user=user).values("room_id")
    return Room.objects.filter(Q(kind=Room.Kind.PUBLIC) | Q(pk__in=mine)).values("pk")


def membership_for(*, user, room_id: int) -> Membership:
    """The user's membership of a room, with the room loaded.

    Raises NotFound when the room does not exist or is a private or direct
    room of others, Forbidden when it is a public room the user has not joined.
    """
    membership = Membership.objects.select_related("room").filter(room_id=room_id, user=user).first()
    if membership is not None:
        return membership
    kind = Room.objects.filter(pk=room_id).values_list("kind", flat=True).first()
    if kind == Room.Kind.PUBLIC:
        raise Forbidden("You are not a member of this room.")
    raise NotFound("Room not found.")


def moderation_access(*, user, room_id: int) -> tuple[Room, Membership | None]:
    """The room and the actor's membership, if the actor moderates it.

    Owners and moderators moderate their room; staff moderate every room
    (contract: Moderation). Raises NotFound for a room the actor cannot see,
    Forbidden for a plain member or a public room's outsider.
    """
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise NotFound("Room not found.")
    membership = Membership.objects.filter(room=room, user=user).first()
    if user.is_staff or (membership is not None and membership.is_moderator):
        return room, membership
    if membership is None and room.kind != Room.Kind.PUBLIC:
        raise NotFound("Room not found.")
    raise Forbidden("Only the room's owner and moderators may do this.")


def room_seqs_for_user(*, user_id: int) -> dict[int, int]:
    """`{room_id: last_seq}` of every room the user is a member of (one query)."""
    return dict(Membership.objects.filter(user_id=user_id).values_list("room_id", "room__last_seq"))


def member_role_order() -> Case:
    """Sort key of memberships: owners, then moderators, then members."""
    return Case(
        When(role=Membership.Role.OWNER, then=Value(0)),
        When(role=Membership.Role.MODERATOR, then=Value(1)),
        default=Value(2),
    )


def member_list(*, room_id: int) -> QuerySet[Membership]:
    """A room's memberships with their users, owners first, then by join time."""
    return (
        Membership.objects.filter(room_id=room_id)
        .select_related("user")
        .order_by(member_role_order(), "joined_at", "pk")
    )


def ban_list(*, room_id: int) -> QuerySet[Ban]:
    """A room's bans, newest first, with both users loaded."""
    return Ban.objects.filter(room_id=room_id).select_related("user", "banned_by").order_by("-created_at")


def block_list(*, user) -> QuerySet[Block]:
    """The users `user` has blocked, newest first, with the blocked users loaded."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at", "-pk")
