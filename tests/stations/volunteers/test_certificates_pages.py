"""志愿服务记录证明's pages: the public verification (only its list of facts), the lookup by
number and code, and the volunteer's own requests and downloads."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from stations.models import CertificateRequest, CertificateRequestStatus, ServiceCertificate
from stations.volunteers.certificates import revoke_certificate
from tests.shared_data import shared_fixture
from tests.stations.volunteers.certificate_world import MOBILE, NAME, build_world, issue
from tests.stations.volunteers.signing_in import HOME, sign_in

pytestmark = pytest.mark.django_db

MINE = "/volunteer/certificates/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@shared_fixture
def world():
    return build_world()


def verify_url(certificate) -> str:
    return f"/v/{certificate.verify_code}/"


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.find("<main") : html.find("</main>")]


# --- the public verification page ---------------------------------------------------------------


def test_verification_shows_its_facts_and_nothing_else(client, world):
    certificate = issue(world)
    response = client.get(verify_url(certificate))
    assert response.status_code == 200
    page = main_of(response)
    for shown in ("证明有效", certificate.number, world["a"].title, "张*明", "9.5 小时"):
        assert shown in page, shown
    assert f"{certificate.issued_on:%Y}年" in page
    html = response.content.decode()
    hidden = [NAME, world["person"].number, MOBILE, "李主任", "王经办", "020-12345678"]
    hidden += [row["title"] for row in certificate.activities]
    hidden += [row["content"] for row in certificate.activities]
    for secret in hidden:
        assert secret not in html, secret
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_revoked_certificate_says_so_with_date_and_reason(client, world):
    certificate = issue(world)
    revoke_certificate(certificate=certificate, by=world["manager_a"], reason="服务时长有误")
    page = main_of(client.get(verify_url(certificate)))
    assert "证明已撤销" in page and "证明有效" not in page
    assert "服务时长有误" in page
    assert f"{certificate.revoked_at:%Y}年" in page
    assert certificate.number in page


@pytest.mark.parametrize("code", ["ABCDEFGHJK", "not-a-code", "0000000000", "Ａ" * 10, "x" * 300])
def test_an_unknown_code_is_a_chinese_404(client, world, code):
    issue(world)
    response = client.get(f"/v/{code}/")
    assert response.status_code == 404
    assert "没有找到核验码" in response.content.decode()


def test_a_code_typed_in_lower_case_goes_to_its_page(client, world):
    certificate = issue(world)
    response = client.get(f"/v/{certificate.verify_code.lower()}/")
    assert response.status_code == 302 and response["Location"] == verify_url(certificate)


def test_signed_in_visitors_pages_are_cached_privately(client, world):
    certificate = issue(world)
    client.force_login(world["manager_a"])
    cache_control = client.get(verify_url(certificate))["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control


def test_lookup_needs_the_number_and_the_code_together(client, world):
    certificate = issue(world)
    blank = client.get("/v/")
    assert blank.status_code == 200 and 'name="number"' in blank.content.decode()
    typed = {"number": certificate.number.lower(), "code": certificate.verify_code}
    found = client.get("/v/", typed)
    assert found.status_code == 302 and found["Location"] == verify_url(certificate)
    alone = client.get("/v/", {"number": certificate.number})
    assert alone.status_code == 400 and "核验码" in alone.content.decode()
    wrong = client.get("/v/", {"number": certificate.number, "code": "ABCDEFGHJK"})
    assert wrong.status_code == 404 and "都相符" in wrong.content.decode()
    for secret in (NAME, world["person"].number):
        assert secret not in wrong.content.decode()


# --- the volunteer's own pages ------------------------------------------------------------------


@pytest.fixture
def me(client, world):
    cache.clear()
    sign_in(client, mobile=MOBILE)
    return world["person"]


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(MINE)
    assert response.status_code == 302 and "/volunteer/login/" in response["Location"]


def test_home_links_to_the_certificates(client, me):
    assert MINE in client.get(HOME).content.decode()


def test_the_form_offers_only_stations_with_confirmed_hours(client, me, world):
    page = client.get(MINE).content.decode()
    assert "private" in client.get(MINE)["Cache-Control"]
    assert f'value="{world["a"].pk}"' in page and f'value="{world["b"].pk}"' in page
    assert "已确认 9.5 小时" in page


def test_asking_for_a_certificate(client, me, world):
    response = client.post(MINE, {"station": world["a"].pk, "purpose": "评优"})
    assert response.status_code == 303
    asked = CertificateRequest.objects.get()
    assert (asked.volunteer, asked.station, asked.purpose) == (me, world["a"], "评优")
    page = client.get(response["Location"]).content.decode()
    assert "已向" in page and asked.get_status_display() in page
    again = client.post(MINE, {"station": world["a"].pk})
    assert again.status_code == 400 and "已向这个站点申请过" in again.content.decode()
    assert CertificateRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"station": ""}, "请选择站点"),
        ({"station": "999999"}, "请从列表中选择"),
        ({"station": "１"}, "请从列表中选择"),
        ({"period_start": "2026-03-05", "period_end": "2026-03-01"}, "截止日期不能早于起始日期"),
        ({"period_start": "2001-01-01", "period_end": "2001-02-01"}, "还没有已确认的服务时长"),
        ({"purpose": "评\u202e优"}, "控制字符"),
    ],
)
def test_a_bad_request_gets_a_chinese_message_and_stores_nothing(client, me, world, data, message):
    data = {"station": world["a"].pk, **data}
    response = client.post(MINE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CertificateRequest.objects.count() == 0


def test_my_certificates_download_and_nobody_elses(client, me, world):
    mine = issue(world)
    other = issue(world, station="b", by="manager_b")
    page = client.get(MINE).content.decode()
    assert mine.number in page and verify_url(mine) in page
    response = client.get(f"/volunteer/certificates/{mine.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    revoke_certificate(certificate=other, by=world["manager_b"], reason="重复")
    assert client.get(f"/volunteer/certificates/{other.pk}/pdf/").status_code == 404
    assert client.get(f"/volunteer/certificates/{10**30}/pdf/").status_code == 404


def test_someone_elses_certificate_is_not_found(client, world):
    certificate = issue(world)
    cache.clear()
    sign_in(client, mobile="13900009999")
    assert client.get(f"/volunteer/certificates/{certificate.pk}/pdf/").status_code == 404
    assert certificate.number not in client.get(MINE).content.decode()


@override_settings(CERTIFICATE_FONT="/nonexistent/font.otf")
def test_without_a_font_the_volunteer_is_told_not_shown_a_500(client, me, world):
    certificate = issue(world)
    response = client.get(f"/volunteer/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 503
    assert "暂时无法生成" in response.content.decode()


def test_an_issued_request_shows_on_my_page(client, me, world):
    asked = CertificateRequest.objects.create(volunteer=me, station=world["a"])
    certificate = issue(world, request=asked)
    asked.refresh_from_db()
    assert asked.status == CertificateRequestStatus.ISSUED
    page = client.get(MINE).content.decode()
    assert f"已出具证明 {certificate.number}" in page
    assert ServiceCertificate.objects.count() == 1
