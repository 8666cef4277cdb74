"""Uploads: which storage the environment selects, and what the app itself serves of them.

Only image renditions are public (/media/images/…, with long cache headers); originals and
documents' files are never served from /media/, and documents go through Wagtail's view. The
same under gunicorn and nginx: test_uploads_servers.py; on object storage: test_uploads_s3.py.
"""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils.http import http_date
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from portal.media_storage import ObjectStorage
from portal.settings.base import (
    MEDIA_CACHE_CONTROL,
    MEDIA_S3_OPTIONAL,
    MEDIA_S3_REQUIRED,
    media_storage,
)
from stations import standard
from tests.factories.stations import StationPageFactory, make_station_site, set_checks

ROOT = Path(__file__).resolve().parents[2]

OSS = {
    "MEDIA_S3_BUCKET": "portal-media",
    "MEDIA_S3_ENDPOINT_URL": "https://s3.oss-cn-guangzhou.aliyuncs.com",
    "MEDIA_S3_REGION": "cn-guangzhou",
    "MEDIA_S3_ACCESS_KEY_ID": "LTAI-example",
    "MEDIA_S3_SECRET_ACCESS_KEY": "example-secret",
    "MEDIA_S3_ADDRESSING_STYLE": "virtual",
}


def png_bytes(size=(64, 48), colour=(200, 30, 40)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(name="站牌照片.png", title="石牌街志愿服务站站牌"):
    """An image as the admin's upload stores it."""
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(png_bytes()), name=name)
    )


# --- the storage the environment selects -------------------------------------------------------


def test_without_variables_uploads_stay_on_the_file_system():
    storage, media_url = media_storage({})
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_url == "/media/"


def test_object_storage_for_oss_is_public_only_by_bucket_policy_and_long_cached():
    storage, media_url = media_storage(OSS)
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "portal.media_storage.ObjectStorage"
    assert options["bucket_name"] == "portal-media"
    assert options["endpoint_url"] == "https://s3.oss-cn-guangzhou.aliyuncs.com"
    assert options["region_name"] == "cn-guangzhou"
    assert options["client_config"].s3 == {"addressing_style": "virtual"}
    assert options["client_config"].request_checksum_calculation == "when_required"
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None
    assert options["querystring_auth"] is False
    assert options["object_parameters"] == {"CacheControl": MEDIA_CACHE_CONTROL}
    assert media_url == "https://portal-media.s3.oss-cn-guangzhou.aliyuncs.com/"
    # The URLs the storage gives are plain (no expiring signature) and under MEDIA_URL.
    url = ObjectStorage(**options).url("images/a.max-480x320.png")
    assert url == media_url + "images/a.max-480x320.png"


def test_minio_path_style_and_a_folder_in_the_bucket():
    storage, media_url = media_storage(
        OSS
        | {
            "MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9000/",
            "MEDIA_S3_REGION": "us-east-1",
            "MEDIA_S3_ADDRESSING_STYLE": "path",
            "MEDIA_S3_LOCATION": "/portal/media/",
        }
    )
    assert media_url == "http://127.0.0.1:9000/portal-media/portal/media/"
    url = ObjectStorage(**storage["OPTIONS"]).url("images/a.png")
    assert url == media_url + "images/a.png"


@pytest.mark.parametrize(
    "domain, media_url",
    [
        ("cdn.example.cn", "https://cdn.example.cn/"),
        ("https://cdn.example.cn/portal/", "https://cdn.example.cn/portal/"),
        ("http://192.0.2.10:8080", "http://192.0.2.10:8080/"),
    ],
)
def test_a_custom_domain_becomes_media_url(domain, media_url):
    storage, found = media_storage(OSS | {"MEDIA_S3_CUSTOM_DOMAIN": domain})
    assert found == media_url
    assert ObjectStorage(**storage["OPTIONS"]).url("images/a.png") == media_url + "images/a.png"


