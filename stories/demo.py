"""Demo stories drawn from the examples in the source documents (shared/seeds), for load_demo.

People named here are pseudonyms (化名), and the awards and years are for demonstration; every
story is marked as demo content and says so on its page.
"""

import datetime
import io
import json
from dataclasses import dataclass

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from home.base.demo import demo_collection
from stations.models import StationPage
from stories import review
from stories.models import Award, HonoreeKind, Occasion, StoryIndexPage, StoryPage

STORY_INTRO = (
    "<p>讲好新时代志愿故事：这里发布受到嘉许的优秀志愿者、志愿服务队伍、站点、组织和项目的故事。"
    "可按年度、奖项、嘉许对象和地区筛选，也可以订阅更新。</p>"
)


@dataclass(frozen=True)
class DemoStory:
    slug: str
    title: str
    summary: str
    kind: str
    honoree: str
    year: int
    date: datetime.date
    body: list  # (block type, value) pairs
    award: str = ""
    occasion: str = ""
    region: str = ""
    station: str = ""  # "meets" / "learn" picks a demo station; its district is the story's
    colour: tuple[int, int, int] = (183, 28, 28)
    cover_alt: str = ""


def _p(*lines: str) -> tuple[str, str]:
    return ("paragraph", "".join(f"<p>{escape(line)}</p>" for line in lines))


