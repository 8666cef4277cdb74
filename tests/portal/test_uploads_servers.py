"""Uploaded images in production: gunicorn under portal.settings.production renders a page with
an uploaded image, and its rendition is fetched the way a browser fetches it — from gunicorn
alone, from the shipped nginx configuration in front of it, and from object storage.

The servers read the test database (committed, so the tests are transactional) and the media
folder the test uploads to. Static files are collected once per run, as production needs them.
"""

import fcntl
import http.client
import io
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Collection

from portal.benchmarking.database import current_database_url
from portal.benchmarking.load import Request, send
from portal.benchmarking.server import GunicornServer, free_port
from portal.settings.base import MEDIA_CACHE_CONTROL, media_storage
from tests.factories.home import ensure_wagtail_root
from tests.factories.stories import StoryPageFactory, make_story_site
from tests.portal.test_uploads import upload_image
from tests.portal.test_uploads_s3 import LocalS3, fetch

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "portal" / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx")
OPENSSL = shutil.which("openssl")
MIME_TYPES = Path("/etc/nginx/mime.types")  # Debian's nginx package

pytestmark = pytest.mark.django_db(transaction=True)

COVER = re.compile(r'<figure class="figure story-cover"><img [^>]*src="([^"]+)"')


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT with collectstatic's manifest, which production's storage requires; made once
    for all xdist workers of this run."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    target = shared / "uploads-static"
    with open(shared / "uploads-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "staticfiles.json").is_file():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=os.environ | production_env(STATIC_ROOT=str(target)),
                check=True,
                timeout=300,
            )
    return target


def production_env(**more) -> dict[str, str]:
    """What a deployment sets, with every integration off unless `more` turns it on."""
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "uploads-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": "",
        "ELASTICSEARCH_URL": "",
        "SECURE_SSL_REDIRECT": "false",
    }
    env |= {name: "" for name in os.environ if name.startswith("MEDIA_S3_")}
    return env | more


