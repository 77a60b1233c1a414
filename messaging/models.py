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
