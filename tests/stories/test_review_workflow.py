"""Every story passes review: editors submit, reviewers approve or send it back with a comment.

The groups and the workflow come from migration stories 0003, so these tests see exactly what a
fresh install has: nothing here creates them.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from stories.models import StoryPage
from stories.review import EDITORS_GROUP, REVIEWERS_GROUP, WORKFLOW_NAME
from tests.admin_forms import add_url, edit_url
from tests.factories.stories import StoryPageFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-review-123"


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_user(django_user_model):
    return staff(django_user_model, "writer", EDITORS_GROUP)


@pytest.fixture
def reviewer_user(django_user_model):
    return staff(django_user_model, "checker", REVIEWERS_GROUP)


@pytest.fixture
def writer(client, editor_user):
    client.force_login(editor_user)
    return client


@pytest.fixture
def checker(reviewer_user):
    from django.test import Client

    checker = Client()
    checker.force_login(reviewer_user)
    return checker


def story_form(action: str, **overrides) -> dict:
    fields = {
        "title": "社区里的好邻居",
        "slug": "good-neighbour",
        "summary": "十年如一日陪伴独居老人。",
        "story_date": "2025-12-05",
        "honoree_kind": "volunteer",
        "honoree_name": "陈姨（化名）",
        "year": "2025",
        "body": streamfield([("paragraph", rich_text("<p>她每周两次到社工站。</p>"))]),
        action: action,
    }
    fields.update(overrides)
    return nested_form_data(fields)


def submit_story(writer, story_index, **overrides) -> StoryPage:
    response = writer.post(
        add_url(StoryPage, story_index), story_form("action-submit", **overrides)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return StoryPage.objects.get(slug=overrides.get("slug", "good-neighbour"))


def current_task(page) -> TaskState:
    return WorkflowState.objects.active().get(object_id=str(page.pk)).current_task_state


def act(client, page, action: str, **data):
    task_state = current_task(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client.post(url, data)


def test_a_fresh_install_has_the_groups_and_the_workflow(story_index):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.active
    [task] = [t.specific for t in workflow.tasks]
    assert [g.name for g in task.groups.all()] == [REVIEWERS_GROUP]
    # Assigned at the root, so every page, and every story, goes through it.
    assert Page.get_first_root_node().get_workflow() == workflow
    assert StoryPageFactory(parent=story_index).get_workflow() == workflow
    editors = Group.objects.get(name=EDITORS_GROUP)
    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    for group in (editors, reviewers):
        assert group.permissions.filter(codename="access_admin").exists()
        assert not group.page_permissions.filter(permission__codename="publish_page").exists()
    assert editors.page_permissions.filter(permission__codename="add_page").exists()


def test_an_editor_cannot_publish_a_story(writer, story_index):
    response = writer.post(add_url(StoryPage, story_index), story_form("action-publish"))
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="good-neighbour")
    assert not story.live  # saved as a draft: the editor has no publish permission
    assert story.get_latest_revision() is not None
    # Nor through the edit view.
    writer.post(edit_url(story), story_form("action-publish"))
    story.refresh_from_db()
    assert not story.live


def test_submitting_puts_the_story_in_review_not_online(writer, client, story_index):
    story = submit_story(writer, story_index)
    assert not story.live
    assert story.workflow_in_progress
    assert current_task(story).task.name == "审核员审核"
    writer.logout()
    assert client.get("/stories/good-neighbour/").status_code == 404


def test_an_editor_cannot_approve_their_own_story(writer, story_index):
    story = submit_story(writer, story_index)
    act(writer, story, "approve")
    story.refresh_from_db()
    assert not story.live
    assert current_task(story).status == TaskState.STATUS_IN_PROGRESS


def test_a_reviewer_approves_and_the_story_goes_live(writer, checker, client, story_index):
    story = submit_story(writer, story_index)
    # The reviewer finds it on their dashboard.
    dashboard = checker.get(reverse("wagtailadmin_home")).content.decode()
    assert "社区里的好邻居" in dashboard
    response = act(checker, story, "approve", comment="写得很好")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.live
    assert not story.workflow_in_progress
    assert client.get(story.url).status_code == 200


def test_a_reviewer_asks_for_changes_and_the_editor_sees_why(writer, checker, story_index):
    story = submit_story(writer, story_index)
    act(checker, story, "reject", comment="请删去老人的门牌号，保护个人信息。")
    story.refresh_from_db()
    assert not story.live
    state = WorkflowState.objects.get(object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    history = writer.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=(story.pk, state.pk))
    ).content.decode()
    assert "请删去老人的门牌号，保护个人信息。" in history
    # The editor fixes it and submits again; approval then publishes the fixed text.
    writer.post(
        edit_url(story),
        story_form(
            "action-submit",
            body=streamfield([("paragraph", rich_text("<p>她每周两次到社工站，风雨无阻。</p>"))]),
        ),
    )
    act(checker, story, "approve")
    story.refresh_from_db()
    assert story.live
    assert "风雨无阻" in str(story.body[0].value)


def test_a_reviewer_cannot_publish_directly_either(checker, story_index):
    story = StoryPageFactory(parent=story_index, live=False, title="草稿")
    story.save_revision()
    checker.post(edit_url(story), story_form("action-publish", slug=story.slug))
    story.refresh_from_db()
    assert not story.live


def test_an_approved_story_with_a_go_live_time_waits_for_it(writer, checker, story_index):
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    story = submit_story(writer, story_index, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    act(checker, story, "approve")
    story.refresh_from_db()
    assert not story.live
    revision = story.get_latest_revision()
    assert revision.approved_go_live_at is not None
    call_command("publish_scheduled", verbosity=0)
    story.refresh_from_db()
    assert not story.live  # not yet
    # Two days later, the scheduler (cron: manage.py publish_scheduled) publishes it.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    call_command("publish_scheduled", verbosity=0)
    story.refresh_from_db()
    assert story.live
