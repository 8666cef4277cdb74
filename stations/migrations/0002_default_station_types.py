from django.db import migrations

# The station types the source documents name, so a fresh install has a usable list.
DEFAULT_TYPES = [
    ("社工站", "镇（街）社会工作服务站"),
    ("学雷锋志愿服务站", "社区学雷锋志愿服务站（岗）"),
    ("公共文化设施志愿服务站点", "图书馆、文化馆、博物馆等公共文化设施中的志愿服务站点"),
    ("慈善捐赠站点", "设在社工站等处、接收社会捐赠的慈善捐赠站点"),
    ("城市志愿服务站", "设在街头、交通枢纽等处的城市志愿服务站"),
]


def add_types(apps, schema_editor):
    StationType = apps.get_model("stations", "StationType")
    for order, (name, description) in enumerate(DEFAULT_TYPES, start=1):
        StationType.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
