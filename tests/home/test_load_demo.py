import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from home.models import HomePage, PolicyDocumentPage, PolicyIndexPage, PolicyRelation, StandardPage
from stations.models import Area, StationPage, VolunteerTeam
from stories.models import StoryIndexPage, StoryPage
from stories.review import EDITORS_GROUP, REVIEWERS_GROUP
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

SHARED_SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
BUNDLED_SEEDS = Path(settings.BASE_DIR) / "home" / "seeds"


def counts():
    return {
        "pages": Page.objects.count(),
        "policies": PolicyDocumentPage.objects.count(),
        "relations": PolicyRelation.objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "stations": StationPage.objects.count(),
        "areas": Area.objects.count(),
        "teams": VolunteerTeam.objects.count(),
        "stories": StoryPage.objects.count(),
    }


def run(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@shared_fixture
def demo():
    """The demo loaded into an empty database, once for the module: what the command printed."""
    return run()


def test_load_demo_builds_the_tree_and_every_seed_document(demo):
    output = demo
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    index = PolicyIndexPage.objects.child_of(home).get()
    assert index.url == "/policies/"
    assert StandardPage.objects.child_of(home).filter(slug="about").exists()

    policies = PolicyDocumentPage.objects.live()
    assert policies.count() == 10
    with_text = policies.exclude(body="")
    assert with_text.count() == 5
    reply = policies.get(doc_number="穗民案〔2020〕102号")
    assert reply.body.startswith("<p>穗民案〔2020〕102号</p>")
    assert (
        reply.issued == "2020-09-06"
        and reply.level == "municipal"
        and reply.kind.name == "建议答复"
    )
    assert reply.attachments.count() == 1
    assert {r.target.doc_number for r in reply.related_links.all()} >= {
        "穗民〔2019〕62号",
        "穗民〔2019〕282号",
    }

    # The traditional-script document stays as published.
    shenzhen = policies.get(slug="shenzhen-volunteer-city-2015")
    assert shenzhen.title == "從義工到志愿者之城——志愿服務可持續發展新模式"
    assert "義工" in shenzhen.body
    # Referenced documents: number, issuer, partial date, level, no text.
    regulation = policies.get(doc_number="国务院令第685号")
    assert (regulation.issuer, regulation.issued, regulation.level) == (
        "国务院",
        "2017-08-22",
        "national",
    )
    assert regulation.body == ""
    assert policies.get(doc_number="穗民〔2019〕62号").issued == "2019"
    assert policies.get(doc_number="民政部令第67号").doc_issuer_code == "民政部令"

    # Stories from the documents' examples: demo content, with awards, years and places.
    stories = StoryPage.objects.live().child_of(StoryIndexPage.objects.child_of(home).get())
    assert stories.count() == 7 and not stories.filter(is_demo=False).exists()
    assert set(stories.values_list("honoree_kind", flat=True)) == {
        "volunteer",
        "team",
        "station",
        "organisation",
        "project",
    }
    assert stories.get(slug="xinxingjie-first-community-volunteers").region == "天津市和平区"
    mayor = stories.get(slug="shenzhen-mayor-award-volunteer")
    assert (mayor.award.name, mayor.award.tier, mayor.year) == ("市长奖", 3, 2015)
    model_station = stories.get(honoree_kind="station")
    assert model_station.station.meets_standard
    assert model_station.district_id == model_station.station.district_id
    assert all(story.cover_image_id and story.cover_alt for story in stories)
    # The site's address is where the README serves it, for canonical links and feeds.
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == settings.WAGTAILADMIN_BASE_URL

    assert "No admin user was created" in output
    assert get_user_model().objects.count() == 0

    # Again, from the bundled copy of the seeds: the same documents, so nothing new at all.
    first = counts()
    output = run("--seeds", str(BUNDLED_SEEDS))
    assert counts() == first
    assert "0 created" in output


def test_admin_user_only_when_asked_or_from_the_environment(demo, monkeypatch):
    # On the demo as `load_demo` left it: these runs find every page and create accounts only.
    output = run("--admin-user", "demo-admin", "--admin-password", "Portal-demo-2026!")
    user = get_user_model().objects.get(username="demo-admin")
    assert user.is_superuser and user.check_password("Portal-demo-2026!")
    assert "/admin/" in output and "demo-admin" in output
    run("--admin-user", "demo-admin", "--admin-password", "another-Pass-2026")
    user.refresh_from_db()
    assert user.check_password("Portal-demo-2026!")  # an existing account is never changed

    # Accounts to try the review workflow with, only when asked.
    assert not get_user_model().objects.filter(username="demo-editor").exists()
    output = run("--editor-password", "Review-demo-2026")
    editor = get_user_model().objects.get(username="demo-editor")
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    assert [g.name for g in editor.groups.all()] == [EDITORS_GROUP]
    assert [g.name for g in reviewer.groups.all()] == [REVIEWERS_GROUP]
    assert reviewer.check_password("Review-demo-2026")
    assert "demo-editor" in output and "demo-reviewer" in output

    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "env-admin")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "Env-demo-pass-2026")
    # The defaults are read when the parser is built, i.e. per call.
    run()
    assert get_user_model().objects.filter(username="env-admin", is_superuser=True).exists()


def test_weak_or_missing_admin_password_is_refused():
    with pytest.raises(CommandError, match="needs --admin-password"):
        run("--admin-user", "x")
    with pytest.raises(CommandError, match="refused"):
        run("--admin-user", "x", "--admin-password", "123")
    with pytest.raises(CommandError, match="Editor password refused"):
        run("--editor-password", "123")
    assert get_user_model().objects.count() == 0
    assert Page.objects.count() == 2  # checked before anything was loaded


def test_missing_seeds_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="documents.json"):
        run("--seeds", str(tmp_path))


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside this checkout")
def test_bundled_seeds_match_the_shared_ones():
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.iterdir() if p.is_file()}
    bundled = {p.name: p.read_bytes() for p in BUNDLED_SEEDS.iterdir() if p.is_file()}
    assert bundled == shared