STORIES = [
    DemoStory(
        slug="xinxingjie-first-community-volunteers",
        title="星星之火：全国第一个社区志愿者组织在新兴街诞生",
        summary="1989年3月18日，天津市和平区新兴街社区服务志愿者协会成立，"
        "是全国第一个社区志愿者组织，新兴街由此被称为“全国第一个社区志愿者组织发祥地”。",
        kind=HonoreeKind.ORGANISATION,
        honoree="天津市和平区新兴街社区服务志愿者协会",
        year=2021,
        date=datetime.date(2021, 3, 18),
        occasion="学雷锋志愿服务月",
        region="天津市和平区",
        colour=(21, 101, 192),
        cover_alt="演示封面图：蓝色背景上的白色爱心和星星图案",
        body=[
            _p(
                "成立于1989年3月18日的天津市和平区新兴街社区服务志愿者协会，"
                "是全国第一个社区志愿者组织。星星之火，点燃了天津市志愿服务事业蓬勃发展之路。"
            ),
            ("heading", {"text": "从一个街道到全市", "level": "h2"}),
            _p(
                "如今和平区已建立区、街道、社区三级志愿者协会组织76家，全市16个区全部恢复建立了"
                "区级志愿服务协会。截至2021年4月末，全市在全国志愿服务信息系统注册的志愿者"
                "达到203.73万人。"
            ),
            (
                "quote",
                {
                    "text": "星星之火，点燃了天津市志愿服务事业蓬勃发展之路。",
                    "attribution": "《京津冀志愿服务工作经验》",
                },
            ),
        ],
    ),
    DemoStory(
        slug="xicheng-dama",
        title="“西城大妈”：胡同里的红袖标",
        summary="“西城大妈”是北京知名的社区志愿服务品牌，大妈们在胡同和街巷里"
        "巡逻守望、调解邻里、宣传文明，成为首都基层治理的好帮手。",
        kind=HonoreeKind.TEAM,
        honoree="西城大妈",
        year=2021,
        date=datetime.date(2021, 12, 5),
        occasion="12·5 国际志愿者日",
        region="北京市西城区",
        colour=(198, 40, 40),
        cover_alt="演示封面图：红色背景上的白色爱心图案",
        body=[
            _p(
                "北京市动员、引导广大志愿者和志愿服务组织聚焦社会治理和公共服务，用实际行动"
                "书写新时代的志愿故事，成功打造“西城大妈”“朝阳群众”“蓝立方”等知名志愿服务品牌。"
            ),
            _p(
                "在西城区的胡同里，佩戴红袖标的大妈们每天出门巡逻，"
                "谁家老人独居、哪条路灯坏了，她们都记在心里。（演示内容）"
            ),
        ],
    ),
    DemoStory(
        slug="chaoyang-qunzhong",
        title="“朝阳群众”：人人参与的平安志愿服务",
        summary="“朝阳群众”从一句口头禅成长为首都平安志愿服务品牌，"
        "数以万计的居民志愿者参与社区治安巡逻和矛盾排查。",
        kind=HonoreeKind.PROJECT,
        honoree="朝阳群众",
        year=2020,
        date=datetime.date(2020, 12, 5),
        occasion="12·5 国际志愿者日",
        region="北京市朝阳区",
        colour=(46, 125, 50),
        cover_alt="演示封面图：绿色背景上的白色爱心图案",
        body=[
            _p(
                "“朝阳群众”与“西城大妈”“蓝立方”一起，是北京推动志愿服务规范化、制度化、"
                "常态化发展中涌现的知名品牌。（演示内容）"
            ),
        ],
    ),
    DemoStory(
        slug="shenzhen-mayor-award-volunteer",
        title="从“五星”到“市长奖”：一名深圳义工的十年",
        summary="深圳建立了志愿服务“五星”“百优”“市长奖”三个层级的激励体系。"
        "义工林晓（化名）十年服务公交线路，一路从五星志愿者走到市长奖。",
        kind=HonoreeKind.VOLUNTEER,
        honoree="林晓（化名）",
        award="市长奖",
        year=2015,
        date=datetime.date(2015, 12, 5),
        occasion="12·5 国际志愿者日",
        region="广东省深圳市",
        colour=(245, 124, 0),
        cover_alt="演示封面图：橙色背景上的白色爱心和三颗星",
        body=[
            _p(
                "深圳完善多层激励政策，建立志愿服务“五星”“百优”“市长奖”三个层级的激励体系，"
                "将志愿服务纳入人才引进积分入户政策，免费为志愿者提供实名制服装和服务期间的意外保险。"
            ),
            ("heading", {"text": "在公交线路上", "level": "h2"}),
            _p(
                "深圳试点公交系统志愿者岗位化服务，首批2000多名志愿者在92条公交线路上，"
                "协助维护乘车秩序、劝阻携带违禁物品、协助处置突发状况。"
                "林晓（化名）就是其中一员。（演示内容）"
            ),
            ("quote", {"text": "从义工到志愿者之城。", "attribution": "深圳市义工联"}),
        ],
    ),
    DemoStory(
        slug="shenzhen-hundred-best-team",
        title="百优志愿服务：医院里的导诊志愿者",
        summary="深圳在医疗系统试点设立志愿者岗位，开展导诊、特殊儿童关爱、"
        "病患家属心理疏导等服务。一支医院导诊志愿者队伍获评“百优”。",
        kind=HonoreeKind.TEAM,
        honoree="医院导诊志愿服务队（演示）",
        award="百优志愿者",
        year=2014,
        date=datetime.date(2014, 3, 5),
        occasion="学雷锋志愿服务月",
        region="广东省深圳市",
        colour=(106, 27, 154),
        cover_alt="演示封面图：紫色背景上的白色爱心图案",
        body=[
            _p(
                "在医疗系统试点设立志愿者岗位，开展导诊、特殊儿童关爱、病患家属心理疏导等志愿服务。"
                "（演示内容）"
            ),
        ],
    ),
    DemoStory(
        slug="guangzhou-model-station",
        title="“七个有”样样齐全的学雷锋志愿服务站",
        summary="有统一标识、有办公场所、有志愿者队伍、有管理制度、有工作台账、有服务内容、"
        "有志愿服务活动——这个站点被评为年度优秀社区志愿服务站点。",
        kind=HonoreeKind.STATION,
        honoree="",
        station="learn",
        award="优秀社区志愿服务站点",
        year=2024,
        date=datetime.date(2025, 3, 5),
        occasion="学雷锋志愿服务月",
        colour=(183, 28, 28),
        cover_alt="演示封面图：红色背景上的白色爱心图案",
        body=[
            _p(
                "广州指导各社工站、社区学雷锋志愿服务站点按照“七个有”标准，规范日常志愿服务管理工作。"
                "结合每年的“学雷锋月”志愿服务活动，讲好新时代“学雷锋”好故事，"
                "表彰一批优秀社区志愿服务站点、志愿服务组织、志愿者和志愿服务项目。"
            ),
            _p(
                "这个站点七项标准全部具备，站点页上可以看到每一项的佐证材料和核查日期。（演示内容）"
            ),
        ],
    ),
    DemoStory(
        slug="guangzhou-time-bank-volunteer",
        title="把时间存进“时间银行”的社区志愿者",
        summary="陈姨（化名）每周到社工站服务老人，服务时数记入广州公益“时间银行”，"
        "积分又捐给了更需要的邻居。她获评年度优秀志愿者。",
        kind=HonoreeKind.VOLUNTEER,
        honoree="陈姨（化名）",
        station="meets",
        award="优秀志愿者",
        year=2025,
        date=datetime.date(2025, 12, 5),
        occasion="12·5 国际志愿者日",
        colour=(0, 121, 107),
        cover_alt="演示封面图：青绿色背景上的白色爱心图案",
        body=[
            _p(
                "广州依托“时间银行”平台，探索建立以志愿服务时数为基础、时间积分为形式、"
                "服务评价为补充的社区志愿服务激励体系，大力倡导利他原则，突出“二次公益”。"
            ),
            _p(
                "陈姨（化名）每周两次到社工站陪伴独居老人，攒下的时间积分，"
                "她又捐给了楼下行动不便的邻居。（演示内容）"
            ),
        ],
    ),
]


