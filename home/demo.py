"""Demo content from the source documents in shared/seeds, loaded by `manage.py load_demo`.

Every step looks for what it would create first, so running it again creates nothing new.
Later sections add their own steps to `load_demo`.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from home.base.choices import Level
from home.base.demo import DemoReport, ensure_child, text_to_paragraphs
from home.base.slugs import pinyin_slug
from home.models import (
    HomePage,
    PolicyAttachment,
    PolicyDocumentPage,
    PolicyIndexPage,
    PolicyKind,
    PolicyRelation,
    StandardPage,
)

LEVELS = {str(label): value for value, label in Level.choices}

HOME_INTRO = (
    "<p>社区志愿服务门户帮助居民找到身边的志愿服务站点，了解站点是否达到“七个有”建设标准、"
    "提供哪些服务，就近注册成为志愿者、报名参加志愿服务活动；同时发布嘉许故事和志愿服务政策文件，"
    "人人都可以用中文搜索全站内容。</p>"
)
POLICY_INTRO = (
    "<p>国家、省、市、区各级关于志愿服务的法规、规章、通知、意见和建议答复。"
    "可按层级、类别、发文机关和年份筛选，也可以直接输入文号查找。</p>"
)
ABOUT_BLOCKS = [
    (
        "paragraph",
        "<p>本站面向社区居民、志愿者、站点管理者和媒体，集中展示社区志愿服务站点、"
        "志愿服务活动、嘉许故事和相关政策文件。</p>",
    ),
    ("heading", {"text": "“七个有”站点标准", "level": "h2"}),
    (
        "paragraph",
        "<p>根据广州市民政局《穗民案〔2020〕102号》答复，社区志愿服务站点应做到"
        "有统一标识、有办公场所、有志愿者队伍、有管理制度、有工作台账、有服务内容、"
        "有志愿服务活动。</p>",
    ),
    ("heading", {"text": "个人信息保护", "level": "h2"}),
    (
        "paragraph",
        "<p>志愿者注册时填写的健康状况等敏感个人信息，只在本人明确同意后收集，"
        "并且只向需要的站点管理者展示。</p>",
    ),
]


def ensure_home_page(report: DemoReport) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's install leaves a placeholder "Welcome" page at the root; replace it.
        for placeholder in root.get_children().filter(
            content_type__app_label="wagtailcore", content_type__model="page", numchild=0
        ):
            placeholder.delete()
        home = root.add_child(
            instance=HomePage(title="社区志愿服务门户", slug="home", intro=HOME_INTRO)
        )
        home.save_revision().publish()
        report.record(True, "首页")
    else:
        report.record(False, "首页")
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    if (site.hostname, site.port) == ("localhost", 80):
        # Wagtail's placeholder: use the address the site is served on, which canonical links,
        # feeds and the sitemap are built from. A real hostname set in the admin is kept.
        served = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site.hostname = served.hostname or "localhost"
        site.port = served.port or (443 if served.scheme == "https" else 80)
    site.root_page = home
    site.site_name = site.site_name or "社区志愿服务门户"
    site.save()
    return home


def _kind(name: str) -> PolicyKind:
    kind, _created = PolicyKind.objects.get_or_create(name=name)
    return kind


def _attach_source(page: PolicyDocumentPage, path: Path):
    document = get_document_model().objects.create(
        title=f"{page.title}（原文文本）",
        file=ContentFile(path.read_bytes(), name=path.name),
    )
    document.get_file_size()  # stores the size shown beside the link
    page.attachments.add(PolicyAttachment(document=document, title="原文（纯文本，UTF-8）"))


def ensure_policy(index: PolicyIndexPage, entry: dict, *, seeds_dir: Path, report: DemoReport):
    source = seeds_dir / entry["file"] if entry.get("file") else None
    if source:
        known = [source.stem]
    else:
        # New sites get the pinyin slug (home/base/slugs.py); one loaded before pinyin slugs
        # keeps the Chinese slug its pages have, and is found by it.
        known = [pinyin_slug(entry["title"]), slugify(entry["title"], allow_unicode=True)[:80]]
    slug = known[0] or known[1]
    existing = PolicyDocumentPage.objects.child_of(index).filter(slug__in=known).first()
    if existing:
        report.record(False, entry["title"])
        return existing
    with transaction.atomic():
        page = PolicyDocumentPage(
            title=entry["title"],
            slug=slug,
            doc_number=entry.get("doc_number") or "",
            issuer=entry["issuer"],
            issued=entry["date"],
            level=LEVELS[entry["level"]],
            kind=_kind(entry["kind"]),
            region=entry.get("region") or "",
            body=text_to_paragraphs(source.read_text(encoding="utf-8")) if source else "",
        )
        if source:
            _attach_source(page, source)
        index.add_child(instance=page)
        page.save_revision().publish()
    report.record(True, entry["title"])
    return page


def _mentions(text: str, other: PolicyDocumentPage) -> bool:
    if other.doc_number and other.doc_number in text:
        return True
    return f"《{other.title}》" in text or f"〈{other.title}〉" in text


def link_related(pages: list[PolicyDocumentPage], report: DemoReport):
    """Relate each full-text document to the register's documents it cites by 文号 or 《title》."""
    for page in pages:
        if not page.body:
            continue
        cited = [o for o in pages if o.pk != page.pk and _mentions(page.body, o)]
        known = set(page.related_links.values_list("target_id", flat=True))
        missing = [o for o in cited if o.pk not in known]
        if not missing:
            continue
        page = PolicyDocumentPage.objects.get(pk=page.pk)
        for other in missing:
            page.related_links.add(PolicyRelation(target=other))
        page.save_revision().publish()
        report.record(True, f"{page.title} 的相关文件 {len(missing)} 份")


def load_policies(home: HomePage, *, seeds_dir: Path, report: DemoReport):
    manifest = json.loads((seeds_dir / "documents.json").read_text(encoding="utf-8"))
    index = ensure_child(
        home,
        PolicyIndexPage,
        slug="policies",
        report=report,
        title="政策文件",
        intro=POLICY_INTRO,
        show_in_menus=True,
        search_description="志愿服务法规、通知、意见和建议答复，按文号查找",
    )
    pages = [
        ensure_policy(index, entry, seeds_dir=seeds_dir, report=report)
        for entry in manifest["documents"] + manifest["referenced_documents"]
    ]
    link_related(pages, report)


def load_about(home: HomePage, report: DemoReport):
    ensure_child(
        home,
        StandardPage,
        slug="about",
        report=report,
        title="关于本站",
        intro="社区志愿服务门户是做什么的、内容从哪里来。",
        body=json.dumps([{"type": kind, "value": value} for kind, value in ABOUT_BLOCKS]),
        show_in_menus=True,
        search_description="本站的用途、“七个有”标准和个人信息保护",
    )


# Accounts to try the review workflow with (stories/review.py).
def load_demo(
    *, seeds_dir: Path, manager_password: str = "", editor_password: str = ""
) -> DemoReport:
    """The whole demo site; station manager, editor and reviewer accounts only when a password
    is given for them."""
    from stations.demo import load_stations
    from stories.demo import load_review_staff, load_stories

    report = DemoReport()
    home = ensure_home_page(report)
    report.manager_usernames = load_stations(home, report, manager_password=manager_password)
    load_stories(home, report)
    if editor_password:
        report.staff_usernames = load_review_staff(editor_password, report)
    load_policies(home, seeds_dir=seeds_dir, report=report)
    load_about(home, report)
    return report
