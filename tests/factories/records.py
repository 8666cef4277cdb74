"""Volunteers with service records, for the records, levels, certificates and 时间银行 tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from stations import hours
from stations.models import EntryKind, HoursBasis, RecordStatus, Volunteer
from stations.volunteers.accounts import volunteer_for_verified_mobile
from tests.factories.stations import ActivityPageFactory


def volunteer(mobile="13900001111", name="张晓明") -> Volunteer:
    person = volunteer_for_verified_mobile(mobile=mobile)
    if name and person.name != name:
        person.name = name
        person.save(update_fields=["name"])
    return person


def past_activity(*, index, station, days_ago=10, hours_long=3, **fields):
    """An activity that took place `days_ago` days ago, from 9:00 for `hours_long` hours."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9))
    return ActivityPageFactory(
        parent=index,
        station=station,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours_long),
        **fields,
    )


def confirmed_record(*, activity, volunteer, hours_given=None, by=None):
    """A record opened and confirmed directly through stations/hours.py (no permission check,
    no points: for tests of what reads records)."""
    record = hours.open_record(activity=activity, volunteer=volunteer)
    given = Decimal(str(hours_given)) if hours_given is not None else record.hours
    hours.append(
        record=record,
        kind=EntryKind.CONFIRMED,
        hours=given,
        content=record.content,
        status=RecordStatus.CONFIRMED,
        basis=HoursBasis.MANUAL if hours_given is not None else record.basis,
        by=by,
    )
    return record
