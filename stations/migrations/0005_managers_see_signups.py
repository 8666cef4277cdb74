from django.db import migrations

GROUP_PREFIX = "站点管理员："
CODENAMES = {
    "view_activitysignup": "Can view 活动报名",
    "change_activitysignup": "Can change 活动报名",
}


def grant(apps, schema_editor):
    """Station manager groups made before activities existed get the sign-ups admin too (new
    groups get it from stations.managers.ensure_manager_group)."""
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.filter(name__startswith=GROUP_PREFIX))
    if not groups:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # Django makes permissions after the whole migrate run; these are needed now.
    content_type, _ = ContentType.objects.get_or_create(
        app_label="stations", model="activitysignup"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in CODENAMES.items()
    ]
    for group in groups:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0004_default_activity_categories"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
