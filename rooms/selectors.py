"""Reads about rooms: members, bans, blocks, the rooms a user may read.

Who may read, post to or moderate a room is decided in rooms.access; the room
list's read model (unread counts, last messages) is in messaging.selectors.
"""

from django.db.models import Case, Q, QuerySet, Value, When

from .models import Ban, Block, Membership, Room


def room_ids_readable_by(*, user) -> QuerySet:
    """Ids of the rooms whose history `user` may read, as `rooms.access.room_access_for_reading` decides:
    the user's rooms and every public room. A subquery (`.values("pk")`) for `__in` filters."""
    mine = Membership.objects.filter(user=user).values("room_id")
    return Room.objects.filter(Q(kind=Room.Kind.PUBLIC) | Q(pk__in=mine)).values("pk")


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
