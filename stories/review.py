"""The editorial roles of the review workflow (made by migration stories 0003)."""

from django.contrib.auth.models import Group

from home.base.accounts import ensure_member

EDITORS_GROUP = "内容编辑"
REVIEWERS_GROUP = "内容审核员"
WORKFLOW_NAME = "内容发布审核"


def ensure_staff_user(*, username: str, group_name: str, password: str) -> bool:
    """A demo editor or reviewer in its group; returns whether the account was created."""
    return ensure_member(Group.objects.get(name=group_name), username=username, password=password)


def publish_approved(workflow_state, user=None):
    """What finishing an approved workflow does (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).

    Wagtail's default publishes as the last approver and so requires them to hold publish
    permission, which would also let reviewers publish their own pages without review. Here the
    approval itself is the authority: reviewers approve, nobody but administrators publishes
    directly. A go-live time in the future still only schedules the page.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
