"""Install the default production stages (configurable in the admin afterwards)."""

from django.db import migrations

STAGES = [
    ("cutting", "裁剪", 10, False),
    ("sewing", "车缝", 20, False),
    ("finishing", "后整", 30, False),
    ("packing", "包装", 40, True),
]


def create_stages(apps, schema_editor):
    Stage = apps.get_model("production", "Stage")
    for code, name, position, is_output in STAGES:
        Stage.objects.get_or_create(
            code=code, defaults={"name": name, "position": position, "is_output": is_output}
        )


def remove_stages(apps, schema_editor):
    apps.get_model("production", "Stage").objects.filter(
        code__in=[code for code, *_ in STAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial")]

    operations = [migrations.RunPython(create_stages, remove_stages)]
