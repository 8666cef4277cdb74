"""A resident opens a station: what it offers, where, the 七个有 with evidence, how to join."""

import datetime

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from stations import standard
from stations.models import RegistrationFormPage, StationPhoto, TeamLevel, VolunteerTeam
from tests.factories.stations import StationPageFactory, make_station_index, set_checks
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def station_index(site_tree):
    home_page, _policies = site_tree
    return make_station_index(home_page)


@shared_fixture
def station(station_index):
    return StationPageFactory(parent=station_index, title="石牌街学雷锋志愿服务站")


def test_station_page_shows_what_a_resident_needs(client, station):
    set_checks(station)
    html = client.get(station.url).content.decode()
    for text in (
        "石牌街学雷锋志愿服务站",
        "学雷锋志愿服务站",
        "广州市天河区石牌街龙口西路1号",
        "天河区 石牌街",
        "周一至周五 9:00–17:30",
        'href="tel:02012345678"',
        "“七个有”达标",
    ):
        assert text in html
    valid_until = standard.check_expires(timezone.localdate()).isoformat()
    assert f"有效期至 {valid_until}" in html
    assert html.count('class="checklist__item checklist__item--ok"') == 7


def test_failing_station_says_why_per_item(client, station):
    old = timezone.localdate() - datetime.timedelta(days=500)
    set_checks(station, checked_on=old)
    html = client.get(station.url).content.decode()
    assert "“七个有”未达标" in html
    assert f"“有统一标识”上次核查于 {old.isoformat()}，已超过 12 个月" in html
    assert html.count("核查已过期") == 7


def test_station_without_checks_is_not_up_to_standard(client, station):
    html = client.get(station.url).content.decode()
    assert "“七个有”未达标" in html
    assert "未具备“有统一标识”" in html and "未具备“有志愿服务活动”" in html


def test_station_links_to_registration_with_itself_chosen(client, station, home_page):
    form_page = home_page.add_child(
        instance=RegistrationFormPage(
            title="志愿者注册", slug="register", privacy_notice="<p>说明</p>"
        )
    )
    html = client.get(station.url).content.decode()
    assert f'href="{form_page.url}?station={station.pk}"' in html


def test_without_a_registration_form_there_is_no_dead_link(client, station):
    html = client.get(station.url).content.decode()
    assert "报名成为本站志愿者" not in html


def test_demo_station_says_it_is_demo(client, station_index):
    demo = StationPageFactory(parent=station_index, is_demo=True)
    assert "这是演示数据" in client.get(demo.url).content.decode()


def test_teams_and_photos_render_in_a_fixed_number_of_queries(client, station_index):
    Image = get_image_model()

    def station_with(n):
        station = StationPageFactory(parent=station_index)
        for i in range(n):
            station.teams.add(VolunteerTeam(name=f"第{i}小队", level=TeamLevel.SQUAD))
            image = Image.objects.create(title=f"照片{i}", file=get_test_image_file())
            station.photos.add(StationPhoto(image=image, alt_text=f"照片{i}"))
        set_checks(station)
        client.get(station.url)  # renditions are made on first view
        with captured_queries() as queries:
            response = client.get(station.url)
        assert response.status_code == 200
        return len(queries)

    assert station_with(1) == station_with(6)
