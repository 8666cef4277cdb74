"""The object storage uploads use when MEDIA_S3_BUCKET is set (portal/settings/base.py).

django-storages' S3 storage, with one change: an object store that cannot be reached while a page
needs a new rendition degrades that page instead of breaking it. Wagtail's {% image %} tag shows a
broken image for an original it cannot open (it catches SourceImageIOError, which it raises for an
OSError on opening), but boto3's connection and server errors are not OSErrors, so they would end
the page with a 500. Here they become one. Renditions made before the outage need no call to the
store at all: their URLs are built from the database. An upload the store cannot take raises
StorageUnavailable, which the error handler (portal/views.py) answers with the 503 page ("try
again shortly"), as it does a database outage.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)


class StorageUnavailable(OSError):
    """The object store could not be reached or refused the request."""


class ObjectStorage(S3Storage):
    def save(self, name, content, max_length=None):
        # The whole save: finding a free name asks the store first.
        try:
            return super().save(name, content, max_length=max_length)
        except (BotoCoreError, ClientError) as error:
            logger.error("Object storage: could not save %s: %s", name, error)
            raise StorageUnavailable(f"Object storage: could not save {name}: {error}") from error

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except (BotoCoreError, ClientError) as error:
            logger.warning("Object storage: could not open %s: %s", name, error)
            raise OSError(f"Object storage: could not open {name}: {error}") from error
