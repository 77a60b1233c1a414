"""Django settings of the baseline (`bench.baseline`): a channel layer and nothing else.

The layer's CONFIG is the project's own (config/settings/base.py), so the
baseline and our server differ in their consumers, not in their Redis.
"""

import os

SECRET_KEY = "bench-baseline-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
USE_TZ = True
# config.serve starts the metrics listener from these; the baseline has no metrics of ours.
METRICS_ADDR = "127.0.0.1"
METRICS_PORT = 0
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [os.environ["REDIS_URL"]],
            "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "bench-baseline"),
            "capacity": 1000,
            "expiry": 60,
            "group_expiry": 7 * 24 * 3600,
        },
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
