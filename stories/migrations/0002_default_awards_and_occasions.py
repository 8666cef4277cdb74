from django.db import migrations

# The tiers and occasions the source documents name (Shenzhen's 五星、百优、市长奖; Guangzhou's
# commendations of stations, organisations, volunteers and projects), so a fresh install has a
# usable list. Editors change it under 片段.
DEFAULT_AWARDS = [
    # name, conferred by, level, tier
    ("五星志愿者", "深圳市义工联合会", "municipal", 1),
    ("百优志愿者", "深圳市义工联合会", "municipal", 2),
    ("市长奖", "深圳市人民政府", "municipal", 3),
    ("优秀志愿者", "广州市志愿者协会", "municipal", 1),
    ("优秀志愿服务组织", "广州市志愿者协会", "municipal", 2),
    ("优秀志愿服务项目", "广州市志愿者协会", "municipal", 2),
    ("优秀社区志愿服务站点", "广州市志愿者协会", "municipal", 2),
]
DEFAULT_OCCASIONS = ["学雷锋志愿服务月", "12·5 国际志愿者日", "志愿者协会年会", "年度嘉许"]


def add_defaults(apps, schema_editor):
    Award = apps.get_model("stories", "Award")
    Occasion = apps.get_model("stories", "Occasion")
    for name, conferred_by, level, tier in DEFAULT_AWARDS:
        Award.objects.get_or_create(
            name=name, defaults={"conferred_by": conferred_by, "level": level, "tier": tier}
        )
    for order, name in enumerate(DEFAULT_OCCASIONS, start=1):
        Occasion.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
