"""The whole service journey on a phone (390 px, real Chromium): check in and out by the
activity's link, the station confirms, the hours and the way to 一星 appear on 我的志愿服务, the
volunteer asks for a certificate and, once issued, opens its public verification page."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Collection

from stations.access import ensure_manager_user
from stations.activities import checkin
from stations.models import ActivityPage, CertificateRequest, CheckIn, RecordStatus, ServiceRecord
from stations.sms import outbox
from stations.volunteers import records
from stations.volunteers.certificates import issue_certificate
from stations.volunteers.session import COOKIE_NAME
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.stations.activities.checkin_helpers import sign_in, signed_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=SCREENSHOTS / f"journey-{name}.png", full_page=True)


def test_check_in_confirmed_hours_certificate_and_verification(
    live_server, phone, django_user_model
):
    cache.clear()
    outbox.clear()
    ensure_wagtail_root()
    if Collection.get_first_root_node() is None:  # flushed by an earlier transactional test
        Collection.add_root(name="Root")
    index, station, _areas = make_activity_site()
    now = timezone.now()
    activity = ActivityPageFactory(
        parent=index,
        station=station,
        title="石牌社区清洁日",
        starts_at=now + datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=4),
    )
    person = signed_up(activity, 1, name="张晓明")
    # Signed up beforehand; the activity began three hours ago and ends in half an hour.
    ActivityPage.objects.filter(pk=activity.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(minutes=30)
    )
    activity.refresh_from_db()
    page = phone
    page.context.add_cookies(
        [{"name": COOKIE_NAME, "value": sign_in(Client(), person), "url": live_server.url}]
    )

    page.goto(live_server.url + checkin.checkin_path(activity))
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("heading", name="签到成功")).to_be_visible()
    # As if the volunteer had scanned when the activity began, three hours ago.
    CheckIn.objects.filter(volunteer=person).update(checked_in_at=activity.starts_at)
    page.get_by_role("button", name="签退").click()
    expect(page.get_by_role("heading", name="签退成功")).to_be_visible()
    shot(page, "checked-out")

    record = ServiceRecord.objects.get(volunteer=person)
    assert record.status == RecordStatus.PENDING and str(record.hours) == "3.0"
    page.goto(live_server.url + "/volunteer/")
    expect(page.get_by_text("有 1 条服务记录等待站点确认。")).to_be_visible()

    ensure_manager_user(station=station, username="manager-journey")
    manager = django_user_model.objects.get(username="manager-journey")
    records.confirm(record=record, by=manager)
    page.reload()
    expect(page.locator(".volunteer__service")).to_contain_text("3")
    expect(page.get_by_text("再服务 97 小时可达一星志愿者")).to_be_visible()
    shot(page, "hours")

    page.get_by_role("link", name="申请和下载证明").click()
    page.get_by_label("向哪个站点申请").select_option(str(station.pk))
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text(f"已向“{station.title}”提交申请")).to_be_visible()
    certificate = issue_certificate(
        request=CertificateRequest.objects.get(),
        volunteer=person,
        station=station,
        by=manager,
        person_in_charge="李主任",
        handled_by="王经办",
        contact="020-12345678",
    )
    page.reload()
    page.get_by_role("link", name="核验页面").click()
    expect(page.get_by_text("证明有效")).to_be_visible()
    expect(page.locator("main")).to_contain_text(certificate.number)
    expect(page.locator("main")).to_contain_text("3 小时")
    expect(page.locator("main")).not_to_contain_text("张晓明")
    shot(page, "verified")
