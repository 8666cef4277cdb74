"""Station files (stations/files.py): who may see which images and documents.

- Station manager groups made before now get "change" on their station's collection, beside
  "add" and "choose", so a manager may edit, replace and delete any of the station's files, not
  only those they uploaded (new groups get it from stations.access.ensure_manager_group).
- 内容审核员 (stories 0003) lose "choose" on every image and document: they approve pages, and
  with it they listed every station's files in the choosers. What they review still shows its
  images and evidence (page preview, comparison, and the documents a page awaiting their
  approval uses).
"""

from django.db import migrations

MANAGER_PREFIX = "站点管理员："
REVIEWERS = "内容审核员"
# The collection permission a manager group holds → the one it gets beside it.
CHANGE_BESIDE_ADD = {
    ("wagtailimages", "image"): ("add_image", "change_image", "Can change image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "Can change document"),
}
REVIEWER_REVOKED = ("choose_image", "choose_document")


def grant_change(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.filter(name__startswith=MANAGER_PREFIX))
    if not groups:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for (app_label, model), (add, change, name) in CHANGE_BESIDE_ADD.items():
        # Django makes permissions after the whole migrate run; this one is needed now.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=change, defaults={"name": name}
        )
        held = GroupCollectionPermission.objects.filter(
            group__in=groups, permission__content_type=content_type, permission__codename=add
        ).values_list("group_id", "collection_id")
        for group_id, collection_id in held:
            GroupCollectionPermission.objects.get_or_create(
                group_id=group_id, collection_id=collection_id, permission=permission
            )


def revoke_reviewers_choose(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupCollectionPermission.objects.filter(
        group__name=REVIEWERS, permission__codename__in=REVIEWER_REVOKED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0005_managers_see_signups"),
        # The reviewers' group and its permissions are made there.
        ("stories", "0003_review_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(grant_change, migrations.RunPython.noop),
        migrations.RunPython(revoke_reviewers_choose, migrations.RunPython.noop),
    ]
