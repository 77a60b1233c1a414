"""The Room and member shapes of the contract (Objects / Room; Rooms / members)."""

from collections.abc import Iterable
from datetime import tzinfo

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserSerializer
from messaging.serializers import MessageSerializer, iso_datetime, message_to_dict

from .models import Ban, Block, Membership, Room


class RoomSerializer(serializers.ModelSerializer):
    """A room as one viewer sees it.

    Reads the annotations of `rooms.selectors.room_queryset_for_user`
    (`my_role`, `member_count`, `unread_count`, `direct_name`) and the
    `last_message` that `rooms.selectors.attach_last_messages` put on it.
    """

    name = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)
    my_role = serializers.CharField(read_only=True, allow_null=True)
    unread_count = serializers.IntegerField(read_only=True)
    last_message = MessageSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Room
        fields = [
            "id",
            "kind",
            "name",
            "topic",
            "created_at",
            "member_count",
            "is_locked",
            "my_role",
            "unread_count",
            "last_message",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_name(self, room: Room) -> str:
        return room_display_name(room)


def room_to_dict(room: Room, tz: tzinfo | None = None) -> dict:
    """Serialize one room as RoomSerializer does, without DRF (see messaging.serializers).

    Needs what RoomSerializer reads: the annotations of
    `rooms.selectors.room_queryset_for_user` and `room.last_message` (no query
    here). `tz`: the current time zone, if the caller looked it up.
    """
    tz = tz or timezone.get_current_timezone()
    last_message = room.last_message
    my_role = room.my_role
    return {
        "id": room.pk,
        "kind": str(room.kind),
        "name": room_display_name(room),
        "topic": room.topic,
        "created_at": iso_datetime(room.created_at, tz),
        "member_count": int(room.member_count),
        "is_locked": room.is_locked,
        "my_role": None if my_role is None else str(my_role),
        "unread_count": int(room.unread_count),
        "last_message": None if last_message is None else message_to_dict(last_message, tz),
    }


def rooms_to_dicts(rooms: Iterable[Room]) -> list[dict]:
    """`room_to_dict` of each room, in order (the room lists)."""
    tz = timezone.get_current_timezone()
    return [room_to_dict(room, tz) for room in rooms]


def room_display_name(room: Room) -> str:
    """The room's name as its viewer sees it: a direct room is named after the other member."""
    if room.kind == Room.Kind.DIRECT:
        return getattr(room, "direct_name", None) or room.name
    return room.name


class RoomCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=[Room.Kind.PUBLIC, Room.Kind.PRIVATE])
    topic = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RoomUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    topic = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_locked = serializers.BooleanField(required=False)


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class MemberSerializer(serializers.ModelSerializer):
    """`{"user": User, "role", "joined_at", "muted", "online"}`; `online` comes from presence."""

    user = UserSerializer(read_only=True)
    muted = serializers.BooleanField(source="is_muted", read_only=True)
    online = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["user", "role", "joined_at", "muted", "online"]
        read_only_fields = fields

    def get_online(self, membership: Membership) -> bool:
        return membership.user_id in self.context.get("online_user_ids", ())


class MemberUpdateSerializer(serializers.Serializer):
    """`{"role"?, "muted"?, "reason"?}`: at least one of role and muted; the reason goes to the audit log."""

    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    muted = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "role" not in attrs and "muted" not in attrs:
            raise serializers.ValidationError("Give a role, muted, or both.")
        return attrs


class ReasonSerializer(serializers.Serializer):
    """`{"reason"?}`: why, for the audit log."""

    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BanSerializer(serializers.ModelSerializer):
    """`{"user": User, "reason", "banned_by": User, "created_at"}`."""

    user = UserSerializer(read_only=True)
    banned_by = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Ban
        fields = ["user", "reason", "banned_by", "created_at"]
        read_only_fields = fields


class BanCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BlockSerializer(serializers.ModelSerializer):
    """`{"user": User, "created_at"}`: a user the caller blocked, and since when."""

    user = UserSerializer(source="blocked", read_only=True)

    class Meta:
        model = Block
        fields = ["user", "created_at"]
        read_only_fields = fields