def _cover_png(colour: tuple[int, int, int], stars: int) -> bytes:
    """A drawn cover (no text, so no CJK font is needed on a fresh machine)."""
    image = PILImage.new("RGB", (1200, 630), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((500, 170, 620, 290), fill=(255, 255, 255))
    draw.ellipse((580, 170, 700, 290), fill=(255, 255, 255))
    draw.polygon([(508, 250), (692, 250), (600, 380)], fill=(255, 255, 255))
    for n in range(stars):
        x = 480 + n * 90
        draw.regular_polygon((x + 30, 470, 26), n_sides=5, fill=(255, 236, 179))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _cover(story: DemoStory, report):
    Image = get_image_model()
    title = f"{story.title}（演示封面）"
    image = Image.objects.filter(title=title).first()
    if image is None:
        stars = {"市长奖": 3, "百优志愿者": 2}.get(story.award, 1 if story.award else 0)
        image = Image(title=title, collection=demo_collection(), description=story.cover_alt)
        image.file = ImageFile(
            io.BytesIO(_cover_png(story.colour, stars)), name=f"story-{story.slug}.png"
        )
        image.save()
        report.record(True, title)
    return image


def _demo_stations() -> dict[str, StationPage | None]:
    """A 学雷锋 station and a 社工站, each meeting the 七个有 (the stories praise them)."""
    stations = (
        StationPage.objects.live()
        .filter(is_demo=True, standard_valid_until__gte=timezone.localdate())
        .order_by("path")
    )
    return {
        "learn": stations.filter(station_type__name="学雷锋志愿服务站").first(),
        "meets": stations.filter(station_type__name="社工站").first(),
    }


def ensure_story_index(home, report) -> StoryIndexPage:
    from home.base.demo import ensure_child

    return ensure_child(
        home,
        StoryIndexPage,
        slug="stories",
        report=report,
        title="嘉许故事",
        intro=STORY_INTRO,
        show_in_menus=True,
        search_description="优秀志愿者、队伍、站点、组织和项目的嘉许故事",
    )


def ensure_story(index, plan: DemoStory, stations: dict, report) -> StoryPage:
    existing = StoryPage.objects.child_of(index).filter(slug=plan.slug).first()
    if existing:
        report.record(False, plan.title)
        return existing
    station = stations.get(plan.station) if plan.station else None
    with transaction.atomic():
        story = StoryPage(
            title=plan.title,
            slug=plan.slug,
            summary=plan.summary,
            story_date=plan.date,
            honoree_kind=plan.kind,
            honoree_name=plan.honoree or (station.title if station else ""),
            station=station,
            district_id=station.district_id if station else None,
            region=plan.region,
            award=Award.objects.filter(name=plan.award).first() if plan.award else None,
            year=plan.year,
            occasion=Occasion.objects.filter(name=plan.occasion).first(),
            cover_image=_cover(plan, report),
            cover_alt=plan.cover_alt,
            body=json.dumps([{"type": kind, "value": value} for kind, value in plan.body]),
            is_demo=True,
            search_description=plan.summary[:150],
        )
        story.clean()  # the story's own rules; the tree fields come with add_child
        index.add_child(instance=story)
        story.save_revision().publish()
    report.record(True, plan.title)
    return story


def load_stories(home, report) -> list[StoryPage]:
    index = ensure_story_index(home, report)
    stations = _demo_stations()
    return [ensure_story(index, plan, stations, report) for plan in STORIES]


DEMO_STAFF = [("demo-editor", "EDITORS_GROUP"), ("demo-reviewer", "REVIEWERS_GROUP")]


def load_review_staff(password: str, report) -> list[str]:
    """An editor and a reviewer to try the review workflow with (only when asked for)."""
    for username, group in DEMO_STAFF:
        created = review.ensure_staff_user(
            username=username, group_name=getattr(review, group), password=password
        )
        report.record(created, f"账号 {username}")
    return [username for username, _group in DEMO_STAFF]
