"""The default assessment template and the three pay schemes of the seeds, as presets.

Finance edits them afterwards (they are data, not code). Amounts the seeds do
not state (a position salary) are 0.00, to be filled in per position.
``install`` is also used by the tests after a transactional flush.
"""

from decimal import Decimal as D

from django.db import migrations

TEMPLATE = {
    "name": "默认考核模板",
    "is_default": True,
    "weight_on_time": D("20"),
    "weight_completion": D("10"),
    "weight_complaints": D("10"),
    "weight_resolution": D("10"),
    "incident_limit_hours": 48,
    "after_sales_limit_hours": 72,
}

# code, name, description, components, penalty rules
SCHEMES = [
    (
        "production-processing-fee",
        "生产跟单：基本工资 + 延时工资（按加工费）",
        "综合工时工资制：基本工资 700 元/月；延时工资按全月加工费 50 元/万元；"
        "出勤不足按 2 元/小时扣发；加班按 2 元/小时；文明生产质量奖 250 元/月"
        "（当月本人扣款 200 元以下、公司损失 1000 元以下享受，出勤不足按比例扣发）；"
        "考核扣款按下列规则。",
        [
            {"kind": "position_salary", "label": "基本工资", "amount": D("700.00")},
            {"kind": "processing_fee", "label": "延时工资", "amount": D("50.00")},
            {
                "kind": "quality_award",
                "label": "文明生产质量奖",
                "amount": D("250.00"),
                "penalty_threshold": D("200.00"),
                "loss_threshold": D("1000.00"),
            },
            {"kind": "overtime", "label": "加班工时补助工资", "amount": D("2.00")},
            {"kind": "absence", "label": "出勤不足扣发", "amount": D("2.00")},
        ],
        [
            {
                "code": "quality-accident",
                "name": "批量性质量事故",
                "kind": "percent_of_loss",
                "brackets": [
                    {"up_to": D("3000.00"), "percent": D("5")},
                    {"up_to": D("10000.00"), "percent": D("10")},
                    {
                        "up_to": None,
                        "percent": D("0"),
                        "fixed_amount": D("1000.00"),
                        "flag": "year_end_bonus_cancelled",
                    },
                ],
            },
            {"code": "no-first-article-seal", "name": "未首件封样", "kind": "fixed",
             "amount": D("100.00")},
            {"code": "air-freight", "name": "不能及时交货造成空运", "kind": "range",
             "min_amount": D("100.00"), "max_amount": D("500.00")},
            {"code": "trial-sample", "name": "不做试板样或试板样不准确", "kind": "fixed",
             "amount": D("100.00")},
            {"code": "no-spot-check-report", "name": "不填写质量抽查报表", "kind": "fixed",
             "amount": D("100.00")},
            {"code": "insubordination", "name": "不服从领导安排", "kind": "fixed",
             "amount": D("100.00")},
        ],
    ),
    (
        "sales-commission",
        "销售跟单：岗位工资 + 提成 × 绩效考核得分%",
        "月总工资 = 岗位工资 + 提成 × 绩效考核得分%；提成为当月所跟单全部出货订单金额的 0.5‰。"
        "岗位工资按岗位填写。",
        [
            {"kind": "position_salary", "label": "岗位工资", "amount": D("0.00")},
            {
                "kind": "commission",
                "label": "提成",
                "rate_permille": D("0.5"),
                "basis": "fully_shipped",
                "scaled_by_score": True,
            },
        ],
        [],
    ),
    (
        "export-declaration-bonus",
        "外贸跟单：基本工资 + 报关提成",
        "按出货报关单数提成，每票 30 元（试用期内不提成），每年年底（农历新年前）一次性发放。"
        "跟单员过失（额外费用、出货延迟、单据错误、退税延误）取消该单奖励；每月累计 2 次取消当月，"
        "3 次以上取消整个季度；每季度累计 5 次以上取消全年；每年累计 8 次以上视自动离职处理"
        "（仅提示人事复核）。基本工资按岗位填写。",
        [
            {"kind": "position_salary", "label": "基本工资", "amount": D("0.00")},
            {"kind": "declaration_bonus", "label": "报关提成", "amount": D("30.00")},
        ],
        [],
    ),
]


def install(apps, schema_editor=None):
    Template = apps.get_model("kpi", "AssessmentTemplate")
    Scheme = apps.get_model("kpi", "PayScheme")
    Component = apps.get_model("kpi", "PayComponent")
    Rule = apps.get_model("kpi", "PenaltyRule")
    Bracket = apps.get_model("kpi", "PenaltyBracket")
    if not Template.objects.filter(is_default=True).exists():
        Template.objects.get_or_create(name=TEMPLATE["name"], defaults=TEMPLATE)
    for code, name, description, components, rules in SCHEMES:
        scheme, created = Scheme.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "is_preset": True}
        )
        if not created:
            continue
        for position, component in enumerate(components, start=1):
            Component.objects.create(scheme=scheme, position=position, **component)
        for position, rule in enumerate(rules, start=1):
            brackets = rule.pop("brackets", [])
            created_rule = Rule.objects.create(scheme=scheme, position=position, **rule)
            rule["brackets"] = brackets
            for bracket in brackets:
                Bracket.objects.create(rule=created_rule, **bracket)


def uninstall(apps, schema_editor):
    apps.get_model("kpi", "PayScheme").objects.filter(
        code__in=[code for code, *_ in SCHEMES], assignments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
