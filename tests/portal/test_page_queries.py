"""Every public page costs a fixed, small number of SQL queries, whatever it shows (issue 16).

For each page type, one anonymous GET is counted with a little content and again after a lot
more (30 stories, 30 activities, 30 policies, 30 stations, a station with many teams, photos,
checks, activities, stories and volunteers): the count must not move. A second test holds each
page to the total budget of 12 queries, routing included. That budget counts on the page
routing of home/base/routing.py (about 3 queries: the content version, the page chain, the
page itself); with Wagtail's own routing (6–10 queries before a page's content) it cannot hold.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from home.models import PolicyAttachment, PolicyRelation
from stations import standard
from stations.models import (
    ActivityImage,
    StandardCheck,
    StationPhoto,
    TeamLevel,
    VolunteerTeam,
)
from stations.volunteers import public_figures
from tests.factories.home import (
    PolicyDocumentPageFactory,
    PolicyKindFactory,
    StandardPageFactory,
    make_site_tree,
)
from tests.factories.records import confirmed_record, past_activity, volunteer
from tests.factories.stations import (
    ActivityCategoryFactory,
    ActivityIndexPageFactory,
    ActivityPageFactory,
    StationTypeFactory,
    make_areas,
    make_registration_form,
    make_station_index,
    next_week_at,
    station_at,
)
from tests.factories.stories import AwardFactory, StoryIndexPageFactory, StoryPageFactory
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

# Routing, the site lookup and the view-restriction check included (see the module's docstring).
TOTAL_BUDGET = 12
MANY = 30
NEAR = (23.1345, 113.3420)


def image(title):
    return get_image_model().objects.create(title=title, file=get_test_image_file())


def make_site():
    """One of everything, each page type's URL reachable from it."""
    home, policies = make_site_tree()
    areas = make_areas()
    stations = make_station_index(home)
    activities = ActivityIndexPageFactory(parent=home, show_in_menus=True)
    stories = StoryIndexPageFactory(parent=home, show_in_menus=True)
    form_page = make_registration_form(home)
    about = StandardPageFactory(parent=home, title="关于本站", show_in_menus=True)
    station = station_at(stations, lat=NEAR[0], lng=NEAR[1], street=areas["shipai"])
    # A page of neighbours (nearby.json's ten): how many boxes the nearest-station search reads
    # depends on how sparse the stations around the point are, not on how many there are.
    for n in range(9):
        station_at(stations, lat=NEAR[0] - 0.001, lng=NEAR[1] + 0.0002 * n, street=areas["shipai"])
    station.teams.add(VolunteerTeam(name="石牌街志愿服务总队", level=TeamLevel.CORPS))
    station.photos.add(StationPhoto(image=image("站点外景"), alt_text="站点外景"))
    station.standard_checks.add(
        StandardCheck(
            item=standard.ITEMS[0],
            holds=True,
            checked_on=timezone.localdate(),
            evidence_image=image("统一标识"),
        )
    )
    station.save_revision().publish()
    activity = ActivityPageFactory(parent=activities, station=station, title="社区清洁日")
    activity.images.add(ActivityImage(image=image("清洁日"), caption="清洁日"))
    activity.save_revision().publish()
    story = StoryPageFactory(
        parent=stories,
        station=station,
        award=AwardFactory(name="优秀志愿者"),
        cover_image=image("封面"),
        cover_alt="封面",
    )
    policy = PolicyDocumentPageFactory(parent=policies, title="关于加强社区志愿服务的通知")
    # A volunteer on the station's honour list, so its figures and the list are both shown.
    person = volunteer("13900001111", "张晓明")
    confirmed_record(activity=past_activity(index=activities, station=station), volunteer=person)
    public_figures.set_honour_list(volunteer=person, station_ids={station.pk})
    return {
        "home": home,
        "policies": policies,
        "areas": areas,
        "stations": stations,
        "activities": activities,
        "stories": stories,
        "form_page": form_page,
        "about": about,
        "station": station,
        "activity": activity,
        "story": story,
        "policy": policy,
    }


