"""The 七个有 rules: all seven hold, each with evidence, none checked more than 12 months ago."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from stations import standard
from stations.models import StandardCheck
from tests.factories.home import make_site_tree
from tests.factories.stations import StationPageFactory, make_station_index, set_checks

TODAY = datetime.date(2026, 11, 23)


def checks(checked_on=TODAY, **overrides):
    """Seven holding checks; overrides map an item to (holds, checked_on)."""
    result = []
    for item in standard.ITEMS:
        holds, day = overrides.get(item.value, (True, checked_on))
        result.append(SimpleNamespace(item=item.value, holds=holds, checked_on=day))
    return result


def test_all_seven_fresh_meets_the_standard():
    result = standard.assess(checks(), today=TODAY)
    assert result.meets and result.reasons == []
    assert result.valid_until == datetime.date(2027, 11, 23)


def test_one_item_missing_or_not_holding_fails_with_its_name():
    partial = [c for c in checks() if c.item != "ledger"]
    result = standard.assess(partial, today=TODAY)
    assert not result.meets
    assert result.reasons == ["未具备“有工作台账”"]

    result = standard.assess(checks(sign=(False, TODAY)), today=TODAY)
    assert result.reasons == ["未具备“有统一标识”"]


def test_a_check_older_than_twelve_months_is_stale():
    exactly_a_year = datetime.date(2025, 11, 23)
    assert standard.assess(checks(exactly_a_year), today=TODAY).meets
    a_day_more = datetime.date(2025, 11, 22)
    result = standard.assess(checks(office=(True, a_day_more)), today=TODAY)
    assert not result.meets
    assert result.reasons == ["“有办公场所”上次核查于 2025-11-22，已超过 12 个月"]


def test_valid_until_is_the_oldest_check_plus_twelve_months():
    old = datetime.date(2026, 2, 28)
    assert standard.valid_until(checks(team=(True, old))) == datetime.date(2027, 2, 28)
    assert standard.valid_until(checks(team=(False, old))) is None
    leap = datetime.date(2024, 2, 29)
    assert standard.check_expires(leap) == datetime.date(2025, 2, 28)


def test_months_after_clamps_to_the_end_of_the_month():
    assert standard.months_after(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert standard.months_after(datetime.date(2026, 12, 15), 12) == datetime.date(2027, 12, 15)


@pytest.mark.parametrize("evidence", ["note", "image", "document"])
def test_any_one_kind_of_evidence_is_enough(evidence, db):
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    check = StandardCheck(item="sign", holds=True, checked_on=TODAY)
    if evidence == "note":
        check.evidence_note = "门口挂有统一标识牌"
    elif evidence == "image":
        check.evidence_image = Image.objects.create(title="标识", file=get_test_image_file())
    else:
        from django.core.files.base import ContentFile

        check.evidence_document = Document.objects.create(
            title="制度", file=ContentFile(b"rules", name="rules.txt")
        )
    check.clean()


def test_holding_without_evidence_is_refused_naming_the_item():
    check = StandardCheck(item="rules", holds=True, checked_on=TODAY, evidence_note="  ")
    with pytest.raises(ValidationError) as error:
        check.clean()
    assert "“有管理制度”标为已具备，但没有佐证" in str(error.value)


def test_holding_without_a_date_or_with_a_future_date_is_refused():
    with pytest.raises(ValidationError, match="请填写核查日期"):
        StandardCheck(item="team", holds=True, evidence_note="20 人").clean()
    future = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        StandardCheck(item="team", holds=True, evidence_note="20 人", checked_on=future).clean()


def test_not_holding_needs_no_evidence():
    StandardCheck(item="ledger", holds=False).clean()


@pytest.mark.django_db
def test_station_stores_how_long_it_meets_the_standard():
    home, _ = make_site_tree()
    station = StationPageFactory(parent=make_station_index(home))
    assert station.standard_valid_until is None and not station.meets_standard
    set_checks(station)
    station.refresh_from_db()
    assert station.meets_standard
    set_checks(station, checked_on=datetime.date.today() - datetime.timedelta(days=400))
    station.refresh_from_db()
    assert not station.meets_standard
    assert station.district.name == "天河区"
