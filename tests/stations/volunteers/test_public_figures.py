"""What the public sees of service records: aggregates on the home band and station pages, and
names only for volunteers who opted in to a station's honour list."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from home.figures import service_figures
from stations.models import StationVolunteer, Volunteer
from stations.volunteers import public_figures
from tests.factories.records import confirmed_record, past_activity, volunteer
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.volunteers.signing_in import MOBILE, build_site, sign_in

pytestmark = pytest.mark.django_db


@shared_fixture
def place():
    return build_site()


def serve(place, person, n=1, hours_long=3):
    for i in range(n):
        activity = past_activity(
            index=place["activities"],
            station=place["station"],
            days_ago=3 + i,
            hours_long=hours_long,
        )
        confirmed_record(activity=activity, volunteer=person)


def test_the_station_page_shows_aggregates_and_no_names(client, place):
    serve(place, volunteer("13900001111", "张晓明"), n=2)
    serve(place, volunteer("13900002222", "王秀英"), n=1)
    page = client.get(place["station"].url).content.decode()
    assert "累计服务时长（小时）" in page
    assert ">9<" in page  # 3 records of 3 hours
    assert "有服务记录的志愿者" in page
    assert "张晓明" not in page and "王秀英" not in page


def test_only_opted_in_volunteers_appear_and_can_withdraw(client, place):
    zhang = volunteer("13900001111", "张晓明")
    serve(place, zhang)
    serve(place, volunteer("13900002222", "王秀英"))
    public_figures.set_honour_list(volunteer=zhang, station_ids={place["station"].pk})
    page = client.get(place["station"].url).content.decode()
    assert "光荣榜" in page and "张晓明" in page and "王秀英" not in page
    public_figures.set_honour_list(volunteer=zhang, station_ids=set())
    assert "张晓明" not in client.get(place["station"].url).content.decode()


def test_station_figures_cost_the_same_for_few_or_many(place):
    serve(place, volunteer("13900001111", "张晓明"))
    with captured_queries() as few:
        public_figures.station_service(place["station"])
    for i in range(5):
        serve(place, volunteer(f"1390000300{i}", f"志愿者{i}"), n=2)
    with captured_queries() as many:
        found = public_figures.station_service(place["station"])
    assert len(few) == len(many) == 1
    assert found.volunteers == 6 and found.hours_in_all == Decimal("33.0")


def test_the_home_band_counts_hours_and_volunteers(client, place):
    serve(place, volunteer("13900001111", "张晓明"), n=2)
    figures = {f.label: f.count for f in service_figures()}
    assert figures["累计服务时长（小时）"] == 6
    assert figures["有服务记录的志愿者"] == 1
    page = client.get("/").content.decode()
    assert "累计服务时长（小时）" in page


def test_the_honour_page_saves_only_stations_with_hours(client, place):
    cache.clear()
    sign_in(client)
    me = Volunteer.objects.get(mobile=MOBILE)
    me.name = "陈小明"
    me.save(update_fields=["name"])
    serve(place, me)
    page = client.get("/volunteer/honour/").content.decode()
    assert place["station"].title in page
    response = client.post(
        "/volunteer/honour/", {"station": [str(place["station"].pk), "abc", "99999999"]}
    )
    assert response.status_code == 303
    assert StationVolunteer.objects.get(volunteer=me).honour_list is True
    client.post("/volunteer/honour/", {})
    assert StationVolunteer.objects.get(volunteer=me).honour_list is False


def test_the_station_page_costs_the_same_for_few_or_many_records(client, place):
    url = place["station"].url
    serve(place, volunteer("13900001111", "张晓明"))
    client.get(url)
    with captured_queries() as few:
        client.get(url)
    for i in range(4):
        person = volunteer(f"1390000400{i}", f"志愿者{i}")
        serve(place, person, n=3)
        public_figures.set_honour_list(volunteer=person, station_ids={place["station"].pk})
    client.get(url)  # new pages clear Wagtail's cached site roots: warm them again
    with captured_queries() as many:
        client.get(url)
    # The honour list comes with the figures: nothing more once someone is on it, nor per name.
    assert len(many) == len(few)
    # Wagtail's routing takes 8 of these (issue 16 is where routing gets cheaper).
    assert len(many) <= 21
