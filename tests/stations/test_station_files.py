"""Station files: each station's images and documents in its own collection, seen by its manager
(and editors, superusers) only, in every admin listing, chooser and the admin API; reviewers get
no file lists but still see what they review; a station's document is public only while a live,
public page uses it (stations/files.py)."""

import importlib
import json

import pytest
import wagtail_factories
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.rich_text.editors.draftail.features import EntityFeature
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.widgets import AdminImageChooser
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    PageViewRestriction,
    ReferenceIndex,
    TaskState,
)
from wagtail.rich_text import features as rich_text_features

from home.base.demo import DemoReport
from stations.access import ensure_manager_group, ensure_station_collection
from stations.demo.files import ensure_station_evidence
from stations.models import StandardCheck, StationPage
from tests.factories.stations import (
    MANAGER_PASSWORD,
    StationPageFactory,
    make_station_index,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()
REVIEWERS = "内容审核员"  # stories/review.py; the group comes from migration stories 0003
DOC_TITLES = ("石牌站管理制度", "石牌站工作台账", "猎德站管理制度", "门户公开文件")
IMAGE_TITLES = ("石牌站牌照片", "猎德站牌照片")


def make_document(title, collection, filename):
    document = Document(title=title, collection=collection)
    document.file = ContentFile(f"{title}\n".encode(), name=filename)
    document.save()
    return document


def publish_checks(station, **evidence_by_item):
    """Publish the station with one holding check per item, each with the given evidence."""
    station.standard_checks.clear()
    add_checks(station, evidence_by_item)
    station.save_revision().publish()
    return StationPage.objects.get(pk=station.pk)


def add_checks(page, evidence_by_item):
    """One holding check per item on `page` (a station or a draft of one), with that evidence."""
    for item, evidence in evidence_by_item.items():
        page.standard_checks.add(
            StandardCheck(
                item=item,
                holds=True,
                checked_on=timezone.localdate(),
                evidence_note="见附件",
                **evidence,
            )
        )


@shared_fixture
def world(site_tree):
    """Stations a and b with their collections; a's page (live) uses its rules document and its
    plaque photo; a's ledger, b's rules and a document outside the stations are used nowhere."""
    home, _policies = site_tree
    index = make_station_index(home)
    a = StationPageFactory(parent=index, title="石牌街学雷锋志愿服务站", slug="shipai")
    b = StationPageFactory(parent=index, title="猎德街社工站", slug="liede")
    in_a, in_b = ensure_station_collection(a), ensure_station_collection(b)
    docs = {
        "a_rules": make_document("石牌站管理制度", in_a, "a-rules.txt"),
        "a_ledger": make_document("石牌站工作台账", in_a, "a-ledger.txt"),
        "b_rules": make_document("猎德站管理制度", in_b, "b-rules.txt"),
        "site": make_document("门户公开文件", Collection.get_first_root_node(), "site.txt"),
    }
    images = {
        "a": wagtail_factories.ImageFactory(title="石牌站牌照片", collection=in_a),
        "b": wagtail_factories.ImageFactory(title="猎德站牌照片", collection=in_b),
    }
    a = publish_checks(
        a,
        sign={"evidence_image": images["a"]},
        rules={"evidence_document": docs["a_rules"]},
    )
    return dict(index=index, a=a, b=b, in_a=in_a, in_b=in_b, docs=docs, images=images)


@shared_fixture
def reviewer(users):
    """A 内容审核员: approves pages, holds no image or document permission."""
    user = get_user_model().objects.create_user("checker", password=MANAGER_PASSWORD)
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def login(client, users, who):
    client.force_login(users[who])
    return client


def denied(response):
    # The Wagtail admin answers PermissionDenied with a redirect to the dashboard.
    return response.status_code in (302, 403) and (
        response.status_code == 403 or response["Location"] == "/admin/"
    )


def titles_in(html: str, titles=DOC_TITLES + IMAGE_TITLES) -> set[str]:
    return {title for title in titles if title in html}


def chooser_html(response) -> str:
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def api_titles(response) -> set[str]:
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


# Who sees which files anywhere in the admin.
SEES = {
    "manager_a": {"石牌站管理制度", "石牌站工作台账", "石牌站牌照片"},
    "manager_b": {"猎德站管理制度", "猎德站牌照片"},
    "editor": set(DOC_TITLES + IMAGE_TITLES),
    "admin": set(DOC_TITLES + IMAGE_TITLES),
}


# --- the admin listings ---------------------------------------------------------------------


@pytest.mark.parametrize("who", SEES)
def test_the_listings_show_only_the_users_collections(client, users, world, who):
    c = login(client, users, who)
    documents = c.get("/admin/documents/")
    images = c.get("/admin/images/")
    assert documents.status_code == images.status_code == 200
    seen = titles_in(documents.content.decode(), DOC_TITLES)
    seen |= titles_in(images.content.decode(), IMAGE_TITLES)
    assert seen == SEES[who]


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("manager_a", "石牌", {"石牌站管理制度", "石牌站工作台账"}),
        ("manager_a", "猎德", set()),
        ("manager_b", "石牌", set()),
        ("editor", "猎德", {"猎德站管理制度"}),
    ],
)
def test_the_listing_search_stays_within_the_users_collections(
    client, users, world, who, query, expected
):
    html = login(client, users, who).get("/admin/documents/", {"q": query}).content.decode()
    assert titles_in(html, DOC_TITLES) == expected


