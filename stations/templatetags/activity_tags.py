"""The activity lists' when-line, formatted once per activity instead of by five date filters
(each converting to local time and parsing its format again: a sixth of an activity list's
rendering)."""

from django import template
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html

register = template.Library()


def _day_and_time(local) -> str:
    # The date filter's "Y年n月j日 D H:i".
    weekday = WEEKDAYS_ABBR[local.weekday()]
    return f"{local.year}年{local.month}月{local.day}日 {weekday} {local:%H:%M}"


@register.filter
def activity_when(activity):
    """`<time datetime="…">2026年5月1日 星期五 09:00</time>–11:30`, the end with its date when it
    falls on another day: the same text the date filters gave."""
    if activity.starts_at is None or activity.ends_at is None:
        return ""
    starts = timezone.localtime(activity.starts_at)
    ends = timezone.localtime(activity.ends_at)
    if ends.date() == starts.date():
        until = f"{ends:%H:%M}"
    else:
        until = f"{ends.month}月{ends.day}日 {ends:%H:%M}"
    return format_html(
        '<time datetime="{}">{}</time>–{}', starts.isoformat(), _day_and_time(starts), until
    )
