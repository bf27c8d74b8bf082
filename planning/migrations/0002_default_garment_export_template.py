"""The default time-and-action template of a garment export order (admin-editable
afterwards): each milestone with its owner role, its offset in working days before
the contract delivery date (negative: after it), its dependencies and the lifecycle
event that completes it, if any."""

from django.db import migrations

CODE = "garment-export"
# (code, name, owner role, offset, lifecycle event, is delivery, depends on)
STEPS = [
    ("order_confirmed", "订单确认", "merchandiser", 60, "confirmed", False, []),
    ("lab_dip", "色样确认（Lab dip）", "customer", 50, "", False, ["order_confirmed"]),
    ("fit_sample", "试身样确认（Fit sample）", "customer", 45, "", False, ["order_confirmed"]),
    ("pp_sample", "产前样确认（PP sample）", "customer", 35, "", False, ["lab_dip", "fit_sample"]),
    ("materials_in_house", "面辅料到厂", "purchasing", 30, "", False, ["lab_dip"]),
    (
        "cutting_start",
        "开裁",
        "production",
        25,
        "production_issued",
        False,
        ["pp_sample", "materials_in_house"],
    ),
    ("inline_inspection", "中期检验", "qc", 15, "", False, ["cutting_start"]),
    ("final_inspection", "尾期检验", "qc", 5, "final_inspection", False, ["inline_inspection"]),
    ("ex_factory", "出厂", "merchandiser", 0, "shipped", True, ["final_inspection"]),
    ("documents_sent", "寄单", "documents", -5, "", False, ["ex_factory"]),
    ("payment_received", "收款", "finance", -15, "paid", False, ["documents_sent"]),
]


def install(apps, schema_editor):
    Template = apps.get_model("planning", "MilestoneTemplate")
    Step = apps.get_model("planning", "TemplateStep")
    template, created = Template.objects.get_or_create(
        code=CODE,
        defaults={"name": "服装出口订单（默认）", "is_default": True, "is_active": True},
    )
    if not created:
        return
    steps = {}
    for position, (code, name, role, offset, event, delivery, _deps) in enumerate(STEPS, 1):
        steps[code] = Step.objects.create(
            template=template,
            code=code,
            name=name,
            position=position * 10,
            owner_role=role,
            offset_working_days=offset,
            lifecycle_event=event,
            is_delivery=delivery,
        )
    for code, *_rest, deps in STEPS:
        steps[code].depends_on.set([steps[d] for d in deps])


def uninstall(apps, schema_editor):
    apps.get_model("planning", "MilestoneTemplate").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
