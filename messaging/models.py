from django.conf import settings
from django.db import models


class Message(models.Model):
    """A message in a room, at place `seq` (1, 2, 3, ... per room, no gaps).

    A deleted message keeps its row and seq with an empty body and
    `deleted_at` set, so history keeps its shape (contract: Message).
    `client_id` is the sender's idempotency key: unique per room and author.
    """

    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages")
    body = models.TextField()
    # NULL, not "", for "no client_id": NULLs never collide in the unique constraint.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The message this one answers, in the same room (messaging.services.message_create).
    # A deleted original keeps its row, so the reply keeps its quote ("deleted message").
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Ids of the members named with @username, in order of first mention (the author never).
    mentions = models.JSONField(default=list, blank=True)
    # `@room`: every member but the author is mentioned (Room.allow_room_mentions).
    mentions_room = models.BooleanField(default=False)
    # `[{"emoji", "count"}]` in order of each emoji's first reaction: a summary of this
    # message's Reaction rows, kept by messaging.services under the message's row lock,
    # so no read of a message has to count them.
    reaction_counts = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            # Also the index of history's keyset on (room, seq) and of unread counts.
            models.UniqueConstraint(fields=["room", "seq"], name="message_unique_room_seq"),
            models.UniqueConstraint(fields=["room", "author", "client_id"], name="message_unique_client_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} in {self.room_id}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class Mention(models.Model):
    """`user` was named with @username in `message` (room and seq copied from it).

    Counts a member's unread mentions: those after their read position
    (Membership.last_read_seq), on the (user, room, seq) index. Rows exist
    only for messages that do not mention the whole room (`mentions_room`:
    those are counted from the message itself), so one message counts once;
    an edit rewrites them, a deletion removes them.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mention_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique_message_user")
        ]
        indexes = [models.Index(fields=["user", "room", "seq"], name="mention_user_room_seq")]

    def __str__(self) -> str:
        return f"{self.user_id} in #{self.message_id}"


class Reaction(models.Model):
    """`user` reacted to `message` with `emoji`: at most once per user, message and emoji."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="reaction_unique_message_user_emoji"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id} on #{self.message_id}"
