"""The one place that answers "may this user read, post to or moderate this room?".

Every REST view, WebSocket frame and admin action asks one of these helpers,
each named for what it grants; each raises `NotFound` or `Forbidden`
(core.errors) or returns what the caller needs to go on (docs/architecture.md,
"Access"; the whole rule matrix is tests/rooms/test_access_matrix.py). They
read the room and the user's membership together in one query
(`_room_access`); the message helpers (messaging.access) build on them.

The rules (contract: Rooms, Moderation; docs/messages.md):

- A room of others that is not public is hidden: NotFound, as if it did not
  exist. A public room's outsider may read it but is Forbidden what needs a
  membership.
- Staff moderate every room, private and direct ones included, and so see
  every room's details; they read a room's history and post to it as members
  do.
- Posting needs a membership, an active account, no mute, and, in a locked
  room, the role of owner or moderator (or staff).
"""

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from core.errors import Forbidden, NotFound

from .models import Ban, Membership, Room


@dataclass(frozen=True)
class RoomAccess:
    """A room and the user's membership of it (None for a non-member)."""

    room: Room
    membership: Membership | None

    @property
    def role(self) -> str | None:
        return None if self.membership is None else self.membership.role


def _room_access(*, user, room_id: int, lock: bool = False) -> RoomAccess:
    """The room and `user`'s membership of it; NotFound when there is no such room.

    Without `lock`: one query, the membership joined to the room. With `lock`
    (inside a transaction): the room row is locked first and the membership
    read after the lock is held, so a role change, mute or removal that
    committed while this waited is seen (READ COMMITTED: each statement reads
    the newest committed rows). Room first, membership second, as every
    writer takes them: no deadlock.
    """
    if lock:
        room = Room.objects.select_for_update().filter(pk=room_id).first()
        if room is None:
            raise NotFound("Room not found.")
        return RoomAccess(room, Membership.objects.filter(room=room, user=user).first())
    room = (
        Room.objects.annotate(mine=FilteredRelation("memberships", condition=Q(memberships__user=user)))
        .select_related("mine")  # type: ignore[misc]  # the stubs do not know FilteredRelation aliases
        .filter(pk=room_id)
        .first()
    )
    if room is None:
        raise NotFound("Room not found.")
    # A LEFT JOIN: Django sets `mine` only when a membership row matched.
    membership = getattr(room, "mine", None)
    return RoomAccess(room, membership)


def room_is_hidden(*, user, kind: str, role: str | None, staff_see: bool = False) -> bool:
    """Whether the room must answer NotFound to `user`: not public, and not theirs.

    `staff_see`: staff see every room (a room's details: they moderate it).
    """
    if role is not None or kind == Room.Kind.PUBLIC:
        return False
    return not (staff_see and user.is_staff)


def room_access_for_reading(*, user, room_id: int) -> RoomAccess:
    """A room whose history `user` may read: theirs, or any public room.

    Raises NotFound otherwise (also for staff: reading a private room's history
    as staff goes through the admin). One query.
    """
    access = _room_access(user=user, room_id=room_id)
    if room_is_hidden(user=user, kind=access.room.kind, role=access.role):
        raise NotFound("Room not found.")
    return access


def room_access_for_member_reads(*, user, room_id: int) -> Membership:
    """The user's membership, for what only members read or move: the member list, the
    read position. The membership has its room loaded.

    Raises NotFound for a missing or hidden room, Forbidden for a public room
    the user has not joined. One query.
    """
    access = _room_access(user=user, room_id=room_id)
    if access.membership is None:
        if access.room.kind == Room.Kind.PUBLIC:
            raise Forbidden("You are not a member of this room.")
        raise NotFound("Room not found.")
    access.membership.room = access.room
    return access.membership


