"""What the data-rights tests share: a volunteer with sign-ups and registrations of every kind,
another resident's rows beside them, and the fresh-code step."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from stations.models import Volunteer
from stations.signup import mark_attendance, sign_up
from stations.volunteers import limits
from stations.volunteers.session import COOKIE_NAME, SIGNED_IN_KEY, VolunteerSessionStore
from tests.factories.stations import (
    ActivityPageFactory,
    StationPageFactory,
    VolunteerRegistrationFactory,
)
from tests.stations.volunteers.signing_in import MOBILE, build_site, sign_in

DATA = "/volunteer/data/"
CONFIRM = "/volunteer/data/confirm/"
DOWNLOAD = "/volunteer/data/download/"
DOWNLOAD_JSON = "/volunteer/data/download/json/"
DOWNLOAD_CSV = "/volunteer/data/download/csv/"
NAME_PAGE = "/volunteer/data/name/"
WITHDRAW = "/volunteer/data/withdraw/"
DELETE = "/volunteer/data/delete/"
DELETED = "/volunteer/data/deleted/"
ACTIONS = (DOWNLOAD, NAME_PAGE, WITHDRAW, DELETE)

NAME = "陈小明"
HEALTH = "有慢性病，可参加轻体力服务"
SKILLS = "护理\n驾驶"
OTHER_MOBILE = "13900000000"
OTHER_NAME = "李四海"
OTHER_HEALTH = "身体健康"


def build_place() -> dict:
    """build_site's station and activities, a second station, and an activity that is over."""
    place = build_site()
    now = timezone.now()
    place["past"] = ActivityPageFactory(
        parent=place["activities"],
        station=place["station"],
        title="上月义诊",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=3),
    )
    index = place["station"].get_parent()
    place["station_b"] = StationPageFactory(parent=index, title="猎德街社工站", slug="liede")
    place["labels"] = {f.label: f.clean_name for f in place["form_page"].form_fields.all()}
    return place


def answers(place, *, name=NAME, mobile=MOBILE, health=HEALTH, skills=SKILLS) -> dict:
    labels = place["labels"]
    given = {
        "姓名": name,
        "手机号码": mobile,
        "年龄": "35",
        "政治面貌": "群众",
        "可服务时间": ["周末"],
        "健康状况": health,
        "专业技能": skills,
    }
    return {labels[label]: value for label, value in given.items()}


def registration(place, station, **given):
    consent = given.pop("sensitive_consent", True)
    return VolunteerRegistrationFactory(
        page=place["form_page"],
        station=station,
        name=given.get("name", NAME),
        mobile=given.get("mobile", MOBILE),
        sensitive_consent=consent,
        form_data=answers(place, **given),
    )


def make_rows(place) -> dict:
    """The volunteer's rows (an upcoming and a past sign-up, two registrations with a sensitive
    answer) and another resident's (a sign-up and a registration)."""
    past = place["past"]
    before = past.starts_at - timedelta(days=2)
    rows = {
        "upcoming": sign_up(activity=place["activity"], name=NAME, mobile=MOBILE).signup,
        "past": sign_up(activity=past, name=NAME, mobile=MOBILE, now=before).signup,
        "registration": registration(place, place["station"]),
        "registration_b": registration(place, place["station_b"]),
        "other_signup": sign_up(
            activity=place["activity"], name=OTHER_NAME, mobile=OTHER_MOBILE
        ).signup,
        "other_registration": registration(
            place,
            place["station"],
            name=OTHER_NAME,
            mobile=OTHER_MOBILE,
            health=OTHER_HEALTH,
            skills="摄影",
        ),
    }
    mark_attendance(rows["past"], True)
    return rows


def signed_in_with_rows(client, place) -> tuple[Volunteer, dict]:
    rows = make_rows(place)
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    Volunteer.objects.filter(pk=volunteer.pk).update(name=NAME)
    volunteer.name = NAME
    clear_limits()
    return volunteer, rows


def clear_limits():
    """The minute between codes and the hourly counts: a test asks for several codes."""
    cache.clear()
    limits.clear_local_counts()


def make_stale(client, minutes=16):
    """As if the code was entered `minutes` ago."""
    store = VolunteerSessionStore(client.cookies[COOKIE_NAME].value)
    store[SIGNED_IN_KEY] = store[SIGNED_IN_KEY] - minutes * 60
    store.save()
