"""Demo activities at the demo stations: past and upcoming, some nearly full, some waitlisted.

Dates are set relative to the day `load_demo` first runs; a second run finds each activity by its
slug and creates nothing new. Sign-ups go through stations.signup, each with `now` set to when
it was made (before the activity began and before load_demo ran, see signup_times), so the tallies
are right. Their names and numbers are made up and marked as demo.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from stations import signup
from stations.models import ActivityCategory, ActivityIndexPage, ActivityPage, TeamLevel

ACTIVITY_INTRO = (
    "<p>社区志愿服务站点发布的志愿服务活动和志愿者培训。选一个合适的时间和地点，填写姓名和手机号即可报名；"
    "满员的活动可以候补，有人取消时按报名先后自动补上。</p>"
)


@dataclass(frozen=True)
class ActivityPlan:
    title: str
    category: str
    summary: str
    description: str
    hours: tuple[int, int]  # start and end hour of day


# Drawn from what the source documents say stations do: 学雷锋 service, elderly care, children's
# tutoring, waste sorting, civilised traffic guidance, disability support, emergency drills and the
# tiered volunteer training (市—区—街—社区四级志愿服务培训网络).
PLANS = [
    ActivityPlan(
        "学雷锋便民服务日",
        "社区治理",
        "义剪、量血压、小家电维修，为街坊提供便民服务",
        "<p>学雷锋便民服务日在站点门前设摊，提供义剪、测量血压、小家电维修、法律咨询等服务。</p>"
        "<p>欢迎有理发、护理、维修、法律等专长的志愿者报名，也欢迎没有专长的志愿者参与引导和登记。</p>",
        (9, 12),
    ),
    ActivityPlan(
        "长者探访与居家照顾",
        "养老服务",
        "两人一组探访独居长者，陪伴聊天、检查居家安全",
        "<p>由社工带领，两人一组上门探访辖区独居、空巢长者，陪伴聊天，检查燃气、电器等居家安全隐患，"
        "了解长者需要并反馈给站点。</p><p>首次参加的志愿者请提前 15 分钟到站点参加简短培训。</p>",
        (14, 17),
    ),
    ActivityPlan(
        "四点半课堂课业辅导",
        "儿童福利",
        "为困境儿童和双职工家庭孩子辅导功课",
        "<p>放学后在站点为社区困境儿童和双职工家庭的孩子辅导功课、开展阅读活动。</p>"
        "<p>适合有耐心、喜欢孩子的志愿者；大学生志愿者优先。</p>",
        (16, 18),
    ),
    ActivityPlan(
        "垃圾分类宣传与桶边督导",
        "环境卫生",
        "在小区投放点引导居民正确分类投放",
        "<p>在小区垃圾分类投放点值守，引导居民正确分类投放，发放宣传资料。</p>"
        "<p>请穿着便于活动的衣服，站点提供手套和马甲。</p>",
        (7, 9),
    ),
    ActivityPlan(
        "文明交通劝导",
        "文明引导",
        "在路口协助交警劝导行人和非机动车文明出行",
        "<p>在繁忙路口协助交通警察，劝导行人和非机动车遵守交通信号、文明出行。</p>"
        "<p>活动前由交警进行安全培训，请务必准时到场。</p>",
        (8, 10),
    ),
    ActivityPlan(
        "助残陪伴：康园工疗站手工课",
        "助残",
        "陪伴残障学员完成手工制作",
        "<p>到康园工疗站陪伴残障学员完成手工制作，协助老师开展课堂活动。</p>",
        (14, 16),
    ),
    ActivityPlan(
        "社区应急演练志愿服务",
        "应急",
        "协助开展消防疏散演练和应急知识宣传",
        "<p>协助社区居委会开展消防疏散演练，负责楼层引导、人员清点和应急知识宣传。</p>",
        (9, 11),
    ),
    ActivityPlan(
        "新志愿者入门培训",
        "培训",
        "志愿服务理念、服务礼仪和时间银行使用入门",
        "<p>面向新注册志愿者的入门培训：志愿服务理念和权益保障、服务礼仪与沟通技巧、"
        "“时间银行”登记和服务时长记录。</p><p>完成培训的志愿者可获得培训记录。</p>",
        (19, 21),
    ),
]

# How many demo stations get activities, and the day offsets (from today) of theirs.
STATIONS_WITH_ACTIVITIES = 10
PAST_OFFSETS = (-30, -9)
UPCOMING_OFFSETS = (2, 6, 13, 24)
# Shapes of upcoming activities, cycled: (capacity, sign-ups, waitlist on, opens later).
SHAPES = [
    (20, 6, True, False),  # plenty of room
    (10, 9, True, False),  # nearly full
    (6, 9, True, False),  # full, three on the waitlist
    (8, 8, False, False),  # full, no waitlist
    (15, 0, True, True),  # sign-up not open yet
    (12, 3, True, False),
]


def ensure_activity_index(home, report) -> ActivityIndexPage:
    from home.base.demo import ensure_child

    return ensure_child(
        home,
        ActivityIndexPage,
        slug="activities",
        report=report,
        title="志愿服务活动",
        intro=ACTIVITY_INTRO,
        show_in_menus=True,
        search_description="找一个合适的志愿服务活动或培训，在线报名、候补和取消",
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# Demo sign-ups arrive this far apart, the last of them no later than this before now.
SIGNUP_GAP = datetime.timedelta(minutes=7)
SIGNUP_LEAD = datetime.timedelta(minutes=5)


def signup_times(*, starts, count: int, now) -> list[datetime.datetime]:
    """When the demo sign-ups for an activity starting at `starts` were made, in order of
    arrival: two days before it, or, for an activity less than two days away, just before now;
    never in the future and never after the activity began."""
    last = min(starts - datetime.timedelta(days=2), now - SIGNUP_LEAD)
    return [last - SIGNUP_GAP * (count - 1 - n) for n in range(count)]


def _demo_signups(activity, count: int, *, first_number: int) -> None:
    times = signup_times(starts=activity.starts_at, count=count, now=timezone.now())
    for n, when in enumerate(times):
        signup.sign_up(
            activity=activity,
            name=f"演示报名者{first_number + n:03d}",
            # 199 0000 xxxx: a made-up number for demo rows only.
            mobile=f"1990000{(first_number + n) % 10000:04d}",
            now=when,
        )


def ensure_activities(index, stations, report) -> int:
    today = timezone.localdate()
    categories = {c.name: c for c in ActivityCategory.objects.all()}
    created = 0
    sequence = 0
    for station_no, station in enumerate(stations[:STATIONS_WITH_ACTIVITIES]):
        team = station.teams.exclude(level=TeamLevel.CORPS).first()
        offsets = PAST_OFFSETS + UPCOMING_OFFSETS
        for n, offset in enumerate(offsets):
            sequence += 1
            slug = f"{station.slug}-{n + 1}"
            plan = PLANS[(station_no + n) % len(PLANS)]
            title = f"{station.street.name}{plan.title}"
            if ActivityPage.objects.child_of(index).filter(slug=slug).exists():
                report.record(False, title)
                continue
            day = today + datetime.timedelta(days=offset + station_no % 3)
            starts, ends = _at(day, plan.hours[0]), _at(day, plan.hours[1])
            past = offset < 0
            capacity, taken, waitlist, opens_later = (
                (12, 10, True, False) if past else SHAPES[(station_no + n) % len(SHAPES)]
            )
            activity = ActivityPage(
                slug=slug,
                title=title,
                station=station,
                team=team,
                category=categories.get(plan.category) or categories[next(iter(categories))],
                starts_at=starts,
                ends_at=ends,
                capacity=capacity,
                waitlist_enabled=waitlist,
                signup_opens_at=(starts - datetime.timedelta(days=1)) if opens_later else None,
                summary=plan.summary,
                description=plan.description,
                is_demo=True,
            )
            # One transaction and one reference-index pass per activity, not one per row.
            with transaction.atomic(), disable_reference_index_auto_update():
                index.add_child(instance=activity)
                activity.save_revision().publish()
                _demo_signups(activity, taken, first_number=sequence * 20)
                if past:
                    _record_attendance(activity)
                ReferenceIndex.create_or_update_for_object(activity)
            report.record(True, title)
            created += 1
    return created


def _record_attendance(activity) -> None:
    # Most came, one did not: what a manager's attendance list looks like after the day.
    confirmed = list(activity.signups.filter(status="confirmed").order_by("pk"))
    for position, row in enumerate(confirmed):
        signup.mark_attendance(row, position != len(confirmed) - 1)


def load_activities(home, stations, report) -> None:
    index = ensure_activity_index(home, report)
    ensure_activities(index, stations, report)
