import logging
import smtplib

from dj_rest_auth.serializers import PasswordResetSerializer as DjRestAuthPasswordResetSerializer
from rest_framework import serializers

from .models import User

logger = logging.getLogger(__name__)


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


class PasswordResetSerializer(DjRestAuthPasswordResetSerializer):
    """`POST /api/auth/password/reset/` `{email}`: dj-rest-auth's, answering the same for every email.

    The email links to the web app's `/reset-password/UID/TOKEN/` (the URL named
    `password_reset_confirm`). Known or unknown, the answer is 200 with the same
    detail; a mail server that fails is logged (never the link) rather than
    answered with a 500 that only registered addresses would get.
    """

    def save(self):
        try:
            super().save()
        except (OSError, smtplib.SMTPException) as exc:
            logger.error("A password-reset email could not be sent: %s", type(exc).__name__)
