"""Portolan settings, driven by environment variables.

Two modes:

* **embedded** (the default): SQLite, an in-process channel layer and Celery tasks executed
  in-process. Nothing to install beyond the Python packages.
* **distributed**: set ``DATABASE_URL=postgres://…`` and ``REDIS_URL=redis://…``. Postgres holds
  the cluster, Celery runs on Redis with separate ``worker``/``beat`` processes and Channels uses
  ``channels_redis``.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("PORTOLAN_SECRET_KEY", "portolan-dev-only-not-secret")
DEBUG = env_bool("PORTOLAN_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("PORTOLAN_ALLOWED_HOSTS", "*").split(",") if h]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "channels",
    "cluster",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The built browser app (static/dist) and other static files, straight from STATICFILES_DIRS.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# kubectl POSTs to paths without a trailing slash; never redirect API calls.
APPEND_SLASH = False
ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"
ASGI_APPLICATION = "dashboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("PORTOLAN_SQLITE_PATH", str(BASE_DIR / "portolan.sqlite3")),
            # BEGIN IMMEDIATE: writers queue on the database lock up front instead of failing
            # when a read transaction tries to upgrade.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
_test_db = os.environ.get("PORTOLAN_TEST_DB_NAME")
if _test_db:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = _test_db
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Channels, Celery --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
DISTRIBUTED = bool(REDIS_URL)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Redis pub/sub ignores the database index: deployments (or test runs) sharing a
            # Redis server keep their feeds apart with their own prefix.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("PORTOLAN_CHANNEL_PREFIX", "asgi"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not DISTRIBUTED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- The simulated cluster ----------------------------------------------------------------
PORTOLAN_SERVICE_CIDR = os.environ.get("PORTOLAN_SERVICE_CIDR", "10.96.0.0/12")
PORTOLAN_NODE_PORT_RANGE = os.environ.get("PORTOLAN_NODE_PORT_RANGE", "30000-32767")
PORTOLAN_NODE_COUNT = int(os.environ.get("PORTOLAN_NODE_COUNT", "3"))
PORTOLAN_CLUSTER_DOMAIN = os.environ.get("PORTOLAN_CLUSTER_DOMAIN", "cluster.local")
# The control loops: on (the default) they react to every committed change; a full resync
# repairs whatever a lost message left behind every PORTOLAN_RESYNC_SECONDS.
PORTOLAN_CONTROLLERS = env_bool("PORTOLAN_CONTROLLERS", True)
PORTOLAN_RESYNC_SECONDS = float(os.environ.get("PORTOLAN_RESYNC_SECONDS", "30"))
# The simulated kubelet: a started pod turns Ready after this many seconds.
PORTOLAN_READY_DELAY = float(os.environ.get("PORTOLAN_READY_DELAY", "0.5"))
# Addresses handed to LoadBalancer Services (like MetalLB's pool): "first-last" or a CIDR.
PORTOLAN_LB_POOL = os.environ.get("PORTOLAN_LB_POOL", "172.18.255.200-172.18.255.250")
CELERY_BEAT_SCHEDULE = {
    "portolan-resync": {"task": "portolan.resync", "schedule": PORTOLAN_RESYNC_SECONDS},
}
# Anyone may read and write without a token: only when the operator says so explicitly.
PORTOLAN_ANONYMOUS = env_bool("PORTOLAN_ANONYMOUS", False)
# Kubernetes' request body limit (apiserver: 3 MiB).
PORTOLAN_MAX_BODY_BYTES = 3 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = PORTOLAN_MAX_BODY_BYTES + 1024

ipaddress.ip_network(PORTOLAN_SERVICE_CIDR)  # fail at start-up on a bad range

# --- Auth, REST framework ---------------------------------------------------------------
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cluster.api.auth.BearerTokenAuthentication",
        "cluster.api.auth.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["cluster.api.negotiation.KubeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cluster.api.negotiation.KubeContentNegotiation",
    "EXCEPTION_HANDLER": "cluster.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served from STATICFILES_DIRS by whitenoise (no collectstatic step); set to collect for a CDN.
STATIC_ROOT = os.environ.get("PORTOLAN_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PORTOLAN_LOG_LEVEL", "WARNING")},
    "loggers": {"portolan": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}
