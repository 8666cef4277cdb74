"""The test suite: fast hashing, memory cache, plain static storage, media in a temp folder."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Pages are rendered afresh in tests, which change content inside transactions that never commit;
# tests/portal/test_page_cache.py turns the page cache on where it is the subject.
PAGE_CACHE_SECONDS = 0
# Likewise what pages derive from content (so a test's query counts do not depend on what an
# earlier request left); tests/home/test_memo.py turns it on.
CONTENT_MEMO = False
# Uploads stay in a temporary folder even when MEDIA_S3_* is exported in the shell: the tests
# that use object storage start their own local stub (tests/portal/test_uploads_s3.py).
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
MEDIA_URL = "/media/"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# SMS go to stations.sms.outbox (tests read and clear it), never to a provider.
SMS_SENDER = "stations.sms.MemorySender"
SMS_SENDER_OPTIONS = {}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the finders; no collectstatic needed here.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory default: the sign-up concurrency tests open a connection per
    # thread, and connections sharing an in-memory database fail with "database table is locked"
    # instead of waiting their turn. Named per process so parallel runs never share one; without
    # fsync the file is as fast to build and use as memory.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"portal-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;"
    )

# The suite searches the database index wherever it runs; the Elasticsearch path has its own
# module, tests/search/test_elasticsearch_live.py, which uses ELASTICSEARCH_URL when it is set.
WAGTAILSEARCH_BACKENDS = {"default": DATABASE_SEARCH}  # noqa: F405
