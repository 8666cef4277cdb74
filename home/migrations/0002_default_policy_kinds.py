from django.db import migrations

# The kinds named in the issue, so a fresh install has a usable list; editors extend it.
DEFAULT_KINDS = ["条例", "规章", "通知", "意见", "建议答复", "案例", "经验交流"]


def add_kinds(apps, schema_editor):
    PolicyKind = apps.get_model("home", "PolicyKind")
    for order, name in enumerate(DEFAULT_KINDS, start=1):
        PolicyKind.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
