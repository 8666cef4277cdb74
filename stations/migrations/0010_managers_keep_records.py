from django.db import migrations

GROUP_PREFIX = "站点管理员："
# model -> codenames; a copy, as migrations must not import app code that may change.
GRANTS = {
    "checkin": ("签到", ("view",)),
    "servicerecord": ("服务记录", ("view", "change")),
    "correctionrequest": ("更正申请", ("view", "change")),
    "certificaterequest": ("证明申请", ("view", "change")),
    "servicecertificate": ("志愿服务记录证明", ("view", "add", "change")),
    "exchangeitem": ("兑换项目", ("view", "add", "change", "delete")),
    "pointexchange": ("积分兑换", ("view", "change")),
}


def grant(apps, schema_editor):
    """Station manager groups made before service records existed get their admins too (new
    groups get them from stations.access.ensure_manager_group)."""
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.filter(name__startswith=GROUP_PREFIX))
    if not groups:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for model, (verbose_name, actions) in GRANTS.items():
        # Django makes permissions after the whole migrate run; these are needed now.
        content_type, _ = ContentType.objects.get_or_create(app_label="stations", model=model)
        for action in actions:
            permissions.append(
                Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {verbose_name}"},
                )[0]
            )
    for group in groups:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("stations", "0009_service_records")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