def test_a_reviewer_has_no_file_listings(client, world, reviewer):
    client.force_login(reviewer)
    assert denied(client.get("/admin/documents/"))
    assert denied(client.get("/admin/images/"))


# --- choosers: page fields, StreamField blocks, rich text, their search --------------------------


def test_every_way_of_choosing_a_file_opens_the_same_choosers():
    """Page fields, StreamField blocks and rich text all open Wagtail's two chooser views, so
    the chooser tests below cover each of them."""
    document_chooser = reverse("wagtaildocs_chooser:choose")
    image_chooser = reverse("wagtailimages_chooser:choose")
    assert AdminDocumentChooser().get_chooser_modal_url() == document_chooser
    assert DocumentChooserBlock().field.widget.get_chooser_modal_url() == document_chooser
    assert AdminImageChooser().get_chooser_modal_url() == image_chooser
    assert ImageChooserBlock().field.widget.get_chooser_modal_url() == image_chooser
    link = rich_text_features.get_editor_plugin("draftail", "document-link")
    assert isinstance(link, EntityFeature)
    assert str(link.data["chooserUrls"]["documentChooser"]) == document_chooser
    embed = rich_text_features.get_editor_plugin("draftail", "image")
    assert str(embed.data["chooserUrls"]["imageChooser"]) == image_chooser


@pytest.mark.parametrize("who", SEES)
def test_the_choosers_offer_only_the_users_collections(client, users, world, who):
    c = login(client, users, who)
    seen = titles_in(chooser_html(c.get(reverse("wagtaildocs_chooser:choose"))), DOC_TITLES)
    seen |= titles_in(chooser_html(c.get(reverse("wagtailimages_chooser:choose"))), IMAGE_TITLES)
    assert seen == SEES[who]


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("manager_a", "石牌", {"石牌站管理制度", "石牌站工作台账", "石牌站牌照片"}),
        ("manager_a", "猎德", set()),
        ("manager_b", "石牌", set()),
        ("admin", "猎德", {"猎德站管理制度", "猎德站牌照片"}),
    ],
)
def test_the_chooser_search_stays_within_the_users_collections(
    client, users, world, who, query, expected
):
    c = login(client, users, who)
    documents = c.get(reverse("wagtaildocs_chooser:choose_results"), {"q": query})
    images = c.get(reverse("wagtailimages_chooser:choose_results"), {"q": query})
    seen = titles_in(chooser_html(documents), DOC_TITLES)
    seen |= titles_in(chooser_html(images), IMAGE_TITLES)
    assert seen == expected


