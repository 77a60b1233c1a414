from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from messaging.models import Message


class Room(models.Model):
    """A conversation: public (anyone may join), private (by invitation) or direct (two users).

    `last_seq` is the seq of the room's newest message; the message service
    bumps it under the room's row lock, so seqs are gapless and in commit
    order. `direct_key` ("<low user id>:<high user id>") is set only for
    direct rooms and is unique, so one pair of users has one direct room even
    when both open it at the same moment.
    """

    class Kind(models.TextChoices):
        PUBLIC = "public"
        PRIVATE = "private"
        DIRECT = "direct"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=100)
    topic = models.CharField(max_length=500, blank=True, default="")
    is_locked = models.BooleanField(default=False)
    # Whether plain members may write `@room` (everyone); owners and moderators always may.
    allow_room_mentions = models.BooleanField(default=True)
    # Whether the timeline tells of members joining and leaving (system messages, issue 11
    # §6). Off unless asked for: clients of the first contract count a history's messages.
    membership_notices = models.BooleanField(default=False)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)
    direct_key = models.CharField(max_length=50, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not columns: what rooms.selectors and the admin annotate or attach on the rooms they read.
    my_role: str | None
    member_count: int
    unread_count: int
    mention_count: int
    my_notification_level: str | None
    my_starred: bool | None
    direct_peer_id: int | None
    peer_online: bool | None
    last_message: "Message | None"

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="room_direct_key_iff_direct",
                condition=(Q(kind="direct") & Q(direct_key__isnull=False))
                | (~Q(kind="direct") & Q(direct_key__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["kind", "-last_activity_at"], name="room_kind_activity")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Membership(models.Model):
    """A user's place in a room: role, mute, read position (`last_read_seq`), the
    notification level the user chose (`notification_level`) and whether they starred
    the room (`starred`: a favourite, listed first in their sidebar on every device)."""

    class Role(models.TextChoices):
        OWNER = "owner"
        MODERATOR = "moderator"
        MEMBER = "member"

    class NotificationLevel(models.TextChoices):
        """What the member wants to hear of the room (the UI acts on it; docs/messages.md)."""

        ALL = "all"
        MENTIONS = "mentions"
        MUTED = "muted"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_muted = models.BooleanField(default=False)
    last_read_seq = models.PositiveBigIntegerField(default=0)
    notification_level = models.CharField(
        max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.ALL
    )
    starred = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="membership_unique_room_user")]
        indexes = [models.Index(fields=["user", "room"], name="membership_user_room")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id} ({self.role})"

    @property
    def is_moderator(self) -> bool:
        """Owners and moderators moderate a room."""
        return self.role in (self.Role.OWNER, self.Role.MODERATOR)


class Ban(models.Model):
    """A user barred from a room: removed, and unable to join or be added again."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500, blank=True, default="")
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="ban_unique_room_user")]

    def __str__(self) -> str:
        return f"{self.user_id} banned from {self.room_id}"


class Block(models.Model):
    """`blocker` blocked `blocked`: who is blocked can neither open a direct conversation
    with the blocker nor add them to a room (rooms.services; docs/limits.md)."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_blocker_blocked"),
            models.CheckConstraint(name="block_not_oneself", condition=~Q(blocker=models.F("blocked"))),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ModerationAction(models.Model):
    """One moderation act, from the API or Django admin: the audit trail (contract: Moderation).

    Rows outlive what they point at: a deleted actor, target, room or message
    leaves NULL behind, not a hole in the trail. `details` holds what the
    columns do not, e.g. `{"from": "member", "to": "moderator"}` for a role change.
    """

    class Action(models.TextChoices):
        ROLE_CHANGE = "role_change"
        MUTE = "mute"
        UNMUTE = "unmute"
        REMOVE = "remove"
        BAN = "ban"
        UNBAN = "unban"
        MESSAGE_DELETE = "message_delete"
        LOCK = "lock"
        UNLOCK = "unlock"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    room = models.ForeignKey(Room, null=True, on_delete=models.SET_NULL, related_name="moderation_actions")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["room", "-created_at"], name="modaction_room_created")]

    def __str__(self) -> str:
        return f"{self.action} in {self.room_id} by {self.actor_id}"
