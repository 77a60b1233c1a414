"""Settings for the test suite: the base settings, made fast and quiet.

The database and channel layer still come from DATABASE_URL and REDIS_URL,
so the same suite runs on the embedded default and on PostgreSQL with Redis.
"""

import tempfile

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["dj_rest_auth"] = "10000/min"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["search"] = "10000/min"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tests post freely; the rate-limit tests turn it on with the settings fixture.
CHAT_RATE_LIMIT_MESSAGES = 0
# Likewise the per-user caps; their tests set a rate with the settings fixture.
CHAT_RATE_WS_TICKETS = CHAT_RATE_ROOM_CREATES = CHAT_RATE_MEMBER_ADDS = "0"
CHAT_RATE_ROOM_JOINS = CHAT_RATE_DIRECT_OPENS = CHAT_RATE_REACTIONS = "0"
# Admin pages render without collectstatic: the manifest storage would refuse unknown names.
# Attachments go to a folder of this run, not var/.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="chat-test-uploads-"), "base_url": None},
    },
}
# Nothing is collected in tests: WhiteNoise need not look for STATIC_ROOT.
STATIC_ROOT = None  # type: ignore[assignment]  # a Path in base