def test_another_stations_file_cannot_be_chosen_by_its_id(client, users, world):
    c = login(client, users, "manager_a")
    b_rules, b_image = world["docs"]["b_rules"], world["images"]["b"]
    assert denied(c.get(reverse("wagtaildocs_chooser:chosen", args=(b_rules.pk,))))
    assert denied(c.get(reverse("wagtailimages_chooser:chosen", args=(b_image.pk,))))
    # Rich text's image embed picks a format next: not for another station's image either.
    select_format = reverse("wagtailimages_chooser:select_format", args=(b_image.pk,))
    assert denied(c.get(select_format))
    own_format = reverse("wagtailimages_chooser:select_format", args=(world["images"]["a"].pk,))
    assert c.get(own_format).status_code == 200
    multiple = c.get(
        reverse("wagtaildocs_chooser:chosen_multiple"),
        {"id": [b_rules.pk, world["docs"]["a_rules"].pk]},
    )
    assert multiple.status_code == 200
    assert titles_in(json.dumps(multiple.json(), ensure_ascii=False)) == {"石牌站管理制度"}
    own = c.get(reverse("wagtaildocs_chooser:chosen", args=(world["docs"]["a_ledger"].pk,)))
    assert own.status_code == 200 and "石牌站工作台账" in json.dumps(own.json(), ensure_ascii=False)


def test_a_reviewer_chooses_nothing(client, world, reviewer):
    client.force_login(reviewer)
    for name in ("wagtaildocs_chooser:choose", "wagtailimages_chooser:choose"):
        assert titles_in(chooser_html(client.get(reverse(name)))) == set()
    results = client.get(reverse("wagtaildocs_chooser:choose_results"), {"q": "石牌"})
    assert titles_in(chooser_html(results)) == set()
    assert not GroupCollectionPermission.objects.filter(group__name=REVIEWERS).exists()


# --- edit, replace, delete -----------------------------------------------------------------------


def test_a_manager_cannot_open_edit_or_delete_another_stations_files(client, users, world):
    c = login(client, users, "manager_a")
    b_rules, b_image = world["docs"]["b_rules"], world["images"]["b"]
    for url in (
        f"/admin/documents/edit/{b_rules.pk}/",
        f"/admin/documents/delete/{b_rules.pk}/",
        f"/admin/documents/usage/{b_rules.pk}/",
        f"/admin/images/{b_image.pk}/",
        f"/admin/images/{b_image.pk}/delete/",
    ):
        assert denied(c.get(url)), url
    assert denied(c.post(f"/admin/documents/edit/{b_rules.pk}/", {"title": "改掉了"}))
    assert denied(c.post(f"/admin/documents/delete/{b_rules.pk}/"))
    assert denied(c.post(f"/admin/images/{b_image.pk}/delete/"))
    bulk = f"/admin/bulk/wagtaildocs/document/delete/?id={b_rules.pk}&next=/admin/documents/"
    c.post(bulk)
    assert Document.objects.get(pk=b_rules.pk).title == "猎德站管理制度"
    assert Image.objects.filter(pk=b_image.pk).exists()


