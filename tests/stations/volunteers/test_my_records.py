"""我的服务记录 and the correction request, as the volunteer sees them."""

import pytest
from django.core.cache import cache

from stations.models import CorrectionRequest, Volunteer
from tests.factories.records import confirmed_record, past_activity
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.volunteers.signing_in import HOME, MOBILE, build_site, sign_in

pytestmark = pytest.mark.django_db

RECORDS = "/volunteer/records/"


@shared_fixture
def place():
    return build_site()


@pytest.fixture
def me(client, place):
    cache.clear()
    sign_in(client)
    person = Volunteer.objects.get(mobile=MOBILE)
    person.name = "张晓明"
    person.save(update_fields=["name"])
    return person


def add_records(place, person, n):
    return [
        confirmed_record(
            activity=past_activity(
                index=place["activities"], station=place["station"], days_ago=5 + i
            ),
            volunteer=person,
        )
        for i in range(n)
    ]


def test_signed_out_goes_to_sign_in(client, place):
    response = client.get(RECORDS)
    assert response.status_code == 302 and "/volunteer/login/" in response["Location"]


def test_home_shows_hours_and_the_way_to_the_next_level(client, me, place):
    add_records(place, me, 2)
    page = client.get(HOME).content.decode()
    assert "6 小时（已确认）" in page or "6</strong>" in page
    assert "再服务 94 小时可达一星志愿者" in page
    assert "查看我的服务记录" in page


def test_records_page_lists_every_record_and_levels(client, me, place):
    made = add_records(place, me, 3)
    response = client.get(RECORDS)
    page = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    for record in made:
        assert record.activity_title in page
    assert "一星志愿者" in page and "尚未达到" in page


def test_records_cost_the_same_queries_for_one_or_many(client, me, place):
    add_records(place, me, 1)
    with captured_queries() as one:
        client.get(RECORDS)
    add_records(place, me, 6)
    with captured_queries() as many:
        client.get(RECORDS)
    assert len(many) == len(one)
    assert len(many) <= 15


def test_a_correction_request_is_stored_once_with_its_reason(client, me, place):
    (record,) = add_records(place, me, 1)
    url = f"/volunteer/records/{record.pk}/correction/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"hours": "２", "reason": "提前一小时离开"})
    assert response.status_code == 303
    asked = CorrectionRequest.objects.get()
    assert (str(asked.hours), asked.reason) == ("2.0", "提前一小时离开")
    assert "更正申请待站点处理" in client.get(RECORDS).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "2", "reason": ""}, "请填写申请理由"),
        ({"hours": "2.2", "reason": "少记"}, "0.5 小时为单位"),
        ({"hours": "99", "reason": "少记"}, "不能超过"),
        ({"hours": "", "reason": "少\x00记"}, "申请理由"),
    ],
)
def test_a_bad_request_says_why_and_stores_nothing(client, me, place, data, message):
    (record,) = add_records(place, me, 1)
    response = client.post(f"/volunteer/records/{record.pk}/correction/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_another_volunteers_record_is_not_found(client, me, place):
    other = Volunteer.objects.create(number="V0000000000", mobile="13900009999")
    (record,) = add_records(place, other, 1)
    url = f"/volunteer/records/{record.pk}/correction/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get("/volunteer/records/99999999999999999999/correction/").status_code == 404


def test_my_home_costs_the_same_for_one_or_many_records(client, me, place):
    add_records(place, me, 1)
    client.get(HOME)
    with captured_queries() as one:
        client.get(HOME)
    add_records(place, me, 8)
    client.get(HOME)  # new pages clear Wagtail's cached site roots: warm them again
    with captured_queries() as many:
        client.get(HOME)
    assert len(many) == len(one) <= 15
