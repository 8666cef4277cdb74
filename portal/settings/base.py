"""Settings shared by every environment.

Safe for production on its own: DEBUG is off, secrets and hosts come only from the environment,
and each integration (PostgreSQL, Redis, Elasticsearch) turns on when its variable is set.
"""

import os
import re
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
    # First, so it compresses what every other middleware leaves (portal/compression.py).
    "portal.compression.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    # Content-Security-Policy on every response, static files included (portal/csp.py).
    "portal.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # ETags, 304s, Cache-Control and the anonymous page cache (portal/page_cache.py): after the
    # CSRF middleware, which renews a resident's token cookie on a cached page too.
    "portal.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.volunteer, from the volunteer's own session cookie (stations/volunteers/session.py).
    "stations.volunteers.middleware.VolunteerSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Content-Security-Policy (django-csp; portal/csp.py adds to it at start-up) ---------------
# Public pages run only the site's own script files: no inline script, event handler or style
# attribute, no eval (JSON-LD blocks are data, never run, and need nothing). At start-up the
# middleware adds the map tile hosts (MAP_TILES) and, when MEDIA_URL is absolute, the media host;
# the Wagtail admin gets its looser policy from portal.csp.ADMIN_REPLACE. Enforced in every
# settings module; CSP_REPORT_ONLY=true only reports, and CSP_REPORT_URI (an https:// URL or a
# path) is where browsers send the reports. (Django settings named CSP_* are django-csp 3's, which
# version 4 refuses, so those two names stay environment variables.)
_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
from portal.csp import report_uri_directive  # noqa: E402 (kept inside this block)