def room_access_for_joining(*, user, room_id: int) -> RoomAccess:
    """The room, row-locked (inside a transaction), if `user` may join it or is a member
    already (then `membership` is set: joining twice is a no-op).

    Under the lock a ban or removal that committed meanwhile is seen, and no
    ban slips past the join. Raises NotFound for a missing, private or direct
    room, Forbidden when the user is banned from it.
    """
    access = _room_access(user=user, room_id=room_id, lock=True)
    if access.membership is not None:
        return access
    if access.room.kind != Room.Kind.PUBLIC:
        raise NotFound("Room not found.")
    if Ban.objects.filter(room=access.room, user=user).exists():
        raise Forbidden("You are banned from this room.")
    return access


def _check_may_post(membership: Membership) -> None:
    """Raise Forbidden unless the member may post now.

    Reads the membership's `user` and `room` as loaded with it (their rows at
    the time of the query), never a User object cached by a caller: a
    deactivated account or a revoked staff right counts at once (issue 9).
    """
    user = membership.user
    if not user.is_active:
        raise Forbidden("This account is disabled.")
    if membership.is_muted:
        raise Forbidden("You are muted in this room.")
    if membership.room.is_locked and not (membership.is_moderator or user.is_staff):
        raise Forbidden("This room is locked: only its owner and moderators may post.")


def posting_check(*, membership: Membership | None, room_id: int) -> Membership:
    """The membership if its user may post to room `room_id` now, as room_access_for_posting
    answers for a membership read with its `room` and `user` (None: no membership).

    For callers that read the membership their own way (messaging.selectors.
    membership_for_posting). Raises NotFound (no such room: one more query,
    on this failure path only) or Forbidden, with room_access_for_posting's rules.
    """
    if membership is None:
        if not Room.objects.filter(pk=room_id).exists():
            raise NotFound("Room not found.")
        raise Forbidden("You are not a member of this room.")
    _check_may_post(membership)
    return membership


def room_access_for_posting(*, user, room_id: int, lock: bool = False) -> Membership:
    """The membership through which `user` posts to the room, with `room` and `user` loaded.

    One query. With `lock` (inside a transaction) it is `SELECT ... FOR
    UPDATE OF room, membership`: the room row first and the membership row
    second, the order every moderation service takes them in, so the two never
    deadlock. A statement that waited for either lock re-reads the row's newest
    version when the other transaction committed (PostgreSQL's EvalPlanQual):
    a membership deleted by a ban or removal drops out, a mute shows
    `is_muted`, and a send that waited behind another sees its `last_seq`.
    SQLite ignores FOR UPDATE: its IMMEDIATE transactions serialize writers.

    Raises NotFound when the room does not exist, Forbidden when the user is
    not a member (for every kind of room: the contract lists "not a member"
    under forbidden; the REST API asks `room_access_for_reading` first, which
    hides rooms of others), is disabled, is muted, or the room is locked to
    plain members.
    """
    rows = Membership.objects.select_related("room", "user").filter(room_id=room_id, user=user)
    if lock:
        rows = rows.select_for_update(of=("room", "self"))
    return posting_check(membership=rows.first(), room_id=room_id)


def room_access_for_moderating(*, user, room_id: int, lock: bool = True) -> RoomAccess:
    """The room and the actor's membership, if the actor moderates the room.

    Owners and moderators moderate their room; staff moderate every room
    (contract: Moderation). With `lock` (the default; inside a transaction)
    the room row is locked before the actor's role is read, so a demotion
    that committed meanwhile is seen; every moderation write holds this lock
    until it commits. Raises NotFound for a room the actor cannot see,
    Forbidden for a plain member or a public room's outsider.
    """
    access = _room_access(user=user, room_id=room_id, lock=lock)
    if user.is_staff or (access.membership is not None and access.membership.is_moderator):
        return access
    if room_is_hidden(user=user, kind=access.room.kind, role=access.role):
        raise NotFound("Room not found.")
    raise Forbidden("Only the room's owner and moderators may do this.")