def test_a_manager_edits_replaces_and_deletes_their_stations_files(client, users, world):
    """Including files someone else uploaded (the demo's, an editor's): "change" on the
    station's collection, not only Wagtail's add-and-own."""
    c = login(client, users, "manager_a")
    # Files of their own for this test: replacing and deleting removes them from storage, which
    # the database's rollback does not bring back.
    ledger = make_document("石牌站工作台账（草稿）", world["in_a"], "a-draft-ledger.txt")
    image = wagtail_factories.ImageFactory(title="石牌站门前照片", collection=world["in_a"])
    assert ledger.uploaded_by_user is None and image.uploaded_by_user is None
    assert c.get(f"/admin/documents/edit/{ledger.pk}/").status_code == 200
    response = c.post(
        f"/admin/documents/edit/{ledger.pk}/",
        {
            "title": "石牌站工作台账（2026）",
            "file": SimpleUploadedFile("ledger-2026.txt", "台账".encode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ledger.refresh_from_db()
    assert ledger.title == "石牌站工作台账（2026）" and ledger.filename == "ledger-2026.txt"
    assert ledger.collection == world["in_a"]  # the only collection they may choose

    replaced = c.post(
        f"/admin/images/{image.pk}/",
        {"title": "石牌站牌照片（新）", "file": wagtail_factories.ImageFactory.build().file},
    )
    assert replaced.status_code == 302, replaced.content.decode()[:2000]
    assert Image.objects.get(pk=image.pk).title == "石牌站牌照片（新）"

    assert c.post(f"/admin/documents/delete/{ledger.pk}/").status_code == 302
    assert not Document.objects.filter(pk=ledger.pk).exists()


# --- uploads land in the manager's own collection ------------------------------------------------


def test_a_managers_uploads_land_in_their_stations_collection(client, users, world):
    c = login(client, users, "manager_a")
    in_a, in_b = world["in_a"], world["in_b"]
    # The upload page offers no collection to pick: there is only one.
    page = c.get("/admin/documents/multiple/add/").content.decode()
    assert f'value="{in_b.pk}"' not in page
    # Naming another station's collection does not put the file there.
    response = c.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("signin.txt", b"sign-in"), "collection": in_b.pk},
    )
    assert response.status_code == 200 and response.json()["success"]
    assert Document.objects.get(file__endswith="signin.txt").collection == in_a
    response = c.post(
        "/admin/images/multiple/add/",
        {"files[]": wagtail_factories.ImageFactory.build().file, "collection": in_b.pk},
    )
    assert response.status_code == 200 and response.json()["success"]
    uploaded = Image.objects.get(pk=response.json()["image_id"])
    assert uploaded.collection == in_a and uploaded.uploaded_by_user == users["manager_a"]
    # The chooser's upload tab (from a page field or rich text) too.
    response = c.post(
        reverse("wagtaildocs_chooser:create"),
        {
            "document-chooser-upload-title": "石牌站志愿者花名册",
            "document-chooser-upload-file": SimpleUploadedFile("roster.txt", b"roster"),
            "document-chooser-upload-collection": in_b.pk,
        },
    )
    assert response.status_code == 200
    assert Document.objects.get(title="石牌站志愿者花名册").collection == in_a


# --- the admin API ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", SEES)
def test_the_admin_api_lists_only_the_users_collections(client, users, world, who):
    c = login(client, users, who)
    seen = api_titles(c.get("/admin/api/main/documents/"))
    seen |= api_titles(c.get("/admin/api/main/images/"))
    assert seen == SEES[who]


def test_the_admin_api_search_and_detail_stay_within_the_users_collections(client, users, world):
    # The API's search is full-text, and documents' Chinese titles get no word analysis (only
    # pages' do), so these titles search by ASCII words.
    make_document("Shipai volunteer ledger", world["in_a"], "shipai-ledger.txt")
    make_document("Liede volunteer ledger", world["in_b"], "liede-ledger.txt")
    expected = {
        "manager_a": {"Shipai volunteer ledger"},
        "manager_b": {"Liede volunteer ledger"},
        "editor": {"Shipai volunteer ledger", "Liede volunteer ledger"},
    }
    for who, titles in expected.items():
        found = login(client, users, who).get("/admin/api/main/documents/", {"search": "ledger"})
        assert api_titles(found) == titles, who
    c = login(client, users, "manager_a")
    b_rules, b_image = world["docs"]["b_rules"], world["images"]["b"]
    assert c.get(f"/admin/api/main/documents/{b_rules.pk}/").status_code == 404
    assert c.get(f"/admin/api/main/images/{b_image.pk}/").status_code == 404
    assert c.get("/admin/api/main/documents/find/", {"id": b_rules.pk}).status_code == 404
    own = c.get(f"/admin/api/main/documents/{world['docs']['a_ledger'].pk}/")
    assert own.status_code == 200 and own.json()["title"] == "石牌站工作台账"


def test_the_admin_api_gives_a_reviewer_and_a_visitor_nothing(client, world, reviewer):
    assert client.get("/admin/api/main/documents/").status_code == 302  # to the log-in page
    client.force_login(reviewer)
    for endpoint in ("documents", "images"):
        response = client.get(f"/admin/api/main/{endpoint}/")
        assert response.status_code == 200
        assert response.json()["meta"]["total_count"] == 0
    assert (
        client.get(f"/admin/api/main/documents/{world['docs']['a_rules'].pk}/").status_code == 404
    )


def test_the_admin_api_costs_the_same_however_many_collections(client, users, world):
    def listing_queries(who):
        c = login(client, users, who)
        counts = []
        for endpoint in ("documents", "images"):
            # Warm caches (content types, permissions) and make the thumbnails' renditions.
            c.get(f"/admin/api/main/{endpoint}/")
            with captured_queries() as queries:
                assert c.get(f"/admin/api/main/{endpoint}/").status_code == 200
            counts.append(len(queries))
        return counts

    before = {who: listing_queries(who) for who in ("manager_a", "editor")}
    for n in range(6):
        station = StationPageFactory(parent=world["index"], title=f"新站{n}", slug=f"new-{n}")
        ensure_manager_group(station)
        collection = ensure_station_collection(station)
        make_document(f"新站{n}制度", collection, f"new-{n}.txt")
        wagtail_factories.ImageFactory(title=f"新站{n}照片", collection=collection)
    after = {who: listing_queries(who) for who in ("manager_a", "editor")}
    assert after == before
    # The tags, read from one prefetch, are still each item's own.
    world["docs"]["a_ledger"].tags.add("台账", "2026")
    items = login(client, users, "editor").get("/admin/api/main/documents/").json()["items"]
    assert {item["title"]: item["meta"]["tags"] for item in items}["石牌站工作台账"] == [
        "2026",
        "台账",
    ]
    assert all(item["meta"]["tags"] == [] for item in items if item["title"] != "石牌站工作台账")


# --- reviewing a station page ---------------------------------------------------------------------


def submit_for_review(station, manager, **evidence_by_item):
    """A draft of the station using new evidence, submitted to the review workflow."""
    draft = station.get_latest_revision_as_object()
    add_checks(draft, evidence_by_item)
    draft.save_revision(user=manager)
    draft.get_workflow().start(draft, manager)
    return TaskState.objects.get(
        workflow_state__object_id=str(station.pk), status=TaskState.STATUS_IN_PROGRESS
    )


def test_a_reviewer_sees_the_evidence_of_the_page_under_review(client, users, world, reviewer):
    a, ledger = world["a"], world["docs"]["a_ledger"]
    task_state = submit_for_review(a, users["manager_a"], ledger={"evidence_document": ledger})
    client.force_login(reviewer)

    preview = client.get(
        reverse("wagtailadmin_pages:workflow_preview", args=(a.pk, task_state.task_id))
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "石牌站工作台账" in html and ledger.url in html
    assert "石牌站管理制度" in html
    plaque = world["images"]["a"].get_rendition("max-480x320")
    assert plaque.url in html

    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(a.pk, "live", task_state.revision_id),
        )
    )
    assert compare.status_code == 200 and "石牌站工作台账" in compare.content.decode()

    # The document the draft adds downloads for the reviewer, and for nobody else yet.
    assert client.get(ledger.url).status_code == 200
    client.logout()
    assert client.get(ledger.url).status_code == 404
    assert login(client, users, "manager_b").get(ledger.url).status_code == 404
    # Once the review is over, the reviewer's access ends with it.
    task_state.workflow_state.cancel(user=users["manager_a"])
    client.force_login(reviewer)
    assert client.get(ledger.url).status_code == 404