def server_database_url() -> str:
    """The test database this process is connected to, for a server started beside it."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return current_database_url()


@pytest.fixture
def production_gunicorn(transactional_db, collected_static):
    """Start gunicorn under production settings with `env` laid over production_env()."""
    servers = []

    def start(**env) -> GunicornServer:
        server = GunicornServer(
            settings_module="portal.settings.production",
            env=production_env(
                DATABASE_URL=server_database_url(), STATIC_ROOT=str(collected_static), **env
            ),
            workers=1,
            cwd=ROOT,
            name="test-uploads",
        )
        servers.append(server.start())
        server.wait_until_ready("/robots.txt", timeout=60)
        return server

    yield start
    for server in servers:
        server.stop()
        server.remove_log()


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def story_with_cover():
    """A published story whose cover is an uploaded image, and a document: (the story's path,
    the document)."""
    ensure_wagtail_root()
    if Collection.get_first_root_node() is None:  # flushed by an earlier transactional test
        Collection.add_root(name="Root")
    _home, index = make_story_site()
    story = StoryPageFactory(parent=index, cover_image=upload_image(), cover_alt="站牌")
    document = get_document_model().objects.create(
        title="站点管理制度", file=ContentFile(b"station rules", name="rules.txt")
    )
    return story.url, document


def get(port: int, path: str, **headers):
    return send(Request("GET", path, headers=headers), port=port)


def cover_url(html: bytes) -> str:
    found = COVER.search(html.decode())
    assert found, "the story page shows no cover image"
    return found.group(1)


def test_gunicorn_alone_serves_the_rendition_a_page_shows(production_gunicorn, media_root):
    story_path, document = story_with_cover()
    server = production_gunicorn(MEDIA_ROOT=str(media_root))

    page = get(server.port, story_path)
    assert page.status == 200
    src = cover_url(page.body)
    assert src.startswith("/media/images/")
    assert (media_root / src.removeprefix("/media/")).is_file()  # gunicorn made it

    image = get(server.port, src)
    assert image.status == 200
    assert image.header("Content-Type") == "image/png"
    assert image.header("Cache-Control") == MEDIA_CACHE_CONTROL
    assert image.header("X-Content-Type-Options") == "nosniff"
    assert PILImage.open(io.BytesIO(image.body)).format == "PNG"
    again = get(server.port, src, **{"If-None-Match": image.header("ETag")})
    assert again.status == 304 and again.body == b""

    image_name = re.sub(r"^.*/", "", src)
    originals = sorted(p.name for p in (media_root / "original_images").iterdir())
    assert originals and image_name not in originals
    assert get(server.port, f"/media/original_images/{originals[0]}").status == 404
    assert get(server.port, f"/media/{document.file.name}").status == 404
    served = get(server.port, document.url)
    assert served.status == 200 and served.body == b"station rules"


# --- nginx in front ---------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\$\{(PORTAL_[A-Z_]+)\}")


def render_nginx_conf(values: dict[str, str]) -> str:
    """portal/deploy/nginx.conf with its ${PORTAL_…} values filled in, as envsubst does."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    named = set(PLACEHOLDER.findall(text))
    assert named == set(values), named ^ set(values)
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class Nginx:
    """nginx in the foreground with the shipped server block, under a temporary prefix."""

    def __init__(self, prefix: Path, *, upstream: str, media_root: Path):
        self.prefix = prefix
        self.https_port, self.http_port = free_port(), free_port()
        self.certificate, key = prefix / "cert.pem", prefix / "key.pem"
        subprocess.run(
            [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
            + ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
            + ["-addext", "subjectAltName=IP:127.0.0.1"]
            + ["-keyout", str(key), "-out", str(self.certificate)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        self.access_log = prefix / "access.log"
        site = render_nginx_conf(
            {
                "PORTAL_SERVER_NAME": "127.0.0.1",
                "PORTAL_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "PORTAL_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "PORTAL_TLS_CERTIFICATE": str(self.certificate),
                "PORTAL_TLS_CERTIFICATE_KEY": str(key),
                "PORTAL_UPSTREAM": upstream,
                "PORTAL_MEDIA_ROOT": str(media_root),
                "PORTAL_ACCESS_LOG": str(self.access_log),
            }
        )
        (prefix / "portal.conf").write_text(site, encoding="utf-8")
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "temp" / folder).mkdir(parents=True)
        temp = prefix / "temp"
        # What Debian's /etc/nginx/nginx.conf gives a site file, pointed into the prefix. As
        # root, workers run as root too, so that they can read pytest's private temp folders.
        (prefix / "nginx.conf").write_text(
            f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/portal.conf;
}}
""",
            encoding="utf-8",
        )
        command = [NGINX, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")]
        checked = subprocess.run(
            [*command, "-t", "-e", str(prefix / "error.log")], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [*command, "-e", str(prefix / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.tls = ssl.create_default_context(cafile=str(self.certificate))
        self.wait_until_listening()

    def wait_until_listening(self, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited: {(self.prefix / 'error.log').read_text()}")
            try:
                self.get("/robots.txt")
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("nginx did not answer")

    def get(self, path: str, **headers):
        """GET over HTTPS, the certificate checked; (status, lower-cased headers, body)."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.tls, timeout=30
        )
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def nginx(tmp_path):
    started = []

    def start(**options) -> Nginx:
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        started.append(Nginx(prefix, **options))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.mark.skipif(
    not (NGINX and OPENSSL and MIME_TYPES.is_file()),
    reason="nginx and openssl are not installed (apt-get install nginx openssl)",
)
def test_nginx_serves_renditions_and_refuses_other_uploads(production_gunicorn, nginx, media_root):
    story_path, document = story_with_cover()
    app = production_gunicorn(MEDIA_ROOT=str(media_root), CLIENT_IP_HEADER="HTTP_X_REAL_IP")
    front = nginx(upstream=f"127.0.0.1:{app.port}", media_root=media_root)

    status, headers, html = front.get(story_path)
    assert status == 200
    # nginx told the app the request came over HTTPS: HSTS is only sent on secure requests.
    assert "strict-transport-security" in headers and "x-frame-options" in headers
    src = cover_url(html)

    status, headers, body = front.get(src)
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert headers["cache-control"] == MEDIA_CACHE_CONTROL
    assert headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]
    assert "x-frame-options" not in headers  # nginx answered from MEDIA_ROOT, not the app
    assert PILImage.open(io.BytesIO(body)).format == "PNG"
    status, headers, _body = front.get(src, **{"If-None-Match": headers["etag"]})
    assert status == 304

    original = next((media_root / "original_images").iterdir()).name
    for path in (
        f"/media/original_images/{original}",
        f"/media/{document.file.name}",
        f"/media/images/../original_images/{original}",
        f"/media/images/%2e%2e/original_images/{original}",
        "/media/",
        "/media/images/",
    ):
        assert front.get(path)[0] in (403, 404), path
    status, _headers, body = front.get(document.url)
    assert status == 200 and body == b"station rules"

    # Plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", front.http_port, timeout=10)
    plain.request("GET", story_path)
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location").startswith("https://127.0.0.1")
    plain.close()

    # The access log keeps no secret link, in the request or the referrer.
    front.get("/activities/x/signups/secret-token-abc/", Referer="https://h/signups/secret-ref/")
    front.get("/admin/password_reset/confirm/MQ/secret-reset-1/?next=/")
    front.stop()
    log = front.access_log.read_text()
    assert "/activities/x/signups/[redacted]/" in log and "https://h/signups/[redacted]/" in log
    assert "/admin/password_reset/confirm/MQ/[redacted]/?next=/" in log
    assert not re.search("secret-(token|ref|reset)", log)
    assert src in log


# --- object storage ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bucket():
    s3 = LocalS3(bucket="portal-media-servers")
    s3.allow_public_renditions("site-b")
    yield s3
    s3.stop()


def test_gunicorn_with_object_storage_links_renditions_in_the_bucket(
    production_gunicorn, bucket, settings
):
    host, port = bucket.server.get_host_and_port()
    variables = bucket.environ(
        MEDIA_S3_LOCATION="site-b",
        # A CDN in front of the bucket; here the bucket's own address stands in for it.
        MEDIA_S3_CUSTOM_DOMAIN=f"http://{host}:{port}/{bucket.bucket}",
    )
    storage, media_url = media_storage(variables)
    settings.STORAGES = settings.STORAGES | {"default": storage}
    settings.MEDIA_URL = media_url
    story_path, _document = story_with_cover()
    server = production_gunicorn(**variables)

    page = get(server.port, story_path)
    assert page.status == 200
    src = cover_url(page.body)
    assert src.startswith(f"http://{host}:{port}/{bucket.bucket}/site-b/images/")
    status, headers, body = fetch(src)
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert headers["cache-control"] == MEDIA_CACHE_CONTROL
    assert PILImage.open(io.BytesIO(body)).format == "PNG"
    # The app serves nothing from /media/ when the uploads are in the bucket.
    assert get(server.port, "/media/" + src.split("/site-b/", 1)[1]).status == 404
