"""The certificate admin: managers see their station's requests and certificates only, issue
with a form filled in for them, decline with a reply, download, export and revoke."""

import csv
import io

import pytest
from django.test import override_settings

from stations.models import CertificateRequest, CertificateRequestStatus, ServiceCertificate
from stations.volunteers.certificates import request_certificate
from stations.volunteers.models import CertificateSerial
from tests.admin_forms import table_of
from tests.shared_data import shared_fixture
from tests.stations.volunteers.certificate_world import NAME, build_world, issue

pytestmark = pytest.mark.django_db

REQUESTS = "/admin/stations/certificaterequest/"
CERTIFICATES = "/admin/stations/servicecertificate/"


@shared_fixture
def world():
    built = build_world()
    built["asked_a"] = request_certificate(volunteer=built["person"], station=built["a"])
    built["asked_b"] = request_certificate(volunteer=built["person"], station=built["b"])
    return built


def as_user(client, world, who):
    client.force_login(world[who])
    return client


def test_managers_list_their_stations_requests_only(client, world):
    table = table_of(as_user(client, world, "manager_a").get(REQUESTS))
    assert world["a"].title in table and world["b"].title not in table
    assert world["person"].number in table
    hidden = client.get(f"{REQUESTS}inspect/{world['asked_b'].pk}/")
    assert hidden.status_code == 404
    assert client.get(f"{REQUESTS}issue/{world['asked_b'].pk}/").status_code == 404
    assert client.get(f"{REQUESTS}?station__title__startswith=猎").status_code in (200, 302)


def test_a_viewer_of_every_station_sees_all_but_issues_none(client, world):
    table = table_of(as_user(client, world, "viewer").get(REQUESTS))
    assert world["a"].title in table and world["b"].title in table
    response = client.get(f"{REQUESTS}issue/{world['asked_a'].pk}/")
    assert response.status_code in (302, 403)
    assert not ServiceCertificate.objects.exists()


def test_the_request_page_shows_the_records_and_the_name(client, world):
    page = as_user(client, world, "manager_a").get(f"{REQUESTS}inspect/{world['asked_a'].pk}/")
    html = page.content.decode()
    assert NAME in html and "社区清洁日" in html and "9.5" in html
    assert world["person"].mobile not in html
    assert f"issue/{world['asked_a'].pk}/" in html


def test_the_issue_form_is_filled_in_for_the_manager(client, world):
    html = as_user(client, world, "manager_a").get(f"{REQUESTS}issue/{world['asked_a'].pk}/")
    html = html.content.decode()
    assert 'value="王经办"' in html  # 负责人 and 经办人: the manager's name
    assert 'value="020-12345678"' in html  # the station's phone
    assert "长者探访" in html


