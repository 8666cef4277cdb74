"""Uploads in S3-compatible object storage, against a local S3 server (moto's, on 127.0.0.1).

The storage is configured exactly as production builds it from MEDIA_S3_* variables
(portal.settings.base.media_storage); the rendition is then fetched from the server over HTTP,
as a browser fetches it from the bucket or its CDN.
"""

import http.client
import io
import json
import logging
from urllib.parse import urlsplit

import boto3
import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.template import Context, Template
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.documents import get_document_model

from portal.settings.base import MEDIA_CACHE_CONTROL, media_storage
from tests.portal.test_uploads import upload_image

BUCKET = "portal-media"


class LocalS3:
    """moto's S3 server on a port of 127.0.0.1 the system picks, with one bucket."""

    def __init__(self, bucket: str = BUCKET):
        # moto's server logs every request at INFO through werkzeug.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.bucket = bucket
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="portal-test",
            aws_secret_access_key="portal-test-secret",
        )
        self.client.create_bucket(Bucket=bucket)

    def allow_public_renditions(self, location: str = "") -> None:
        """The bucket policy the README asks for: anyone may read renditions, nothing else."""
        prefix = f"{location}/" if location else ""
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{self.bucket}/{prefix}images/*",
        }
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))

    def environ(self, **more) -> dict[str, str]:
        """The MEDIA_S3_* variables a MinIO-like deployment sets."""
        return {
            "MEDIA_S3_BUCKET": self.bucket,
            "MEDIA_S3_ENDPOINT_URL": self.endpoint,
            "MEDIA_S3_REGION": "us-east-1",
            "MEDIA_S3_ACCESS_KEY_ID": "portal-test",
            "MEDIA_S3_SECRET_ACCESS_KEY": "portal-test-secret",
            "MEDIA_S3_ADDRESSING_STYLE": "path",
            **more,
        }

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self):
        self.server.stop()


@pytest.fixture(scope="module")
def local_s3():
    s3 = LocalS3()
    s3.allow_public_renditions("site-a")
    yield s3
    s3.stop()


def fetch(url: str, headers=None) -> tuple[int, dict[str, str], bytes]:
    """GET an absolute http:// URL the way a browser would, with nothing but the URL."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture
def s3_storage(settings, local_s3):
    storage, media_url = media_storage(local_s3.environ(MEDIA_S3_LOCATION="site-a"))
    settings.STORAGES = settings.STORAGES | {"default": storage}
    settings.MEDIA_URL = media_url
    return media_url


@pytest.mark.django_db
def test_a_rendition_is_stored_in_the_bucket_and_fetched_from_it(s3_storage, local_s3):
    image = upload_image()
    rendition = image.get_rendition("fill-40x30")
    assert image.file.name.startswith("original_images/")
    assert f"site-a/{image.file.name}" in local_s3.object_keys()
    assert f"site-a/{rendition.file.name}" in local_s3.object_keys()

    assert rendition.url.startswith(s3_storage)
    assert s3_storage == f"{local_s3.endpoint}/{BUCKET}/site-a/"
    assert "?" not in rendition.url  # a plain URL, not one whose signature expires
    status, headers, body = fetch(rendition.url)
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert headers["cache-control"] == MEDIA_CACHE_CONTROL
    assert PILImage.open(io.BytesIO(body)).size == (40, 30)
    # The original is in the bucket, but the bucket's policy keeps it private.
    assert fetch(s3_storage + image.file.name)[0] == 403


@pytest.mark.django_db
def test_a_second_upload_of_the_same_name_never_replaces_the_first(s3_storage, local_s3):
    first, second = upload_image(name="same.png"), upload_image(name="same.png")
    assert first.file.name != second.file.name
    stored = set(local_s3.object_keys())
    assert {f"site-a/{first.file.name}", f"site-a/{second.file.name}"} <= stored


@pytest.mark.django_db
def test_a_document_in_the_bucket_is_served_by_wagtails_view(client, s3_storage, local_s3):
    document = get_document_model().objects.create(
        title="站点管理制度", file=ContentFile(b"station rules", name="rules.txt")
    )
    assert f"site-a/{document.file.name}" in local_s3.object_keys()
    # Not a link to the bucket: Wagtail's view, which checks the document's privacy.
    assert document.url == f"/documents/{document.pk}/rules.txt"
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"station rules"


@pytest.mark.django_db
def test_an_unreachable_store_shows_a_broken_image_not_an_error(settings, caplog):
    """{% image %} needing a new rendition while the store is down renders Wagtail's broken
    image (it handles an original it cannot open) instead of raising boto3's error."""
    store = LocalS3(bucket="portal-media-outage")
    storage, media_url = media_storage(store.environ())
    settings.STORAGES = settings.STORAGES | {"default": storage}
    settings.MEDIA_URL = media_url
    image = upload_image()
    store.stop()
    html = Template("{% load wagtailimages_tags %}{% image cover width-960 alt='站牌' %}").render(
        Context({"cover": image})
    )
    assert html == f'<img alt="站牌" height="0" src="{media_url}not-found" width="0">'
    assert "Object storage: could not open original_images/" in caplog.text


@pytest.mark.django_db
def test_an_upload_the_store_cannot_take_is_a_503_try_again(client, settings, django_user_model):
    """Not the plain 500 page: the editor is told to try again shortly, and nothing is stored."""
    from wagtail.images import get_image_model

    store = LocalS3(bucket="portal-media-upload-outage")
    storage, media_url = media_storage(store.environ())
    settings.STORAGES = settings.STORAGES | {"default": storage}
    settings.MEDIA_URL = media_url
    store.stop()
    client.raise_request_exception = False
    client.force_login(django_user_model.objects.create_superuser("uploader", "", "pw-up-123456"))
    png = wagtail_factories.ImageFactory.build().file
    response = client.post("/admin/images/add/", {"title": "站牌照片", "file": png})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "服务暂时不可用" in response.content.decode()
    assert not get_image_model().objects.filter(title="站牌照片").exists()
