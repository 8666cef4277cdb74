"""The activity form as the admin's browser posts it, for the station managers' tests."""

import datetime

from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data

from tests.factories.stations import ActivityCategoryFactory, next_week_at


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def activity_form(*, station, action: str = "", **overrides) -> dict:
    """The add/edit form's fields for an activity of `station`; `action` is "action-submit",
    "action-publish" or "" (save a draft)."""
    starts = next_week_at()
    fields = {
        "title": "社区清洁日",
        "slug": "clean-up",
        "station": station.pk,
        "category": ActivityCategoryFactory(name="环境卫生").pk,
        "starts_at": local(starts),
        "ends_at": local(starts + datetime.timedelta(hours=2)),
        "capacity": "20",
        "waitlist_enabled": "on",
        "summary": "清理公共区域",
        "description": "{}",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        **overrides,
    }
    if action:
        fields[action] = action
    return nested_form_data(fields)