@pytest.mark.parametrize(
    "environ, message",
    [
        (
            {"MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
            "MEDIA_S3_ENDPOINT_URL set without MEDIA_S3_BUCKET",
        ),
        (
            {"MEDIA_S3_BUCKET": "portal-media"},
            "MEDIA_S3_BUCKET is set, so MEDIA_S3_ENDPOINT_URL, MEDIA_S3_REGION, "
            "MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY, MEDIA_S3_ADDRESSING_STYLE "
            "must be set too",
        ),
        (
            OSS | {"MEDIA_S3_SECRET_ACCESS_KEY": "  "},
            "so MEDIA_S3_SECRET_ACCESS_KEY must be set too",
        ),
        (OSS | {"MEDIA_S3_BUCKET": "Portal_Media"}, "MEDIA_S3_BUCKET must be a bucket name"),
        (OSS | {"MEDIA_S3_ADDRESSING_STYLE": "auto"}, "MEDIA_S3_ADDRESSING_STYLE must be"),
        (
            OSS | {"MEDIA_S3_ENDPOINT_URL": "oss-cn-guangzhou.aliyuncs.com"},
            "MEDIA_S3_ENDPOINT_URL must be the service's address",
        ),
        (
            OSS
            | {"MEDIA_S3_ENDPOINT_URL": "https://s3.oss-cn-guangzhou.aliyuncs.com/portal-media"},
            "MEDIA_S3_ENDPOINT_URL must be the service's address",
        ),
        (OSS | {"MEDIA_S3_CUSTOM_DOMAIN": "ftp://cdn.example.cn"}, "MEDIA_S3_CUSTOM_DOMAIN must"),
        (OSS | {"MEDIA_S3_CUSTOM_DOMAIN": "cdn.example.cn/a b"}, "MEDIA_S3_CUSTOM_DOMAIN must"),
        (OSS | {"MEDIA_S3_LOCATION": "media/../other"}, "MEDIA_S3_LOCATION must be"),
    ],
)
def test_half_set_or_wrong_variables_are_refused(environ, message):
    with pytest.raises(ImproperlyConfigured) as error:
        media_storage(environ)
    assert message in str(error.value)


def test_production_refuses_to_start_with_half_set_object_storage():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIA_S3_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example.cn",
        "MEDIA_S3_BUCKET": "portal-media",
        "MEDIA_S3_ENDPOINT_URL": "https://cos.ap-guangzhou.myqcloud.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "MEDIA_S3_REGION, MEDIA_S3_ACCESS_KEY_ID" in result.stderr


def test_env_example_and_readme_list_every_storage_variable():
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("MEDIA_ROOT", *MEDIA_S3_REQUIRED, *MEDIA_S3_OPTIONAL):
        assert f"\n# {name}=" in env_example, name
        assert f"`{name}`" in readme, name


def test_documents_always_go_through_wagtails_view(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


# --- what the app serves from the file system --------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def rendition(db, media_root):
    """A rendition made the way the {% image %} tag makes it."""
    return upload_image().get_rendition("max-480x320")


def test_a_rendition_is_served_with_long_cache_headers(client, rendition):
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == MEDIA_CACHE_CONTROL
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    assert PILImage.open(io.BytesIO(body)).size == (64, 48)
    assert response["Content-Length"] == str(len(body))


def test_a_rendition_answers_conditional_gets_with_304(client, rendition):
    first = client.get(rendition.url)
    again = client.get(rendition.url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["Cache-Control"] == MEDIA_CACHE_CONTROL
    since = client.get(rendition.url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    older = client.get(rendition.url, headers={"If-Modified-Since": http_date(86400)})
    assert older.status_code == 200


def test_only_get_and_head(client, rendition):
    assert client.head(rendition.url).status_code == 200
    assert client.post(rendition.url).status_code == 405


def test_originals_and_documents_files_are_not_served(client, rendition, media_root):
    original = rendition.image.file.name
    assert original.startswith("original_images/")
    assert (media_root / original).is_file()
    document = get_document_model().objects.create(
        title="站点管理制度", file=ContentFile(b"station rules", name="rules.txt")
    )
    assert (media_root / document.file.name).is_file()
    for path in (f"/media/{original}", f"/media/{document.file.name}", "/media/", "/media/x"):
        assert client.get(path).status_code == 404, path
    # The document itself, through Wagtail's view, which checks its privacy.
    assert document.url == f"/documents/{document.pk}/rules.txt"
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"station rules"


def test_no_way_out_of_the_renditions_folder(client, rendition, media_root, tmp_path_factory):
    images = media_root / "images"
    original = Path(rendition.image.file.name).name
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(png_bytes())
    (images / "link.png").symlink_to(outside)
    (images / "page.html").write_text("<script>alert(1)</script>")
    (images / ".hidden.png").write_bytes(png_bytes())
    (images / "folder.png").mkdir()
    for path in (
        f"/media/images/../original_images/{original}",
        f"/media/images/%2e%2e%2foriginal_images%2f{original}",
        f"/media/images/..%5coriginal_images%5c{original}",
        "/media/images/link.png",
        "/media/images/page.html",
        "/media/images/.hidden.png",
        "/media/images/folder.png",
        "/media/images/missing.png",
        "/media/images/",
    ):
        assert client.get(path).status_code == 404, path


def test_nothing_is_served_from_media_on_object_storage(client, rendition, settings):
    storage, _media_url = media_storage(OSS)
    settings.STORAGES = settings.STORAGES | {"default": storage}
    # /media/ stays routed to the view, which serves only from the file system.
    assert client.get(rendition.url).status_code == 404


# --- templates link renditions, never originals ------------------------------------------------

TEMPLATE_FOLDERS = ("home", "portal", "search", "stations", "stories")


def test_no_template_links_an_uploaded_file_directly():
    """`.file.url` is an original image (not public) or a document's file (which would skip
    Wagtail's privacy check); templates link renditions and document.url instead."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in TEMPLATE_FOLDERS
        for path in sorted((ROOT / folder).rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.file\.url\b", line)
    ]
    assert found == []


def test_a_stations_evidence_photo_links_a_large_rendition(db, client, media_root):
    index, areas = make_station_site()
    station = set_checks(StationPageFactory(parent=index, street=areas["shipai"]))
    check = station.standard_checks.get(item=standard.ITEMS[0])
    check.evidence_image = upload_image()
    check.save()
    html = client.get(station.url).content.decode()
    links = re.findall(r'<a href="([^"]+)"><img src="(/media/images/[^"]+)"', html)
    assert len(links) == 1
    large, small = links[0]
    assert ".max-1600x1600." in large and ".max-480x320." in small
    assert client.get(large).status_code == 200
