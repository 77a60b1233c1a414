"""What ends a user's sessions, whatever path the change takes.

Every `save()` of a User (the API, the admin, a password reset, the shell) is
compared with the stored row: a new password deletes the user's tokens, and a
new password, deactivation or a change of is_staff or is_superuser closes
every socket of the user (`realtime.events.account_changed`, code 4001), so
no open socket outlives the rights it was opened with. `QuerySet.update()`
bypasses `save()` and these signals, as Django documents.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from realtime import events

from .models import User

_WATCHED = {"is_active", "is_staff", "is_superuser", "password"}


@receiver(pre_save, sender=User)
def _remember_stored_rights(sender, instance: User, update_fields=None, **kwargs):
    instance.__dict__["_stored_rights"] = None
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return  # e.g. login's last_login: no query
    instance.__dict__["_stored_rights"] = (
        User.objects.filter(pk=instance.pk).values_list("is_active", "is_staff", "is_superuser").first()
    )


@receiver(post_save, sender=User)
def _end_sessions_on_change(sender, instance: User, created: bool, **kwargs):
    if created:
        return
    # set_password() keeps the raw password in _password until save() has run
    # the validators' password_changed hooks; a hash upgrade at login clears it
    # first, so only a real change of password counts.
    password_changed = instance.__dict__.get("_password") is not None
    stored = instance.__dict__.get("_stored_rights")
    reason = None
    if stored is not None and stored[0] and not instance.is_active:
        reason = "deactivated"
    elif password_changed:
        reason = "password_changed"
    elif stored is not None and stored[1:] != (instance.is_staff, instance.is_superuser):
        reason = "rights_changed"
    if password_changed:
        Token.objects.filter(user=instance).delete()
    if reason is not None:
        events.account_changed(user_id=instance.pk, reason=reason)
