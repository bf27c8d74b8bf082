"""What the data migrations install: the default template, the three preset schemes
of the seeds, and the beat entry of the working-day-1 task."""

from decimal import Decimal

from django_celery_beat.models import PeriodicTask

from kpi.models import AssessmentTemplate, PayScheme
from tests.kpi.helpers import EXPORT, PRODUCTION, SALES

M = Decimal


def test_the_default_template_has_the_spec_weights_and_limits(db):
    template = AssessmentTemplate.objects.get(is_default=True)
    assert template.weights == {
        "on_time": M(20),
        "completion": M(10),
        "complaints": M(10),
        "resolution": M(10),
    }
    assert (template.incident_limit_hours, template.after_sales_limit_hours) == (48, 72)


def components(code):
    scheme = PayScheme.objects.get(code=code)
    assert scheme.is_preset and scheme.is_active
    return {c.kind: c for c in scheme.components.all()}


def test_the_three_seed_schemes_are_presets(db):
    production = components(PRODUCTION)
    assert production["position_salary"].amount == M("700.00")
    assert production["processing_fee"].amount == M("50.00")
    assert (production["overtime"].amount, production["absence"].amount) == (M(2), M(2))
    award = production["quality_award"]
    assert (award.amount, award.penalty_threshold, award.loss_threshold) == (
        M(250),
        M(200),
        M(1000),
    )
    rules = {r.code: r for r in PayScheme.objects.get(code=PRODUCTION).penalty_rules.all()}
    assert len(rules) == 6
    assert [
        (b.up_to, b.percent, b.fixed_amount, b.flag)
        for b in rules["quality-accident"].brackets.all()
    ] == [
        (M(3000), M(5), M(0), ""),
        (M(10000), M(10), M(0), ""),
        (None, M(0), M(1000), "year_end_bonus_cancelled"),
    ]
    assert (
        rules["air-freight"].kind,
        rules["air-freight"].min_amount,
        rules["air-freight"].max_amount,
    ) == ("range", M(100), M(500))
    assert {
        rules[c].amount
        for c in (
            "no-first-article-seal",
            "trial-sample",
            "no-spot-check-report",
            "insubordination",
        )
    } == {M(100)}

    sales = components(SALES)["commission"]
    assert (sales.rate_permille, sales.basis, sales.scaled_by_score) == (
        M("0.5"),
        "fully_shipped",
        True,
    )
    assert components(EXPORT)["declaration_bonus"].amount == M("30.00")


def test_the_beat_entry_runs_the_task_every_morning_in_shanghai(db):
    task = PeriodicTask.objects.get(task="kpi.tasks.assessment_compute_month_task")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("6", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
