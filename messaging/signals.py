"""Model signals of messaging: an Attachment row deleted (a message deleted, or a room or
user removed by cascade) takes its files from the storage after the commit."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment
from .services import attachment_files_remove_on_commit


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment_files_remove")
def attachment_deleted(sender, instance: Attachment, **kwargs) -> None:
    attachment_files_remove_on_commit(instance)