def add_lots(site) -> None:
    """Much more of everything every page lists or shows."""
    areas, station, activity, story, policy = (
        site[name] for name in ("areas", "station", "activity", "story", "policy")
    )
    social = StationTypeFactory(name="社工站")
    others = [
        station_at(
            site["stations"],
            lat=NEAR[0] + 0.0005 * (n % 6),
            lng=NEAR[1] + 0.0005 * (n // 6),
            street=areas["liede" if n % 2 else "shipai"],
            meets_standard=n % 4 == 0,
            title=f"社区志愿服务站{n}",
            **({"station_type": social} if n % 3 else {}),
        )
        for n in range(MANY)
    ]
    # The station itself: teams, photos, every check with evidence, activities, stories, people.
    corps = station.teams.first()
    for n in range(10):
        station.teams.add(VolunteerTeam(name=f"第{n}分队", level=TeamLevel.DIVISION, parent=corps))
        station.photos.add(StationPhoto(image=image(f"照片{n}"), alt_text=f"照片{n}"))
    station.standard_checks.clear()
    for item in standard.ITEMS:
        station.standard_checks.add(
            StandardCheck(
                item=item,
                holds=True,
                checked_on=timezone.localdate(),
                evidence_image=image(f"佐证{item}"),
                evidence_note="见台账",
            )
        )
    station.save_revision().publish()
    categories = [ActivityCategoryFactory(name=f"类别{n}") for n in range(5)]
    for n in range(MANY):
        ActivityPageFactory(
            parent=site["activities"],
            station=station if n < 10 else others[n],
            category=categories[n % 5],
            starts_at=next_week_at(days=1 + n % 20),
            title=f"志愿活动{n}",
        )
    for n in range(6):
        activity.images.add(ActivityImage(image=image(f"活动照片{n}"), caption=""))
    activity.save_revision().publish()
    awards = [AwardFactory(name=f"奖项{n}") for n in range(5)]
    for n in range(MANY):
        StoryPageFactory(
            parent=site["stories"],
            station=station if n < 12 else None,
            award=awards[n % 5],
            district=areas["tianhe" if n % 2 else "yuexiu"],
            cover_image=image(f"故事封面{n}"),
            cover_alt="封面",
            story_date=datetime.date.today() - datetime.timedelta(days=n),
            title=f"嘉许故事{n}",
        )
    for n in range(5):
        person = volunteer(f"1390000200{n}", f"志愿者{n}")
        confirmed_record(
            activity=past_activity(index=site["activities"], station=station, days_ago=5 + n),
            volunteer=person,
        )
        public_figures.set_honour_list(volunteer=person, station_ids={station.pk})
    kinds = [PolicyKindFactory(name=f"文件类别{n}") for n in range(5)]
    cited = [
        PolicyDocumentPageFactory(
            parent=site["policies"],
            title=f"政策文件{n}",
            issuer=f"发文机关{n % 7}",
            issued=f"{2010 + n % 15}-03-01",
            kind=kinds[n % 5],
        )
        for n in range(MANY)
    ]
    Document = get_document_model()
    for n in range(6):
        document = Document.objects.create(
            title=f"附件{n}", file=ContentFile(b"text", name=f"attachment{n}.txt")
        )
        policy.attachments.add(PolicyAttachment(document=document, title=f"附件{n}"))
        policy.related_links.add(PolicyRelation(target=cited[n]))
    policy.save_revision().publish()
    for document in cited[10:16]:
        document.related_links.add(PolicyRelation(target=policy))
        document.save_revision().publish()


def page_urls(site) -> dict:
    stations = site["stations"].url
    return {
        "HomePage": site["home"].url,
        "StandardPage": site["about"].url,
        "StationIndexPage": stations,
        "StationIndexPage near a point": f"{stations}?lat={NEAR[0]}&lng={NEAR[1]}",
        "StationPage": site["station"].url,
        "RegistrationFormPage": f"{site['form_page'].url}?station={site['station'].pk}",
        "ActivityIndexPage": site["activities"].url,
        "ActivityPage": site["activity"].url,
        "StoryIndexPage": site["stories"].url,
        "StoryPage": site["story"].url,
        "PolicyIndexPage": site["policies"].url,
        "PolicyDocumentPage": site["policy"].url,
        "search": "/search/?q=志愿服务",
        "nearby.json": f"{stations}nearby.json?lat={NEAR[0]}&lng={NEAR[1]}",
        "map.geojson": f"{stations}map.geojson",
    }


PAGE_TYPES = [
    "HomePage",
    "StandardPage",
    "StationIndexPage",
    "StationIndexPage near a point",
    "StationPage",
    "RegistrationFormPage",
    "ActivityIndexPage",
    "ActivityPage",
    "StoryIndexPage",
    "StoryPage",
    "PolicyIndexPage",
    "PolicyDocumentPage",
    "search",
    "nearby.json",
    "map.geojson",
]


def queries_of(client, url) -> list[str]:
    """The SQL of one anonymous GET, after one that warms the per-process caches (site roots,
    content types, the section menu and the other cached links, renditions made on first view)."""
    assert client.get(url).status_code == 200
    with captured_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def listing(queries) -> str:
    return "\n".join(f"  {sql[:300]}" for sql in queries)


@shared_fixture
def pages():
    """The site, the queries of each page type's GET with a little content (measured before the
    rest is added, once for the module: adding it takes a while), and the site with lots."""
    site = make_site()
    client = Client()
    few = {page_type: queries_of(client, url) for page_type, url in page_urls(site).items()}
    add_lots(site)
    return {"urls": page_urls(site), "few": few}


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_queries_do_not_grow_with_the_content(client, pages, page_type):
    few = pages["few"][page_type]
    many = queries_of(client, pages["urls"][page_type])
    assert len(many) == len(few), f"{page_type}: {len(few)} → {len(many)}\n{listing(many)}"
    # No query is run twice for one response.
    assert len(set(many)) == len(many), listing(many)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_a_page_costs_at_most_the_budget(client, pages, page_type):
    # Depends on the routing of home/base/routing.py (issue 16): with Wagtail's own routing the
    # detail pages take 8 queries before their content starts.
    queries = queries_of(client, pages["urls"][page_type])
    assert len(queries) <= TOTAL_BUDGET, f"{page_type}: {len(queries)}\n{listing(queries)}"
