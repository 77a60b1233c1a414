"""What every admin of the chat shares: lists whose changes go through the services."""

from collections.abc import Callable, Iterable

from django.contrib import admin, messages

from .errors import ChatError


def run_service_action(modeladmin, request, objects: Iterable, act: Callable, done: str) -> None:
    """Call `act(obj)` for each object, each in its service's own transaction.

    A refusal (ChatError) of one object does not stop the others; the admin
    is told how many succeeded (`done`, e.g. "Banned") and why each refusal.
    """
    succeeded = 0
    for obj in objects:
        try:
            act(obj)
        except ChatError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceActionsAdmin(admin.ModelAdmin):
    """A list that changes nothing by itself: its actions call the services, which broadcast and audit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