# --- downloads ------------------------------------------------------------------------------------


def fetch(client, users, who, document):
    client.logout()
    if who != "anonymous":
        client.force_login(users[who])
    return client.get(document.url)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("manager_b", False),
        ("viewer", False),  # admin access and all registrations, but no files
        ("manager_a", True),
        ("editor", True),
        ("admin", True),
    ],
)
def test_an_unused_station_document_exists_only_for_those_who_may_see_it(
    client, users, world, who, allowed
):
    response = fetch(client, users, who, world["docs"]["a_ledger"])
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert b"".join(response.streaming_content).decode() == "石牌站工作台账\n"


@pytest.mark.parametrize("who", ["anonymous", "manager_b"])
def test_a_document_a_live_public_page_uses_is_public(client, users, world, who):
    response = fetch(client, users, who, world["docs"]["a_rules"])
    assert response.status_code == 200
    assert ReferenceIndex.get_references_to(world["docs"]["a_rules"]).exists()


def test_a_document_used_only_by_a_draft_stays_private(client, users, world):
    a, ledger = world["a"], world["docs"]["a_ledger"]
    draft = a.get_latest_revision_as_object()
    draft.standard_checks.add(
        StandardCheck(
            item="ledger", holds=True, checked_on=timezone.localdate(), evidence_document=ledger
        )  # fmt: skip
    )
    draft.save_revision()
    assert fetch(client, users, "anonymous", ledger).status_code == 404
    # Published, it is public.
    StationPage.objects.get(pk=a.pk).get_latest_revision().publish()
    assert fetch(client, users, "anonymous", ledger).status_code == 200