_CONTENT_SECURITY_POLICY["DIRECTIVES"].update(
    report_uri_directive(os.environ.get("CSP_REPORT_URI", ""))
)
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CONTENT_SECURITY_POLICY
else:
    CONTENT_SECURITY_POLICY = _CONTENT_SECURITY_POLICY
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None
# The admin loads nothing from other hosts either: no Gravatar avatars (blocked in mainland China,
# and they send a hash of each editor's e-mail), no browser-side check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

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
elif os.environ.get("DATABASE_PREPARE_THRESHOLD"):
    # PostgreSQL: let psycopg prepare statements run this many times on a connection (the
    # sign-up statement asks to be prepared at once: stations/signup.py). Off by default, as in
    # Django, for connection poolers that cannot keep prepared statements (PgBouncer in
    # transaction mode before 1.21).
    if not os.environ["DATABASE_PREPARE_THRESHOLD"].isdigit():
        raise ImproperlyConfigured("DATABASE_PREPARE_THRESHOLD takes a whole number, e.g. 5.")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = int(
        os.environ["DATABASE_PREPARE_THRESHOLD"]
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
# Where LOGGING's once-per-30-seconds filter sits (django-redis would log on django_redis.cache).
DJANGO_REDIS_LOGGER = "django_redis"

# Cache: Redis when REDIS_URL is set (shared by every app process), else per-process memory.
# Whole pages go in a cache of their own ("pages"), so a flood of them never evicts the rate
# limits' counters from the default one (on Redis: the same server, its own key prefix).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": redis_cache(os.environ["REDIS_URL"]),
        "pages": redis_cache(os.environ["REDIS_URL"]) | {"KEY_PREFIX": "portal-pages"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# The page cache for residents who are not signed in (portal/page_cache.py): how long a page is
# kept (0: not at all; every change an editor makes drops it at once anyway), and how long the
# pages showing live figures are (places left, confirmed hours, upcoming activities).
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_LIVE_SECONDS = int(os.environ.get("PAGE_CACHE_LIVE_SECONDS", "30"))
# What pages derive from content alone (a URL's page, a station's checklist, teams, photos and
# stories), kept in each process until the content version changes (home/base/memo.py).
CONTENT_MEMO = os.environ.get("CONTENT_MEMO", "1") != "0"

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
# --- Uploads (images and documents) -----------------------------------------------------------
# Only renditions are public: MEDIA_URL + "images/…", named after their original and filter; no
# upload overwrites a name in use, so caches may keep them a year (MEDIA_CACHE_CONTROL).
# Originals (original_images/) are never linked; documents are served only by Wagtail's view
# (/documents/<id>/<name>), which checks their privacy, whatever the storage (serve_view below).
# Two storages, chosen by the environment (README "Uploads"):
# - the file system under MEDIA_ROOT (default, one machine): nginx serves the renditions itself
#   (portal/deploy/nginx.conf) and the app serves them too, as a fallback (portal/media.py);
# - S3-compatible object storage (阿里云 OSS, 腾讯云 COS, MinIO, AWS S3) through django-storages
#   when MEDIA_S3_BUCKET is set, for several app machines; MEDIA_URL is then the bucket's (or its
#   CDN's) address, and the bucket grants public read on images/ only.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
MEDIA_S3_REQUIRED = (
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION",
    "MEDIA_S3_ACCESS_KEY_ID",
    "MEDIA_S3_SECRET_ACCESS_KEY",
    "MEDIA_S3_ADDRESSING_STYLE",
)
MEDIA_S3_OPTIONAL = ("MEDIA_S3_CUSTOM_DOMAIN", "MEDIA_S3_LOCATION")
_S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_URL_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


def media_storage(environ) -> tuple[dict, str]:
    """The default storage and MEDIA_URL for these environment variables.

    The file system unless MEDIA_S3_BUCKET is set; then every MEDIA_S3_* variable in
    MEDIA_S3_REQUIRED must be set and valid, else ImproperlyConfigured now, at start-up, rather
    than a failed upload later. Any MEDIA_S3_* without the bucket is refused the same way.
    """
    values = {name: environ.get(name, "").strip() for name in MEDIA_S3_REQUIRED + MEDIA_S3_OPTIONAL}
    if not values["MEDIA_S3_BUCKET"]:
        stray = [name for name, value in values.items() if value]
        if stray:
            raise ImproperlyConfigured(
                f"{', '.join(stray)} set without MEDIA_S3_BUCKET: set the bucket to store uploads "
                "in object storage, or unset them to keep uploads in MEDIA_ROOT."
            )
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "/media/"
    missing = [name for name in MEDIA_S3_REQUIRED if not values[name]]
    if missing:
        raise ImproperlyConfigured(
            f"MEDIA_S3_BUCKET is set, so {', '.join(missing)} must be set too (README, Uploads)."
        )
    bucket, style = values["MEDIA_S3_BUCKET"], values["MEDIA_S3_ADDRESSING_STYLE"]
    if not _S3_BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            "MEDIA_S3_BUCKET must be a bucket name: 3-63 lowercase letters, digits, dots, hyphens."
        )
    if style not in ("virtual", "path"):
        raise ImproperlyConfigured(
            "MEDIA_S3_ADDRESSING_STYLE must be virtual (阿里云 OSS, 腾讯云 COS, AWS S3) "
            "or path (MinIO)."
        )
    from home.base.inputs import service_address

    endpoint = service_address(values["MEDIA_S3_ENDPOINT_URL"])
    if endpoint is None:
        raise ImproperlyConfigured(
            "MEDIA_S3_ENDPOINT_URL must be the service's address and nothing else, "
            "e.g. https://s3.oss-cn-guangzhou.aliyuncs.com or http://127.0.0.1:9000."
        )
    location = values["MEDIA_S3_LOCATION"].strip("/")
    if not _URL_PATH.fullmatch(location) or ".." in location.split("/") or "//" in location:
        raise ImproperlyConfigured("MEDIA_S3_LOCATION must be a folder path such as portal/media.")
    prefix = f"{location}/" if location else ""
    options = {
        "bucket_name": bucket,
        "endpoint_url": f"{endpoint.scheme}://{endpoint.netloc}",
        "region_name": values["MEDIA_S3_REGION"],
        "access_key": values["MEDIA_S3_ACCESS_KEY_ID"],
        "secret_key": values["MEDIA_S3_SECRET_ACCESS_KEY"],
        "location": location,
        # Never replace an object: a reused name would be served from caches with old content.
        "file_overwrite": False,
        # Objects take the bucket's policy (public read on images/ only), never an ACL of their own.
        "default_acl": None,
        # Plain, stable URLs: signed ones expire while pages that show them are still cached.
        "querystring_auth": False,
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
    }
    domain = values["MEDIA_S3_CUSTOM_DOMAIN"]
    if domain:
        # A CDN or bucket domain in front of the bucket: "media.example.cn", or with its scheme.
        scheme, _, rest = domain.rpartition("://")
        domain = rest.strip("/")
        host = domain.split("/", 1)[0]
        if scheme not in ("", "http", "https") or not host or not _URL_PATH.fullmatch(domain):
            raise ImproperlyConfigured(
                "MEDIA_S3_CUSTOM_DOMAIN must be a host name with an optional path, "
                "e.g. media.example.cn or https://cdn.example.cn/portal."
            )
        options |= {"custom_domain": domain, "url_protocol": f"{scheme or 'https'}:"}
        media_url = f"{scheme or 'https'}://{domain}/{prefix}"
    elif style == "path":
        media_url = f"{endpoint.scheme}://{endpoint.netloc}/{bucket}/{prefix}"
    else:
        media_url = f"{endpoint.scheme}://{bucket}.{endpoint.netloc}/{prefix}"

    from botocore.config import Config

    options["client_config"] = Config(
        signature_version="s3v4",
        s3={"addressing_style": style},
        # boto3 ≥ 1.36 adds CRC checksums to every upload by default, which OSS, COS and older
        # MinIO reject; send them only where the API requires them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        # A slow or unreachable store fails one upload or rendition in seconds, not a worker.
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    # django-storages' S3Storage, with its read errors made ones Wagtail degrades a page for.
    return {"BACKEND": "portal.media_storage.ObjectStorage", "OPTIONS": options}, media_url


_media_storage, MEDIA_URL = media_storage(os.environ)
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "社区志愿服务门户"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The font 志愿服务记录证明 PDFs embed (an OTF/TTF file with Chinese); empty: the packaged
# Noto Sans SC (stations/volunteers/certificate_pdf.py).
CERTIFICATE_FONT = os.environ.get("CERTIFICATE_FONT", "")
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
    # High-density screens (station-map.js): the provider's sharper tiles where it has them, as a
    # URL template of their own (高德: scale=2) or {r} in MAP_TILE_URL (Leaflet writes "@2x");
    # otherwise, with detect_retina, the next zoom level's tiles drawn at half size (four times
    # the tiles, smaller labels) rather than 256-pixel tiles blurred over twice the pixels.
    "retina_url": os.environ.get("MAP_TILE_RETINA_URL", ""),
    "detect_retina": env_bool("MAP_TILE_DETECT_RETINA", True),
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
# Activity check-in (签到/签退, stations/activities/checkin.py): the QR code's link works from
# this many minutes before the start to this many after the end; a check-in farther than
# CHECKIN_MAX_DISTANCE_M metres from the activity's place is flagged for the manager, never
# refused (a phone's location indoors is often hundreds of metres off).
CHECKIN_OPENS_BEFORE = 60
CHECKIN_CLOSES_AFTER = 60
CHECKIN_MAX_DISTANCE_M = 500
# 时间银行 (stations/volunteers/timebank/): points a confirmed hour earns, whole points, rounded
# down (Guangzhou: 1). The exchange level and the balance cap are editors' settings
# (ServiceLevelSettings); a changed rate applies to records when they next change.
TIMEBANK_POINTS_PER_HOUR = 1
# Behind a proxy, the request header holding the client address (e.g. HTTP_X_REAL_IP).
if os.environ.get("CLIENT_IP_HEADER"):
    RATELIMIT_IP_META_KEY = os.environ["CLIENT_IP_HEADER"]

# --- SMS (stations/sms/, README "SMS") ----------------------------------------------
# The sender class, like EMAIL_BACKEND. ConsoleSender (the default, for development) only writes
# each message, sign-in codes included, to the console, and with DEBUG off logs a warning each
# time: production must set SMS_SENDER=stations.sms.AliyunSender (阿里云短信服务) and
# its SMS_ALIYUN_* variables, which are checked here, at start-up (ImproperlyConfigured names
# what is missing). The test settings use MemorySender.
SMS_SENDER = os.environ.get("SMS_SENDER", "").strip() or "stations.sms.ConsoleSender"
# Whether sign-up and registration confirmations go by SMS too; the sign-in code always does.
SMS_NOTIFICATIONS = env_bool("SMS_NOTIFICATIONS")
from stations.sms import sender_options  # noqa: E402 (kept inside this block)

# The sender's own settings (keys, sign name, template codes, SMS_TIMEOUT), from the environment.
SMS_SENDER_OPTIONS = sender_options(SMS_SENDER, os.environ, notifications=SMS_NOTIFICATIONS)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secret links (a sign-up's token) are redacted on every handler (portal/log_redaction.py);
    # gunicorn's own logs get the same filter from portal/gunicorn.conf.py.
    "filters": {
        "redact_secrets": {"()": "portal.log_redaction.RedactSecrets"},
        "brief_refusals": {"()": "portal.log_filters.BriefRefusals"},
        "once_per_30_seconds": {"()": "portal.log_filters.OncePerInterval", "seconds": 30},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets", "brief_refusals"],
        },
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
        # Each cache call skipped while Redis is away: one line per 30 s is enough to know.
        "django_redis": {"filters": ["once_per_30_seconds"]},
        # The Elasticsearch client logs each retry and failed node with a traceback; the search
        # backend's own warning (one per fallback to the database) says what matters.
        "elastic_transport": {"level": "ERROR"},
    },
}


def require_env(name):
    """Read a variable that production cannot run without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value
