from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Moderation of rooms and messages; its models (ModerationAction, Ban) stay in `rooms`."""

    name = "moderation"
    verbose_name = "Moderation"
