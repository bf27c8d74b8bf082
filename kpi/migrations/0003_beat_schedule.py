"""Celery beat: every morning at 06:00 Asia/Shanghai; the task itself checks whether
today is the month's first working day (kpi-and-pay.md §3, step 1)."""

from django.db import migrations

TASK_NAME = "kpi: 月度考核初稿（每月第 1 个工作日）"
TASK = "kpi.tasks.assessment_compute_month_task"


def install(apps, schema_editor=None):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "enabled": True,
            "description": "计算上月全部跟单员的考核初稿和工资草稿；非第 1 个工作日不做任何事。",
        },
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0002_presets"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
