"""Signal receivers of messaging: an Attachment row deleted (a message deleted, or a room or
user removed by cascade) takes its files from the storage after the commit; a membership
that changed is told in the room's timeline."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from rooms.signals import membership_changed

from .models import Attachment
from .services import attachment_files_remove_on_commit, membership_notice_create


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment_files_remove")
def attachment_deleted(sender, instance: Attachment, **kwargs) -> None:
    attachment_files_remove_on_commit(instance)


@receiver(membership_changed, dispatch_uid="membership_notice")
def membership_noticed(sender, room_id: int, user, event: str, **kwargs) -> None:
    membership_notice_create(room_id=room_id, user=user, event=event)
