"""The Room and member shapes of the contract (Objects / Room; Rooms / members)."""

from rest_framework import serializers

from accounts.serializers import UserSerializer

from .models import Ban, Block, Membership, Room

MEMBERSHIP_NOTICES_HELP = (
    "Whether the timeline tells of members joining, being added, leaving and being removed "
    "(system messages; default false)."
)


class RoomCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=[Room.Kind.PUBLIC, Room.Kind.PRIVATE])
    topic = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    membership_notices = serializers.BooleanField(
        required=False, default=False, help_text=MEMBERSHIP_NOTICES_HELP
    )


class RoomUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    topic = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_locked = serializers.BooleanField(required=False)
    allow_room_mentions = serializers.BooleanField(
        required=False, help_text="Whether plain members may write @room (owners and moderators always may)."
    )
    membership_notices = serializers.BooleanField(required=False, help_text=MEMBERSHIP_NOTICES_HELP)


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
