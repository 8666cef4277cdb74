"""The activity lists' when-line (stations/templatetags/activity_tags.py) says exactly what the
five date filters it replaced said, for any start and end."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from stations.templatetags.activity_tags import activity_when

BEFORE = Template(
    "<time datetime=\"{{ activity.starts_at|date:'c' }}\">"
    '{{ activity.starts_at|date:"Y年n月j日 D H:i" }}'
    '</time>–{% if activity.ends_at|date:"Ymd" == activity.starts_at|date:"Ymd" %}'
    '{{ activity.ends_at|date:"H:i" }}{% else %}{{ activity.ends_at|date:"n月j日 H:i" }}{% endif %}'
)
UTC = ZoneInfo("UTC")
moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
).map(lambda moment: moment.replace(microsecond=0, tzinfo=UTC))


@settings(max_examples=300, deadline=None)
@given(starts=moments, length=st.integers(min_value=0, max_value=5 * 24 * 60))
def test_the_same_text_as_the_date_filters(starts, length):
    activity = SimpleNamespace(
        starts_at=starts, ends_at=starts + datetime.timedelta(minutes=length)
    )
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert str(activity_when(activity)) == BEFORE.render(Context({"activity": activity}))


def test_an_activity_in_shanghai_reads_as_residents_expect():
    shanghai = timezone.get_current_timezone()
    starts = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=shanghai)
    same_day = SimpleNamespace(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    overnight = SimpleNamespace(starts_at=starts, ends_at=starts + datetime.timedelta(days=1))
    with translation.override("zh-hans"):
        assert str(activity_when(same_day)) == (
            '<time datetime="2026-05-01T09:00:00+08:00">2026年5月1日 星期五 09:00</time>–11:00'
        )
        assert str(activity_when(overnight)).endswith("–5月2日 09:00")
    assert activity_when(SimpleNamespace(starts_at=None, ends_at=None)) == ""
