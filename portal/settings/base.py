"""Settings shared by every environment.

Safe for production on its own: DEBUG is off, secrets and hosts come only from the environment,
and each integration (PostgreSQL, Redis, Elasticsearch) turns on when its variable is set.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PORTAL_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PORTAL_DIR.parent
# The source documents the demo content is loaded from: the shared folder beside the checkout when
# it is there (the source of truth), else the copy bundled in home/seeds so a bare clone works too.
_SHARED_SEEDS = BASE_DIR.parent / "shared" / "seeds"
_BUNDLED_SEEDS = BASE_DIR / "home" / "seeds"
SEEDS_DIR = Path(
    os.environ.get("PORTAL_SEEDS_DIR")
    or (_SHARED_SEEDS if (_SHARED_SEEDS / "documents.json").is_file() else _BUNDLED_SEEDS)
)


def env_list(name, default=""):
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "stations",
    "stories",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Log-in throttling (portal/login_throttling.py); its admin lists and resets lockouts.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

STATION_FEATURES = ("directory", "activities", "volunteers")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The station features keep their templates in their own folders (stations/<feature>/
        # templates/stations/<feature>/…): each feature's room holds everything it shows.
        "DIRS": [PORTAL_DIR / "templates"]
        + [BASE_DIR / "stations" / feature / "templates" for feature in STATION_FEATURES],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name); default a SQLite file in the project.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction begins, not at its first write: concurrent activity
    # sign-ups then queue up (for up to `timeout` seconds) instead of failing with "database is
    # locked" halfway through. PostgreSQL gets the same order from SELECT … FOR UPDATE.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_cache(url: str) -> dict:
    """The cache settings for the Redis at `url`, the one place production and tests take them.

    A cache error never reaches a page: with IGNORE_EXCEPTIONS django-redis answers a failed read
    with the default (None, so the caller computes the value) and skips a failed write, logging
    each (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS below). That covers Wagtail's own cache use too. The
    short timeouts and the connection's pause after a failure (portal/redis_connection.py) keep a
    hung or unreachable Redis from holding every request for seconds.
    """
    from portal.redis_connection import PausingConnection

    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "portal",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.5,
            "CONNECTION_POOL_KWARGS": {"connection_class": PausingConnection},
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Cache: Redis when REDIS_URL is set (shared by every app process), else per-process memory.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": redis_cache(os.environ["REDIS_URL"])}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in throttling with django-axes (portal/login_throttling.py), for every log-in that goes
# through authenticate(): the Wagtail admin's, the Django admin's. Axes checks first and records
# failures in the database (shared by every app process, whatever the cache).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# An account from one address locks after 5 wrong passwords; one address, whatever accounts it
# tries, after LOGIN_FAILURE_LIMIT_PER_IP (a community centre's computers share one address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURE_LIMIT_PER_IP = 20
AXES_HANDLER = "portal.login_throttling.PerIPLimitHandler"
# Locked for 15 minutes after the last failure (Axes reads a number as hours); administrators
# unlock sooner with `manage.py axes_reset_username <name>` or in the Django admin (README).
AXES_COOLOFF_TIME = 15 / 60
AXES_LOCKOUT_CALLABLE = "portal.login_throttling.lockout_response"
# The client address the form rate limits count (CLIENT_IP_HEADER behind a proxy).
AXES_CLIENT_IP_CALLABLE = "portal.login_throttling.client_ip"
# Only failures are kept, not a row per successful log-in with its address and browser.
AXES_DISABLE_ACCESS_LOG = True

# Chinese for the public site and the Wagtail admin alike, whatever the browser asks for (no
# LocaleMiddleware until the site has other translations); admins may pick English in their profile.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PORTAL_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [PORTAL_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "社区志愿服务门户"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Approval through the review workflow publishes; reviewers need no publish permission of their own.
WAGTAIL_FINISH_WORKFLOW_ACTION = "stories.review.publish_approved"
WAGTAILDOCS_EXTENSIONS = [
    "csv", "docx", "doc", "odt", "pdf", "rtf", "txt", "xlsx", "xls", "zip",
    # Story videos (stories.blocks.VideoBlock) are documents the site serves itself.
    "mp4", "m4v", "webm",
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024
# Played in the page, not downloaded, when a <video> asks for them.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain", "video/mp4", "video/webm"]
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Search: Wagtail's database backend by default; Elasticsearch when ELASTICSEARCH_URL is set.
# Both analyse Chinese text the same way (search/analysis.py). With Elasticsearch the database
# index is kept too, so the site search falls back to it when the cluster cannot be reached.
DATABASE_SEARCH = {"BACKEND": "search.backends.database"}
if os.environ.get("ELASTICSEARCH_URL"):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch9",
            "URLS": env_list("ELASTICSEARCH_URL"),
            "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "portal_"),
            "TIMEOUT": int(os.environ.get("ELASTICSEARCH_TIMEOUT", "5")),
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        },
        "database": DATABASE_SEARCH,
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": DATABASE_SEARCH}

# Map tiles for the station map: any XYZ tile server. Coordinates are stored in WGS-84; with a
# GCJ-02 provider (高德, 腾讯) every coordinate sent to the browser is shifted to match the tiles.
# The station band index carries covering columns on PostgreSQL; SQLite ignores them and says so on
# every command. The index still works there as a plain one.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

MAP_TILES = {
    "url": os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "attribution": os.environ.get(
        "MAP_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
    ),
    "coordinates": os.environ.get("MAP_TILE_COORDINATES", "wgs84").strip().lower(),
    "subdomains": os.environ.get("MAP_TILE_SUBDOMAINS", "abc"),
    "max_zoom": int(os.environ.get("MAP_TILE_MAX_ZOOM", "18")),
}
if MAP_TILES["coordinates"] not in ("wgs84", "gcj02"):
    raise ImproperlyConfigured("MAP_TILE_COORDINATES must be wgs84 or gcj02.")
# Where the map opens when there is nothing to fit to: [lat, lng, zoom] (WGS-84).
MAP_DEFAULT_VIEW = [
    float(part) for part in os.environ.get("MAP_DEFAULT_VIEW", "23.1291,113.2644,10").split(",")
]

# Registration and sign-up forms: per-IP submission limit (django-ratelimit syntax, e.g. 20/h),
# counted on the cache so every app process shares it when REDIS_URL is set.
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "20/h")
# Activity sign-ups and cancellations per client IP (a family signs up several people).
ACTIVITY_SIGNUP_RATE_LIMIT = os.environ.get("ACTIVITY_SIGNUP_RATE_LIMIT", "30/h")
# Behind a proxy, the request header holding the client address (e.g. HTTP_X_REAL_IP).
if os.environ.get("CLIENT_IP_HEADER"):
    RATELIMIT_IP_META_KEY = os.environ["CLIENT_IP_HEADER"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secret links (a sign-up's token) are redacted on every handler (portal/log_redaction.py);
    # gunicorn's own logs get the same filter from portal/gunicorn.conf.py.
    "filters": {"redact_secrets": {"()": "portal.log_redaction.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        # runserver's request lines, as Django logs them by default, redacted.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Background-task bookkeeping (one line per search-index update) is noise at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}


def require_env(name):
    """Read a variable that production cannot run without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value
