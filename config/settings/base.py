"""Settings for every deployment, read from the environment (django-environ).

With nothing set this is the embedded default: SQLite in WAL mode under
`var/`, the in-memory channel layer and a local-memory cache, so one process
needs no services. `DATABASE_URL` (postgres://...) switches to PostgreSQL
through psycopg 3 with a connection pool; `REDIS_URL` switches the channel
layer to channels-redis and the cache (WebSocket tickets, rate limits,
presence, throttles) to Redis, which is what lets several server processes
share rooms. The README lists every variable.
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _secret_key() -> str:
    """The key from DJANGO_SECRET_KEY, else the one in var/secret_key, generated on first use.

    Several processes sharing var/ (docker/compose.yaml mounts one volume for
    all its server processes) share the key: the file is written whole under
    a temporary name and linked into place, so a process starting at the same
    moment reads either no file or the whole key, and only one key ever wins.
    """
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(50))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The port the server is reached on (scripts/run listens on it).
PORT = env.int("PORT", default=8000)
# Pages that may open /ws/chat/: scheme://host[:port], compared in full
# (realtime.origin). By default the http and https origins of ALLOWED_HOSTS on
# PORT, and the CSRF-trusted origins (the public address behind a proxy).
CHAT_ALLOWED_ORIGINS = env.list(
    "CHAT_ALLOWED_ORIGINS",
    default=[
        "*" if host == "*" else f"{scheme}://{host}:{PORT}"
        for host in ALLOWED_HOSTS
        for scheme in ("http", "https")
    ]
    + CSRF_TRUSTED_ORIGINS,
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "dj_rest_auth",
    "dj_rest_auth.registration",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "accounts",
    "rooms",
    "messaging",
    "moderation",
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",
    "config.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Sync-only: everything above runs on one thread instead of hopping per method (core/middleware.py).
    "core.middleware.SyncChainMiddleware",
    # Last, as django-axes asks: it turns a lockout of /admin/login/ into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock
        # at BEGIN, so concurrent writers wait (timeout, seconds) instead of
        # failing with "database is locked" on a lock upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Django 5.1+ keeps a psycopg_pool per process; CONN_MAX_AGE must stay 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # No JIT: the planner's estimate for the room list's per-room counts crosses
    # jit_above_cost, and compiling the plan cost ~200 ms on a query that runs in 2 ms.
    # Short OLTP queries are what this server makes (PostgreSQL docs: "JIT Accelerated Operations").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=20),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10),
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache ------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Events a socket may have queued before it is closed as too slow (4008), and the
# bytes daphne may hold unsent for it (config/serve.py); docs/protocol.md.
CHAT_SOCKET_QUEUE_FRAMES = env.int("CHAT_SOCKET_QUEUE_FRAMES", default=500)
CHAT_SOCKET_BUFFER_BYTES = env.int("CHAT_SOCKET_BUFFER_BYTES", default=1024 * 1024)
# Send `Server-Timing: total;dur=MS` on HTTP responses (config/middleware.py; bench/ turns it on).
SERVER_TIMING = env.bool("SERVER_TIMING", default=False)
# Seconds between two looks of a process's seq watch (messaging.hub).
CHAT_SEQ_WATCH_INTERVAL = env.float("CHAT_SEQ_WATCH_INTERVAL", default=2.0)
if REDIS_URL:
    # Redis pub/sub, one copy of an event per process (realtime.layers).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.ChatRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_connect_timeout": 2,
                        "socket_timeout": 5,
                        "health_check_interval": 10,
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="chat"),
                "queue_frames": CHAT_SOCKET_QUEUE_FRAMES,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_PREFIX", default="chat"),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.ChatInMemoryChannelLayer",
            "CONFIG": {"queue_frames": CHAT_SOCKET_QUEUE_FRAMES},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_RATE_LIMITS = False  # behind dj-rest-auth the DRF scoped throttles apply
# Usernames: NFKC, no reserved, confusable, bidi or invisible names (accounts.names).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Email (password resets): SMTP from the EMAIL_* variables, unless EMAIL_BACKEND
# names another. The console backend, which would print reset links into the
# logs, is the default only with DJANGO_DEBUG.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10  # seconds: a reset request never hangs on a dead mail server
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="chat@localhost")
REST_AUTH = {
    "TOKEN_MODEL": "rest_framework.authtoken.models.Token",
    "SESSION_LOGIN": False,
    "USE_JWT": False,
    # A password change must prove the old password (accounts.apis.PasswordChangeApi).
    "OLD_PASSWORD_FIELD_ENABLED": True,
    "PASSWORD_RESET_SERIALIZER": "accounts.serializers.PasswordResetSerializer",
}
# Login lockout (django-axes) for the API login and /admin/login/ alike: after
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is refused for LOGIN_LOCKOUT_MINUTES (429). By pair, so a stranger
# cannot lock a user out from everywhere by failing their password.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client address as DRF's throttles see it (REMOTE_ADDR, or X-Forwarded-For
# read through TRUSTED_PROXIES), so a forged header cannot dodge the lockout.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# Seconds a WebSocket ticket stays redeemable (the contract caps it at 60).
WS_TICKET_TTL = 60

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        # dj-rest-auth's login, registration and logout views share this scope.
        "dj_rest_auth": env.str("AUTH_THROTTLE_RATE", default="20/min"),
        # GET /api/search/, per user (messaging.apis.MessageSearchApi).
        "search": env.str("SEARCH_THROTTLE_RATE", default="30/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # Proxies in front of the server whose X-Forwarded-For is trusted; 0: none,
    # the client is the TCP peer and a client's own X-Forwarded-For is ignored.
    "NUM_PROXIES": env.int("TRUSTED_PROXIES", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    # The member's notification level appears in the Room and in its own endpoint's body.
    "ENUM_NAME_OVERRIDES": {"NotificationLevelEnum": "rooms.models.Membership.NotificationLevel"},
    "TITLE": "Chat API",
    "DESCRIPTION": "Rooms, messages and accounts of the chat server. "
    "The WebSocket protocol is described in docs/protocol.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files from drf-spectacular-sidecar under /static/: /api/docs/
    # loads nothing from another origin, as the Content-Security-Policy asks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Chat -------------------------------------------------------------------
# Messages a user may post per window, across all sockets and REST; 0 disables.
CHAT_RATE_LIMIT_MESSAGES = env.int("CHAT_RATE_LIMIT_MESSAGES", default=20)
CHAT_RATE_LIMIT_WINDOW = env.int("CHAT_RATE_LIMIT_WINDOW", default=10)  # seconds
# Per-user caps (realtime.ratelimit.ACTION_RATES), "N/second|minute|hour|day";
# "0" switches one off. Past one: rate_limited, 429 with Retry-After.
CHAT_RATE_WS_TICKETS = env.str("CHAT_RATE_WS_TICKETS", default="60/minute")
CHAT_RATE_ROOM_CREATES = env.str("CHAT_RATE_ROOM_CREATES", default="20/hour")
CHAT_RATE_MEMBER_ADDS = env.str("CHAT_RATE_MEMBER_ADDS", default="100/hour")
CHAT_RATE_ROOM_JOINS = env.str("CHAT_RATE_ROOM_JOINS", default="60/hour")
CHAT_RATE_DIRECT_OPENS = env.str("CHAT_RATE_DIRECT_OPENS", default="30/hour")
CHAT_RATE_REACTIONS = env.str("CHAT_RATE_REACTIONS", default="60/minute")
# Members one message may name with @username (more: invalid; @room names everyone), and
# the distinct emoji one message may carry as reactions (more: invalid).
CHAT_MENTIONS_MAX = env.int("CHAT_MENTIONS_MAX", default=50)
CHAT_REACTIONS_MAX_EMOJI = env.int("CHAT_REACTIONS_MAX_EMOJI", default=20)
# Open sockets one user may hold across every server process (the consumer enforces it).
CHAT_MAX_SOCKETS_PER_USER = env.int("CHAT_MAX_SOCKETS_PER_USER", default=20)

# Search (messaging.selectors.message_search): words or quoted phrases a query
# may hold, the newest matches ranked (and counted), and the longest a search
# may run on PostgreSQL before it is refused, in milliseconds.
CHAT_SEARCH_MAX_TERMS = env.int("CHAT_SEARCH_MAX_TERMS", default=8)
CHAT_SEARCH_CANDIDATES = env.int("CHAT_SEARCH_CANDIDATES", default=1000)
CHAT_SEARCH_TIMEOUT_MS = env.int("CHAT_SEARCH_TIMEOUT_MS", default=2000)

# --- Static files and the UI ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
# Vite names built assets name-HASH.ext; they never change, so cache forever.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+[.-][0-9a-zA-Z_-]{8,12}\..+$"
# --- Files sent with messages (issue 11 §5; docs/messages.md, Files) -----------
CHAT_UPLOAD_MAX_BYTES = env.int("CHAT_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)  # per file
CHAT_UPLOAD_MAX_FILES = env.int("CHAT_UPLOAD_MAX_FILES", default=10)  # per message
# A whole request: every file at the limit, and 1 MiB for the multipart envelope and fields.
# Refused before it is read (core.asgi.BodyLimit); a proxy in front should allow as much
# (docker/nginx.conf: client_max_body_size).
CHAT_UPLOAD_MAX_REQUEST_BYTES = env.int(
    "CHAT_UPLOAD_MAX_REQUEST_BYTES", default=CHAT_UPLOAD_MAX_FILES * CHAT_UPLOAD_MAX_BYTES + 1024 * 1024
)
# Images with more pixels are stored as plain downloads, never decoded (decompression bombs).
CHAT_UPLOAD_MAX_PIXELS = env.int("CHAT_UPLOAD_MAX_PIXELS", default=50_000_000)
CHAT_THUMBNAIL_MAX_PX = env.int("CHAT_THUMBNAIL_MAX_PX", default=320)
# Django's own cap on the parts of one request; ours (CHAT_UPLOAD_MAX_FILES) answers first.
DATA_UPLOAD_MAX_NUMBER_FILES = CHAT_UPLOAD_MAX_FILES * 2 + 10
# filesystem: CHAT_UPLOAD_ROOT on this host (one host, or a volume every process mounts);
# s3: an S3-compatible bucket through django-storages, for several hosts.
CHAT_STORAGE = env.str("CHAT_STORAGE", default="filesystem")
CHAT_UPLOAD_ROOT = env.path("CHAT_UPLOAD_ROOT", default=VAR_DIR / "uploads")
if CHAT_STORAGE == "s3":
    _attachments_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("CHAT_S3_BUCKET"),
            "endpoint_url": env.str("CHAT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("CHAT_S3_REGION", default="") or None,
            "access_key": env.str("CHAT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("CHAT_S3_SECRET_ACCESS_KEY", default="") or None,
            # Files are served through Django to readers of their room only; the bucket stays private.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif CHAT_STORAGE == "filesystem":
    _attachments_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: nothing serves this folder publicly.
        "OPTIONS": {"location": str(CHAT_UPLOAD_ROOT), "base_url": None},
    }
else:
    raise ImproperlyConfigured(f"CHAT_STORAGE is filesystem or s3, not {CHAT_STORAGE!r}.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "attachments": _attachments_storage,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security behind HTTPS (set DJANGO_SECURE=true in production) ----------
if env.bool("DJANGO_SECURE", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # A year, the duration browsers' preload lists ask for; subdomains only if told.
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_SUBDOMAINS", default=False)

# --- Content-Security-Policy (django-csp) -----------------------------------
# The API token sits in the web app's localStorage, so no script may run but
# the app's own files: no inline script, nothing from another origin. The app
# (Vite's hashed files), the admin and Swagger UI (drf-spectacular's split view,
# whose init script is a file too) all load from 'self'. 'self' in connect-src
# covers the same-origin ws:// and wss:// of /ws/chat/. The favicon is a data: URL.
# Attachments need the token, so the app fetches them and shows blob: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Text (the message alone) or one JSON object per line, each with its request or socket id (core.logs).
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), fmt=env.str("LOG_FORMAT", default="text")
)

# Seconds within which the users of a server process that died go offline
# (sockets beat every third of it; realtime.presence).
PRESENCE_TTL = env.float("PRESENCE_TTL", default=60.0)
# Seconds between two `typing` broadcasts of one user in one room.
TYPING_THROTTLE = env.float("TYPING_THROTTLE", default=2.0)

# --- Operations (docs/deploy.md) ---------------------------------------------
# Seconds a SIGTERM'd process waits for its sockets (closed with 1012) and
# requests to finish before it cancels them (config.lifecycle).
CHAT_SHUTDOWN_TIMEOUT = env.float("CHAT_SHUTDOWN_TIMEOUT", default=10.0)
# Prometheus metrics on their own listener (core.metrics), never on PORT:
# loopback only unless METRICS_ADDR says otherwise; METRICS_PORT=0 turns it off.
METRICS_ADDR = env.str("METRICS_ADDR", default="127.0.0.1")
METRICS_PORT = env.int("METRICS_PORT", default=PORT + 1000)
