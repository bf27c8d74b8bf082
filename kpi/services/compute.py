"""The monthly computation: the performance part from the month's facts, then the
draft pay (``kpi.services.statements``).

Everything is read for all people at once (``kpi.selectors``), computed with
``kpi.scoring`` and written back in bulk, so the number of queries does not
grow with the number of people or orders. Finalised assessments are never
touched: a rerun after finalisation changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import policy
from gendan.bounds import storable
from gendan.db import bulk_update, work_mem_for_transaction
from gendan.models import User

from .. import events, periods, scoring, selectors
from ..models import (
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentTemplate,
    PaySchemeAssignment,
)
from ..states import OPEN, AssessmentStatus, ensure_transition
from ._common import lock_assessment, past_period
from .statements import refresh_pay

A = AssessmentStatus
NO_DATA_NOTE_PREFIX = "【无数据】"
METRIC_FIELDS = (
    "shipped_count",
    "on_time_count",
    "due_count",
    "completed_count",
    "complaint_count",
    "resolution_count",
    "resolved_in_time_count",
    "on_time_points",
    "completion_points",
    "complaints_points",
    "resolution_points",
    "performance",
    "performance_is_manual",
    "performance_note",
    "total_score",
    "template",
)

# --------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------

# What the month's sorts and hashes may take in memory (``work_mem_for_transaction``).
KPI_WORK_MEM = "64MB"


@storable
@transaction.atomic
def assessment_compute_month(
    *, actor: User | None, period: dt.date, person_ids: Iterable[int] | None = None
) -> list[Assessment]:
    """Compute the drafts of ``period`` for every merchandiser (or ``person_ids``):
    the performance part from the month's facts and the draft pay.

    Missing assessments are created; open ones (draft, sent, confirmed,
    disputed) are recomputed; finalised and exported ones are left exactly as
    they are. ``actor`` None is the scheduled task. Raises PermissionDenied.
    """
    if actor is not None:
        policy.require(actor, "assessment.compute")
    period = past_period(period)
    # The year's declarations of everyone, joined with their orders and counted by month
    # and person, hashed in memory rather than in temporary files (4 MB by default).
    work_mem_for_transaction(KPI_WORK_MEM)
    if person_ids is None:
        ids = set(selectors.merchandiser_ids())
        ids |= set(Assessment.objects.filter(period=period).values_list("person_id", flat=True))
    else:
        ids = set(person_ids)
    ids = sorted(ids)
    assignments = selectors.scheme_assignments(ids, periods.last_day(period))
    default = selectors.default_template()
    templates = {pk: _template_of(assignments.get(pk), default) for pk in ids}
    # Create what is missing; a concurrent run creates the same rows, so conflicts are skipped.
    Assessment.objects.bulk_create(
        [Assessment(person_id=pk, period=period, template=templates[pk]) for pk in ids],
        ignore_conflicts=True,
    )
    # Then lock every row of the month for these people, in primary-key order.
    rows = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(period=period, person_id__in=ids)
        .select_related("person")
        .order_by("pk")
    )
    _compute(rows, period, actor=actor, assignments=assignments, templates=templates)
    return rows


@storable
@transaction.atomic
def assessment_compute(*, actor: User | None, assessment_id: int) -> Assessment:
    """Recompute one open assessment (see ``assessment_compute_month``).
    Raises NotFound, PermissionDenied, InvalidTransition (when finalised)."""
    assessment = lock_assessment(assessment_id)
    if actor is not None:
        policy.require(actor, "assessment.compute", assessment)
    ensure_transition(assessment, "compute")
    period = assessment.period
    assignments = selectors.scheme_assignments([assessment.person_id], periods.last_day(period))
    templates = {
        assessment.person_id: _template_of(
            assignments.get(assessment.person_id), selectors.default_template()
        )
    }
    _compute([assessment], period, actor=actor, assignments=assignments, templates=templates)
    return assessment


def _template_of(
    assignment: PaySchemeAssignment | None, default: AssessmentTemplate
) -> AssessmentTemplate:
    if assignment is not None and assignment.scheme.assessment_template_id:
        return assignment.scheme.assessment_template
    return default


def _compute(
    rows: list[Assessment],
    period: dt.date,
    *,
    actor: User | None,
    assignments: dict[int, PaySchemeAssignment],
    templates: dict[int, AssessmentTemplate],
) -> None:
    open_rows = [row for row in rows if row.status in OPEN]
    if not open_rows:
        return
    by_template: dict[int, list[Assessment]] = defaultdict(list)
    for row in open_rows:
        row.template = templates[row.person_id]
        by_template[row.template.pk].append(row)
    now = timezone.now()
    history = []
    for group in by_template.values():
        template = group[0].template
        counts = selectors.metric_counts([r.person_id for r in group], period, template)
        for row in group:
            before = (row.performance, row.total_score)
            _apply_metrics(row, counts[row.person_id], template)
            row.computed_at = now
            # The history entry: the counts and the performance (its data), and when a
            # confirmed assessment changes, its return to sent.
            entry = {
                "counts": {name: getattr(row, name) for name in METRIC_FIELDS[:7]},
                "performance": row.performance,
            }
            changed = (row.performance, row.total_score) != before
            if row.status == A.CONFIRMED and changed and row.confirmed_at is not None:
                # The person confirmed other figures: they confirm again.
                entry |= {
                    "from_status": row.status,
                    "to_status": A.SENT,
                    "note": _("重新计算后得分变化，需重新确认。"),
                }
                row.status = A.SENT
                row.confirmed_at = None
            history.append(events.build(row, AssessmentAction.COMPUTED, actor=actor, **entry))
    for row in open_rows:
        row.updated_at = now
    bulk_update(open_rows, [*METRIC_FIELDS, "computed_at", "status", "confirmed_at", "updated_at"])
    AssessmentEvent.record_many(history)
    refresh_pay(open_rows, period, assignments=assignments)


def _apply_metrics(row: Assessment, counts: selectors.MetricCounts, template) -> None:
    row.shipped_count = counts.shipped
    row.on_time_count = counts.on_time
    row.due_count = counts.due
    row.completed_count = counts.completed
    row.complaint_count = counts.complaints
    row.resolution_count = counts.resolution_total
    row.resolved_in_time_count = counts.resolved_in_time
    rates = {
        "on_time": scoring.on_time_rate(counts.on_time, counts.shipped),
        "completion": scoring.completion_rate(counts.completed, counts.due),
        "complaints": scoring.complaints_rate(counts.complaints, counts.shipped),
        "resolution": scoring.resolution_rate(counts.resolved_in_time, counts.resolution_total),
    }
    result = scoring.performance(rates, template.weights)
    row.on_time_points = result.points["on_time"]
    row.completion_points = result.points["completion"]
    row.complaints_points = result.points["complaints"]
    row.resolution_points = result.points["resolution"]
    if result.has_data:
        # Computed from now on: a note about the missing data or a manual entry is obsolete.
        if row.performance_is_manual or row.performance_note.startswith(NO_DATA_NOTE_PREFIX):
            row.performance_note = ""
        row.performance = result.total
        row.performance_is_manual = False
    elif not row.performance_is_manual:
        # No metric had data: the supervisor enters the performance part by hand.
        row.performance = None
        row.performance_note = NO_DATA_NOTE_PREFIX + _(
            "本月没有可计算的数据（无出货、无到期订单、无异常和售后），请主管手工录入工作绩效并说明。"
        )
    row.total_score = scoring.total_score(row.performance, row.teamwork, row.attitude)
