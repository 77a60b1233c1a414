from rest_framework import serializers

from .models import User


class UserSerializer(serializers.ModelSerializer):
    """The contract's User object: `{"id": INT, "username": STR}`."""

    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields


def user_to_dict(user: User) -> dict:
    """The contract's User object as a plain dict, for events built without DRF."""
    return {"id": user.pk, "username": user.username}


class WsTicketSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the ticket stays valid.")


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    key = serializers.CharField(help_text="The new token: the old one no longer works.")
