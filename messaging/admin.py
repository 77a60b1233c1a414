"""Django admin of messages, for moderators: read, search, and delete through the service.

Deleting here is `message_delete` with the admin user as actor, as the API's
DELETE is: the message keeps its seq with an empty body, every member's
socket gets `message.deleted`, and the deletion is audited. Rows are never
edited or removed directly.
"""

from django.contrib import admin

from rooms.admin import ServiceActionsAdmin, run_service_action

from . import services
from .models import Message

PREVIEW_CHARS = 80


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


@admin.register(Message)
class MessageAdmin(ServiceActionsAdmin):
    list_display = ["id", "room", "seq", "author", "preview", "created_at", "is_deleted"]
    list_filter = ["room", DeletedFilter]
    search_fields = ["body", "author__username"]
    list_select_related = ["room", "author"]
    # Newest first by id: ids follow insertion, and the primary key index serves the sort.
    ordering = ["-pk"]
    actions = ["delete_messages"]

    @admin.display(description="body")
    def preview(self, message: Message) -> str:
        if len(message.body) <= PREVIEW_CHARS:
            return message.body
        return message.body[: PREVIEW_CHARS - 1] + "…"

    @admin.display(boolean=True, description="deleted", ordering="deleted_at")
    def is_deleted(self, message: Message) -> bool:
        return message.deleted

    @admin.action(description="Delete selected messages (broadcast to every member, audited)")
    def delete_messages(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.filter(deleted_at__isnull=True),
            lambda message: services.message_delete(actor=request.user, message_id=message.pk),
            "Deleted",
        )
