from django.conf import settings
from django.core.files.storage import storages
from django.db import models


def _attachments_storage():
    # A callable, so migrations record no machine's path or bucket.
    return storages["attachments"]


def attachment_storage():
    """The storage Attachment files are on: `STORAGES["attachments"]` (CHAT_STORAGE: the file
    system under CHAT_UPLOAD_ROOT, or S3), as the model's fields hold it."""
    return Attachment._meta.get_field("file").storage


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
    # The message's files as `[{"id", "name", "size", "content_type", "width", "height",
    # "thumbnail"}]`, in the order sent: a copy of its Attachment rows, written with them,
    # so history reads the Attachment shape without a query per page (issue 11 §5).
    attachment_list = models.JSONField(default=list, blank=True)
    # A system message: "joined", "added", "left" or "removed" said of its author by the
    # server (messaging.services.membership_notice_create); "" for what a user wrote.
    system = models.CharField(max_length=16, blank=True, default="")

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


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    # A random name, never the uploader's: names from users carry paths, reserved words
    # and collisions. The original name is kept in `name` for downloads.
    return f"attachments/{attachment.room_id}/{attachment.key}/{filename}"


class Attachment(models.Model):
    """A file sent with `message` (issue 11 §5), on the attachments storage.

    `content_type` was read from the bytes (messaging.files), not from the
    name or the client's header. Images have `width`, `height` and a WebP
    `thumbnail`. Served only to readers of the room, through
    messaging.apis.AttachmentFileApi; the files go when the message is
    deleted (messaging.services.message_delete_unchecked), after the commit.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="+")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Random, hex: the folder of this attachment's files in the storage.
    key = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=127)
    file = models.FileField(storage=_attachments_storage, upload_to=_attachment_path, max_length=300)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(
        storage=_attachments_storage, upload_to=_attachment_path, max_length=300, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} on #{self.message_id}"
