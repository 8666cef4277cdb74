"""Demo volunteers: residents who have signed in with their mobile, so their sign-ups and
registrations at the demo stations carry a 志愿者编号.

Five of them, with sign-ups in every state a manager meets (confirmed, waitlisted, cancelled, a
past one attended) and registrations at one or two stations, so a demo station's manager sees
numbers on their rows and nothing of the same volunteer elsewhere. Their mobiles are in the
made-up range 139 0000 00xx (DEMO_MOBILES). To sign in as one, ask for a code at
/volunteer/login/: with the development ConsoleSender the code is printed on the runserver
console (sign_in_note()).

A second run creates nothing new: each volunteer is found by mobile, each sign-up by activity
and mobile (whatever its state), each registration by station and mobile.

There is no removal of demo content: demo rows are told apart by is_demo on pages, and demo
volunteers by their mobile range (demo_volunteers()). A volunteer's row is never deleted (its
number must never be issued again); removing them would mean erasing them as any volunteer is.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from stations import signup
from stations.demo.activities import (
    PAST_OFFSETS,
    SHAPES,
    STATIONS_WITH_ACTIVITIES,
    UPCOMING_OFFSETS,
)
from stations.models import (
    ActivityPage,
    ActivitySignup,
    RegistrationFormPage,
    TeamLevel,
    Volunteer,
    VolunteerRegistration,
)
from stations.volunteers import accounts

logger = logging.getLogger(__name__)

# 139 0000 00xx: the right format for the input policy, made up for the demo only.
DEMO_MOBILE_PREFIX = "139000000"
CONFIRMED, WAITLISTED, CANCELLED, ATTENDED = "confirmed", "waitlisted", "cancelled", "attended"
# Room left that an upcoming activity must have for the demo volunteers to be confirmed there.
ROOM = 3


@dataclass(frozen=True)
class DemoVolunteer:
    name: str
    mobile: str
    registrations: tuple[int, ...]  # indexes into the demo stations
    signups: tuple[tuple[int, str], ...]  # (station index, what becomes of the sign-up)
    age: str
    politics: str
    times: tuple[str, ...]
    skills: str = ""
    health: str = ""  # given only with the separate consent


VOLUNTEERS = (
    DemoVolunteer(
        "陈晓红",
        DEMO_MOBILE_PREFIX + "01",
        registrations=(0,),
        signups=((0, CONFIRMED), (0, ATTENDED)),
        age="42",
        politics="中共党员",
        times=("周末",),
        skills="护士，可量血压、做健康咨询",
        health="身体健康",
    ),
    DemoVolunteer(
        "林志强",
        DEMO_MOBILE_PREFIX + "02",
        registrations=(1,),
        signups=((1, CONFIRMED), (3, WAITLISTED)),
        age="28",
        politics="共青团员",
        times=("工作日晚上", "周末"),
        skills="电脑维修",
    ),
    DemoVolunteer(
        "黄丽娟",
        DEMO_MOBILE_PREFIX + "03",
        # Two stations: each one's manager sees only their own row of her.
        registrations=(0, 2),
        signups=((0, CONFIRMED), (2, CANCELLED)),
        age="35",
        politics="群众",
        times=("工作日白天",),
    ),
    DemoVolunteer(
        "张伟明",
        DEMO_MOBILE_PREFIX + "04",
        registrations=(3,),
        signups=((3, ATTENDED), (3, CONFIRMED)),
        age="61",
        politics="中共党员",
        times=("工作日白天", "周末"),
        skills="退休教师，可辅导功课",
    ),
    DemoVolunteer(
        "李秀英",
        DEMO_MOBILE_PREFIX + "05",
        registrations=(1,),
        signups=((1, ATTENDED), (3, WAITLISTED)),
        age="55",
        politics="群众",
        times=("周末",),
        health="有慢性病，可参加轻体力服务",
    ),
)
DEMO_MOBILES = tuple(volunteer.mobile for volunteer in VOLUNTEERS)


def demo_volunteers():
    return Volunteer.objects.filter(mobile__in=DEMO_MOBILES)


# --- which activity -----------------------------------------------------------------------------


def _slot(station_no: int, outcome: str) -> int | None:
    """Which of a station's demo activities (stations/demo/activities.py lays them out) a sign-up
    with this outcome goes to: read from that layout, not from the database, so every run picks
    the same one. The latest that fits, so it is still ahead when load_demo runs again later."""
    if station_no >= STATIONS_WITH_ACTIVITIES:
        return None
    if outcome == ATTENDED:
        return len(PAST_OFFSETS) - 1
    for n in reversed(range(len(PAST_OFFSETS), len(PAST_OFFSETS) + len(UPCOMING_OFFSETS))):
        capacity, taken, waitlist, opens_later = SHAPES[(station_no + n) % len(SHAPES)]
        if opens_later:
            continue
        if outcome == WAITLISTED and waitlist and taken >= capacity:
            return n
        if outcome in (CONFIRMED, CANCELLED) and taken + ROOM <= capacity:
            return n
    return None


def _activity(station, station_no: int, outcome: str) -> ActivityPage | None:
    n = _slot(station_no, outcome)
    if n is None:
        return None
    return ActivityPage.objects.filter(station=station, slug=f"{station.slug}-{n + 1}").first()


# --- rows ---------------------------------------------------------------------------------------


def _sign_up(person: DemoVolunteer, activity: ActivityPage, outcome: str) -> bool:
    """One sign-up, unless this mobile already has one at the activity (in any state)."""
    if ActivitySignup.objects.filter(activity=activity, mobile=person.mobile).exists():
        return False
    # A past activity is signed up for as the others were: two days before it.
    now = activity.starts_at - datetime.timedelta(days=2) if outcome == ATTENDED else None
    try:
        with transaction.atomic():
            made = signup.sign_up(
                activity=activity, name=person.name, mobile=person.mobile, now=now
            )
            if outcome == CANCELLED:
                signup.cancel(token=made.token)
            elif outcome == ATTENDED:
                signup.mark_attendance(made.signup, True)
    except signup.SignupRefused as refused:
        # Only on a site whose demo activities were made long before: they may have begun.
        logger.info("Demo volunteer not signed up for %s: %s", activity.title, refused.message)
        return False
    return True


def _answers(form_page: RegistrationFormPage, person: DemoVolunteer, team) -> dict:
    by_label = {
        "姓名": person.name,
        "手机号码": person.mobile,
        "年龄": person.age,
        "政治面貌": person.politics,
        "可服务时间": list(person.times),
        "专业技能": person.skills,
        "健康状况": person.health,
        "加入的队伍": team.name if team else "",
    }
    return {
        field.clean_name: by_label[field.label]
        for field in form_page.form_fields.all()
        if field.label in by_label
    }


def _register(person: DemoVolunteer, station, form_page: RegistrationFormPage) -> bool:
    if VolunteerRegistration.objects.filter(station=station, mobile=person.mobile).exists():
        return False
    team = station.teams.exclude(level=TeamLevel.CORPS).first()
    VolunteerRegistration.objects.create(
        page=form_page,
        station=station,
        team=team,
        name=person.name,
        mobile=person.mobile,
        sensitive_consent=bool(person.health),
        form_data=_answers(form_page, person, team),
    )
    return True


def ensure_volunteer(person: DemoVolunteer, stations, form_page, report) -> Volunteer:
    created = not Volunteer.objects.filter(mobile=person.mobile).exists()
    rows = 0
    for station_no in person.registrations:
        if station_no < len(stations) and form_page is not None:
            rows += _register(person, stations[station_no], form_page)
    for station_no, outcome in person.signups:
        if station_no >= len(stations):
            continue
        activity = _activity(stations[station_no], station_no, outcome)
        if activity is not None:
            rows += _sign_up(person, activity, outcome)
    # As when the resident first enters a code sent to the number: the volunteer is made and
    # the number's rows become theirs.
    volunteer = accounts.volunteer_for_verified_mobile(mobile=person.mobile)
    accounts.set_name_once(volunteer=volunteer, name=person.name)
    report.record(created or bool(rows), f"演示志愿者 {person.name}（{volunteer.number}）")
    return volunteer


def load_volunteers(stations, report) -> list[Volunteer]:
    """The demo volunteers, their registrations and sign-ups at the demo stations."""
    form_page = RegistrationFormPage.objects.filter(slug="register").order_by("path").first()
    return [ensure_volunteer(person, stations, form_page, report) for person in VOLUNTEERS]


def sign_in_note() -> str:
    """The line load_demo prints: how a developer signs in as a demo volunteer."""
    mobiles = f"{DEMO_MOBILES[0]}–{DEMO_MOBILES[-1][-2:]}"
    login = f"{settings.WAGTAILADMIN_BASE_URL}/volunteer/login/"
    if settings.SMS_SENDER.endswith(".ConsoleSender"):
        where = "the console SMS sender prints the code in the runserver console"
    else:
        sender = settings.SMS_SENDER.rsplit(".", 1)[-1]
        where = (
            f"SMS_SENDER is {sender}, which would text these made-up numbers: use the default "
            "ConsoleSender to see their codes in the runserver console"
        )
    return (
        f"Demo volunteers: {len(DEMO_MOBILES)}, mobiles {mobiles}; sign in at {login} "
        f"with one: {where}."
    )
