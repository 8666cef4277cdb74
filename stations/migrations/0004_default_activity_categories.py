from django.db import migrations

# The kinds of activity the source documents name, so a fresh install has a usable list.
DEFAULT_CATEGORIES = [
    "社区治理",
    "养老服务",
    "儿童福利",
    "环境卫生",
    "文明引导",
    "助残",
    "应急",
    "培训",
]


def add_categories(apps, schema_editor):
    ActivityCategory = apps.get_model("stations", "ActivityCategory")
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        ActivityCategory.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("stations", "0003_activities")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