def test_issuing_from_the_admin(client, world):
    client = as_user(client, world, "manager_a")
    response = client.post(
        f"{REQUESTS}issue/{world['asked_a'].pk}/",
        {"person_in_charge": "李主任", "handled_by": "王经办", "contact": "020-12345678"},
    )
    certificate = ServiceCertificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CERTIFICATES}inspect/{certificate.pk}/"
    assert (certificate.person_in_charge, certificate.issued_by) == ("李主任", world["manager_a"])
    world["asked_a"].refresh_from_db()
    assert world["asked_a"].status == CertificateRequestStatus.ISSUED
    page = client.get(response["Location"]).content.decode()
    assert certificate.number in page and f"/v/{certificate.verify_code}/" in page
    # Issued once: the form is gone, a second POST issues nothing.
    again = client.post(
        f"{REQUESTS}issue/{world['asked_a'].pk}/",
        {"person_in_charge": "李主任", "handled_by": "王经办", "contact": "020-12345678"},
    )
    assert again.status_code == 302 and ServiceCertificate.objects.count() == 1
    next_time = issue(world)
    assert next_time.number.endswith("-0002")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person_in_charge": ""}, "请填写负责人"),
        ({"handled_by": "王\x1b经办"}, "控制字符"),
        ({"contact": "abc"}, "不是有效的电话号码"),
        ({"period_start": "2026-06-01", "period_end": "2026-05-01"}, "截止日期不能早于起始日期"),
        ({"period_start": "2001-01-01", "period_end": "2001-02-01"}, "没有已确认的服务时长"),
    ],
)
def test_bad_input_in_the_issue_form(client, world, data, message):
    data = {"person_in_charge": "李主任", "handled_by": "王经办", "contact": "020-12345678", **data}
    response = as_user(client, world, "manager_a").post(
        f"{REQUESTS}issue/{world['asked_a'].pk}/", data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ServiceCertificate.objects.exists() and not CertificateSerial.objects.exists()
    world["asked_a"].refresh_from_db()
    assert world["asked_a"].status == CertificateRequestStatus.OPEN


def test_declining_with_a_reply(client, world):
    client = as_user(client, world, "manager_a")
    url = f"{REQUESTS}decline/{world['asked_a'].pk}/"
    empty = client.post(url, {"reply": ""})
    assert empty.status_code == 400 and "请填写答复" in empty.content.decode()
    assert client.post(url, {"reply": "请先确认三月的记录"}).status_code == 302
    asked = CertificateRequest.objects.get(pk=world["asked_a"].pk)
    assert (asked.status, asked.reply) == (CertificateRequestStatus.DECLINED, "请先确认三月的记录")


def test_certificates_list_inspect_pdf_and_export(client, world):
    mine, theirs = issue(world), issue(world, station="b", by="manager_b")
    client = as_user(client, world, "manager_a")
    table = table_of(client.get(CERTIFICATES))
    assert mine.number in table and theirs.number not in table
    assert client.get(f"{CERTIFICATES}inspect/{theirs.pk}/").status_code == 404
    assert client.get(f"{CERTIFICATES}pdf/{theirs.pk}/").status_code == 404
    found = table_of(client.get(CERTIFICATES, {"q": mine.number.lower()}))
    assert mine.number in found
    pdf = client.get(f"{CERTIFICATES}pdf/{mine.pk}/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    exported = client.get(CERTIFICATES, {"export": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["证明编号"] for row in rows] == [mine.number]
    assert rows[0]["状态"] == "有效" and rows[0]["累计服务时长（小时）"] == "9.5"


@override_settings(CERTIFICATE_FONT="/nonexistent/font.otf")
def test_without_a_font_the_manager_reads_why(client, world):
    certificate = issue(world)
    client = as_user(client, world, "manager_a")
    response = client.get(f"{CERTIFICATES}pdf/{certificate.pk}/", follow=True)
    assert response.status_code == 200
    assert "CERTIFICATE_FONT" in response.content.decode()


def test_revoking_from_the_admin(client, world):
    certificate = issue(world)
    other = as_user(client, world, "manager_b")
    assert other.post(f"{CERTIFICATES}revoke/{certificate.pk}/", {"reason": "x"}).status_code == 404
    client = as_user(client, world, "manager_a")
    url = f"{CERTIFICATES}revoke/{certificate.pk}/"
    assert "撤销原因" in client.get(url).content.decode()
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "请填写撤销原因" in empty.content.decode()
    assert client.post(url, {"reason": "重复出具"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "重复出具"
    assert "已撤销" in table_of(client.get(CERTIFICATES))
    again = client.post(url, {"reason": "再撤销"}, follow=True)
    assert "已经撤销过" in again.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "重复出具"


def test_nobody_adds_edits_or_deletes_through_modeladmin(client, world):
    certificate = issue(world)
    client = as_user(client, world, "admin")
    for url in (
        f"{CERTIFICATES}create/",
        f"{CERTIFICATES}edit/{certificate.pk}/",
        f"{CERTIFICATES}delete/{certificate.pk}/",
        f"{REQUESTS}create/",
        f"{REQUESTS}delete/{world['asked_a'].pk}/",
    ):
        assert client.get(url).status_code in (302, 403, 404), url
    assert ServiceCertificate.objects.filter(pk=certificate.pk).exists()