def test_a_document_of_an_unpublished_or_restricted_page_is_private(client, users, world):
    a, rules = world["a"], world["docs"]["a_rules"]
    restriction = PageViewRestriction.objects.create(
        page=a, restriction_type=PageViewRestriction.LOGIN
    )
    assert fetch(client, users, "anonymous", rules).status_code == 404
    assert fetch(client, users, "manager_b", rules).status_code == 404
    restriction.delete()
    assert fetch(client, users, "anonymous", rules).status_code == 200
    StationPage.objects.get(pk=a.pk).unpublish()
    assert fetch(client, users, "anonymous", rules).status_code == 404
    assert fetch(client, users, "manager_a", rules).status_code == 200


def test_documents_outside_the_station_collections_keep_wagtails_rules(client, users, world):
    assert fetch(client, users, "anonymous", world["docs"]["site"]).status_code == 200


def test_a_wrong_filename_or_id_is_still_a_plain_404(client, world):
    rules = world["docs"]["a_rules"]
    assert client.get(f"/documents/{rules.pk}/other.txt").status_code == 404
    assert client.get("/documents/999999/a-rules.txt").status_code == 404


# --- groups made before, and the demo -----------------------------------------------------------


def test_groups_made_before_get_change_and_reviewers_lose_choose_by_migration(world):
    group = ensure_manager_group(world["a"])
    change = group.collection_permissions.filter(permission__codename__startswith="change_")
    change.delete()
    reviewers = Group.objects.get(name=REVIEWERS)
    choose = GroupCollectionPermission.objects.filter(
        group=group, permission__codename="choose_document"
    ).get()
    GroupCollectionPermission.objects.create(
        group=reviewers, collection=Collection.get_first_root_node(), permission=choose.permission
    )
    migration = importlib.import_module("stations.migrations.0006_station_files")
    for _ in range(2):  # twice changes nothing
        migration.grant_change(apps, None)
        migration.revoke_reviewers_choose(apps, None)
    granted = {(p.permission.codename, p.collection_id) for p in group.collection_permissions.all()}
    assert {("change_image", world["in_a"].pk), ("change_document", world["in_a"].pk)} <= granted
    assert len(granted) == group.collection_permissions.count() == 6
    assert not reviewers.collection_permissions.exists()


def test_demo_evidence_goes_into_the_stations_own_collection(world):
    report = DemoReport()
    files = ensure_station_evidence(world["b"], report)
    again = ensure_station_evidence(world["b"], report)
    assert {key: item.pk for key, item in files.items()} == {
        key: item.pk for key, item in again.items()
    }
    assert {item.collection_id for item in files.values()} == {world["in_b"].pk}
    assert len(report.created) == 1 and len(report.existing) == 1
    assert "猎德街社工站" in report.created[0]
