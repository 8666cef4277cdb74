"""星级 by confirmed hours against the editors' thresholds, with the date each was reached."""

from decimal import Decimal

import pytest

from stations.models import ServiceLevelSettings
from stations.volunteers import levels
from tests.factories.records import confirmed_record, past_activity, volunteer
from tests.factories.stations import make_activity_site

pytestmark = pytest.mark.django_db

DEFAULTS = [100, 300, 600, 1000, 1500]


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        ("0", 0),
        ("99.5", 0),
        ("100", 1),
        ("299.5", 1),
        ("300", 2),
        ("600", 3),
        ("999.5", 3),
        ("1000", 4),
        ("1500", 5),
        ("9000", 5),
    ],
)
def test_each_threshold_is_reached_at_its_hours(hours, level):
    assert levels.level_for(Decimal(hours), DEFAULTS) == level


def test_defaults_are_the_national_figures():
    assert ServiceLevelSettings.load().thresholds() == DEFAULTS


def test_editors_thresholds_are_used_and_must_rise():
    settings = ServiceLevelSettings.load()
    settings.one_star, settings.two_star = 50, 40
    with pytest.raises(Exception) as refused:
        settings.full_clean()
    assert "高于前一星级" in str(refused.value)
    settings.two_star = 150
    settings.full_clean()
    settings.save()
    assert levels.thresholds()[:2] == [50, 150]


def test_progress_dates_each_level_and_counts_to_the_next():
    index, station, _areas = make_activity_site()
    settings = ServiceLevelSettings.load()
    settings.one_star, settings.two_star, settings.three_star = 2, 5, 8
    settings.four_star, settings.five_star = 10, 12
    settings.save()
    person = volunteer()
    first = confirmed_record(
        activity=past_activity(index=index, station=station, days_ago=20), volunteer=person
    )
    confirmed_record(
        activity=past_activity(index=index, station=station, days_ago=10), volunteer=person
    )
    found = levels.progress(person)
    assert (found.hours, found.level, found.name) == (Decimal("6.0"), 2, "二星志愿者")
    assert found.steps[0].reached_on is not None
    assert found.steps[0].reached_on <= found.steps[1].reached_on
    assert found.steps[2].reached_on is None
    assert (found.next_name, found.to_next) == ("三星志愿者", Decimal("2.0"))
    assert first.hours == Decimal("3.0")


def test_no_hours_no_level():
    found = levels.progress(volunteer())
    assert (found.level, found.name, found.to_next) == (0, "", Decimal("100"))
