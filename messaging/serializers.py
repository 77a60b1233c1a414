"""The Message shape (contract: Objects / Message). Its one home: history,
REST replies and WebSocket events all serialize through `message_to_dict`."""

from rest_framework import serializers

from accounts.serializers import UserSerializer

from .models import Message


class MessageSerializer(serializers.ModelSerializer):
    """`{"id", "room", "seq", "author": User, "body", "created_at", "edited_at", "deleted", "client_id"}`."""

    room = serializers.IntegerField(source="room_id", read_only=True)
    author = UserSerializer(read_only=True)
    deleted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "room", "seq", "author", "body", "created_at", "edited_at", "deleted", "client_id"]
        read_only_fields = fields


def message_to_dict(message: Message) -> dict:
    """Serialize one message; `message.author` must be loaded (no query here)."""
    return MessageSerializer(message).data


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_null=True, max_length=64)


class MessageUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)


class HistorySerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField()


class HistoryQuerySerializer(serializers.Serializer):
    """`before`, `after` (seqs, exclusive) and `limit` (default 50, capped at 200)."""

    before = serializers.IntegerField(required=False, min_value=1)
    after = serializers.IntegerField(required=False, min_value=0)
    limit = serializers.IntegerField(required=False, min_value=1, default=50)


class ReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class MessageSearchQuerySerializer(serializers.Serializer):
    """`q`: the text to find, 1 to 200 characters after stripping; `room`: search only this room."""

    q = serializers.CharField(max_length=200)
    room = serializers.IntegerField(required=False, min_value=1)
