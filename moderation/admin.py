"""Django admin for moderators: rooms, members, bans, messages and the audit log.

Every change that matters to chat goes through moderation.services, as the API's
changes do, so it has the same live effects and leaves the same audit rows,
with the admin user as actor: a room's name, topic and lock are saved
through `room_update`; members are banned, muted, unmuted and removed by
actions on the Members list; bans are lifted by an action on the Bans list.
Inlines only show; nothing here writes a model directly. Messages are
deleted with `message_delete`, as the API's DELETE is (audited, broadcast).
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyInline, ServiceActionsAdmin, run_service_action
from messaging.models import Message
from rooms.models import Ban, Membership, ModerationAction, Room
from rooms.selectors import member_role_order

from . import services


class MembershipInline(ReadOnlyInline):
    """The room's members with role and mute; change them with the Members list's actions."""

    model = Membership
    fields = ("user", "role", "is_muted", "joined_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").order_by(member_role_order(), "joined_at")


class BanInline(ReadOnlyInline):
    """The room's bans; lift them with the Bans list's action."""

    model = Ban
    fields = ("user", "reason", "banned_by", "created_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "banned_by")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_locked", "member_count", "last_activity_at", "created_at"]
    list_filter = ["kind", "is_locked"]
    search_fields = ["name"]
    ordering = ["-last_activity_at", "-pk"]
    fields = [
        "name",
        "topic",
        "is_locked",
        "membership_notices",
        "kind",
        "created_by",
        "created_at",
        "last_seq",
        "moderate",
    ]
    readonly_fields = ["kind", "created_by", "created_at", "last_seq", "moderate"]
    inlines = [MembershipInline, BanInline]
    actions = ["lock_rooms", "unlock_rooms"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.kind == Room.Kind.DIRECT:
            return ["name", *self.readonly_fields]
        return self.readonly_fields

    def has_add_permission(self, request):
        # Rooms are created by their owners through the API (room_create).
        return False

    def has_delete_permission(self, request, obj=None):
        # No service deletes a room: open sockets would never hear of it. Lock it instead.
        return False

    @admin.display(ordering="member_count", description="members")
    def member_count(self, room: Room) -> int:
        return room.member_count

    @admin.display(description="moderate")
    def moderate(self, room: Room) -> str:
        members = reverse("admin:rooms_membership_changelist") + f"?room__id__exact={room.pk}"
        bans = reverse("admin:rooms_ban_changelist") + f"?room__id__exact={room.pk}"
        log = reverse("admin:rooms_moderationaction_changelist") + f"?room__id__exact={room.pk}"
        return format_html(
            '<a href="{}">members</a> · <a href="{}">bans</a> · <a href="{}">audit log</a>',
            members,
            bans,
            log,
        )

    def save_model(self, request, obj, form, change):
        """Save name, topic, lock and notices through room_update: `room.updated` and the lock audit follow."""
        fields = ("name", "topic", "is_locked", "membership_notices")
        changes = {f: form.cleaned_data[f] for f in fields if f in form.changed_data}
        if changes:
            services.room_update(actor=request.user, room_id=obj.pk, **changes)

    @admin.action(description="Lock selected rooms (only owners and moderators may post)")
    def lock_rooms(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.filter(is_locked=False),
            lambda room: services.room_update(actor=request.user, room_id=room.pk, is_locked=True),
            "Locked",
        )

    @admin.action(description="Unlock selected rooms")
    def unlock_rooms(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.filter(is_locked=True),
            lambda room: services.room_update(actor=request.user, room_id=room.pk, is_locked=False),
            "Unlocked",
        )


@admin.register(Membership)
class MembershipAdmin(ServiceActionsAdmin):
    """Members of every room; ban, mute, unmute and remove them with the actions."""

    list_display = ["user", "room", "role", "is_muted", "joined_at"]
    list_filter = ["role", "is_muted", "room__kind", "room"]
    search_fields = ["user__username", "room__name"]
    list_select_related = ["user", "room"]
    ordering = ["-joined_at", "-pk"]
    actions = ["ban_members", "mute_members", "unmute_members", "remove_members"]

    @admin.action(description="Ban selected members from their rooms")
    def ban_members(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("user"),
            lambda m: services.room_ban_create(
                actor=request.user, room_id=m.room_id, username=m.user.username
            ),
            "Banned",
        )

    @admin.action(description="Mute selected members (they can read, not post)")
    def mute_members(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.filter(is_muted=False),
            lambda m: services.room_member_mute(actor=request.user, room_id=m.room_id, user_id=m.user_id),
            "Muted",
        )

    @admin.action(description="Unmute selected members")
    def unmute_members(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.filter(is_muted=True),
            lambda m: services.room_member_unmute(actor=request.user, room_id=m.room_id, user_id=m.user_id),
            "Unmuted",
        )

    @admin.action(description="Remove selected members from their rooms (they may rejoin)")
    def remove_members(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda m: services.room_member_remove(actor=request.user, room_id=m.room_id, user_id=m.user_id),
            "Removed",
        )


@admin.register(Ban)
class BanAdmin(ServiceActionsAdmin):
    """Bans of every room; lift them with the action."""

    list_display = ["user", "room", "reason", "banned_by", "created_at"]
    list_filter = ["room"]
    search_fields = ["user__username", "room__name", "reason"]
    list_select_related = ["user", "room", "banned_by"]
    ordering = ["-created_at", "-pk"]
    actions = ["unban"]

    @admin.action(description="Lift selected bans")
    def unban(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda ban: services.room_ban_delete(
                actor=request.user, room_id=ban.room_id, user_id=ban.user_id
            ),
            "Unbanned",
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(ServiceActionsAdmin):
    """The audit log: read-only, for every moderation act from the API or this admin."""

    list_display = ["created_at", "action", "room", "actor", "target_user", "message", "reason"]
    list_filter = [
        "action",
        ("room", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["reason", "actor__username", "target_user__username", "room__name"]
    list_select_related = ["room", "actor", "target_user", "message"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    actions = None


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
