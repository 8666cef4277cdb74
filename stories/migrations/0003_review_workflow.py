"""The review workflow, made here so that a fresh install has it before any content exists.

内容编辑 write and submit pages; 内容审核员 approve them (approval publishes, or schedules the
page when it has a go-live time) or request changes with a comment the editor sees. Neither group
may publish directly, so nothing an editor writes goes live without a reviewer's approval. The
workflow is assigned to the root page, so it covers every page: stories, policies and news alike.
"""

from django.db import migrations

EDITORS = "内容编辑"
REVIEWERS = "内容审核员"
WORKFLOW = "内容发布审核"
TASK = "审核员审核"

PAGE_PERMISSIONS = {EDITORS: ["add_page", "change_page"], REVIEWERS: ["change_page", "lock_page"]}
COLLECTION_PERMISSIONS = {
    EDITORS: [
        ("wagtailimages", "image", ["add", "change", "choose"]),
        ("wagtaildocs", "document", ["add", "change", "choose"]),
    ],
    REVIEWERS: [
        ("wagtailimages", "image", ["choose"]),
        ("wagtaildocs", "document", ["choose"]),
    ],
}
# The award and occasion lists are editorial: editors keep them.
MODEL_PERMISSIONS = {
    EDITORS: [
        ("wagtailadmin", "admin", ["access"]),
        ("stories", "award", ["add", "change", "view"]),
        ("stories", "occasion", ["add", "change", "view"]),
    ],
    REVIEWERS: [("wagtailadmin", "admin", ["access"])],
}


def _permission(apps, app_label, model, codename):
    # Django creates permissions after the whole migrate run; these are needed now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def create_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    groups = {}
    for name in (EDITORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for app_label, model, actions in MODEL_PERMISSIONS[name]:
            group.permissions.add(
                *(_permission(apps, app_label, model, f"{action}_{model}") for action in actions)
            )
        if root_page is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=_permission(apps, "wagtailcore", "page", codename),
                )
        if root_collection is not None:
            for app_label, model, actions in COLLECTION_PERMISSIONS[name]:
                for action in actions:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(apps, app_label, model, f"{action}_{model}"),
                    )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.add(groups[REVIEWERS])
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if root_page is not None:
        # Replaces Wagtail's default "Moderators approval" on the root: a page has one workflow.
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_default_awards_and_occasions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
