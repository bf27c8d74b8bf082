"""Issue 15 at scale: plans with their milestones and dependencies, materials, trial and
sealed samples, and sample requests, derived from the generated orders by set-based
``INSERT … SELECT`` (PostgreSQL), after the orders are loaded (``generate_data
--plans``, or ``add_plans()`` on a filled database).

What it writes, deterministically from the order ids:

- a plan from the default template for every confirmed order; its milestones dated
  back from the contract date by the template's offsets, at 7 calendar days per 5
  working days (an approximation: the holiday calendar is not applied at this
  scale); milestones before today done on their date, except on every tenth order,
  whose fit sample was approved a week late: its dependants' forecasts and the
  projected delivery are a week later and its late milestones are still open;
- two materials per order in production or before it (fabric, trims), required by
  the "materials in house" date; every twentieth order's fabric not in yet;
- a trial and a sealed sample on nine production orders in ten;
- a sample request for every tenth customer order, in the eight states in turn.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from orders.states import OrderStatus as S
from planning.models import MilestoneTemplate

SAMPLE_STATES = (
    "requested",
    "in_making",
    "made",
    "reviewed",
    "sent",
    "approved",
    "rejected",
    "revise",
)
BEFORE_PRODUCTION_DONE = (S.CONFIRMED, S.AWAITING_DEPOSIT, S.DEPOSIT_PAID, S.IN_PRODUCTION)


def _run(cursor, sql: str, params: list) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def add_plans(*, today: dt.date) -> dict[str, int]:
    """Write the rows above; the number written per table."""
    template = MilestoneTemplate.objects.filter(is_default=True).first()
    if template is None or connection.vendor != "postgresql":
        return {}
    counts = {}
    statuses = [str(s) for s in BEFORE_PRODUCTION_DONE]
    with connection.cursor() as c:
        counts["planning_plan"] = _run(
            c,
            "INSERT INTO planning_plan (order_id, template_id, contract_delivery_date,"
            " projected_delivery_date, created_at, updated_at)"
            " SELECT o.id, %s, o.contract_delivery_date, o.contract_delivery_date"
            " + CASE WHEN o.id %% 10 = 0 THEN 7 ELSE 0 END, o.confirmed_at, o.confirmed_at"
            " FROM orders_order o WHERE o.confirmed_at IS NOT NULL ORDER BY o.id",
            [template.pk],
        )
        # Steps from the fit sample on (position ≥ its own) move on a slipping order.
        counts["planning_milestone"] = _run(
            c,
            "WITH m AS (SELECT p.id AS plan_id, p.order_id, s.*,"
            "  p.contract_delivery_date - (s.offset_working_days * 7 / 5) AS planned,"
            "  (p.order_id %% 10 = 0 AND s.position >= fit.position"
            "   AND s.code NOT IN ('lab_dip', 'materials_in_house')) AS slips"
            "  FROM planning_plan p CROSS JOIN planning_templatestep s"
            "  JOIN planning_templatestep fit ON fit.template_id = s.template_id"
            "   AND fit.code = 'fit_sample'"
            "  WHERE s.template_id = %s)"
            " INSERT INTO planning_milestone (plan_id, code, name, position, owner_role,"
            " lifecycle_event, is_delivery, offset_working_days, planned_date, forecast_date,"
            " actual_date, note)"
            " SELECT plan_id, code, name, position, owner_role, lifecycle_event, is_delivery,"
            " offset_working_days, planned, planned + CASE WHEN slips THEN 7 ELSE 0 END,"
            " CASE WHEN code = 'fit_sample' AND slips AND planned + 7 < %s THEN planned + 7"
            "  WHEN NOT slips AND order_id %% 10 <> 0 AND planned < %s THEN planned END, ''"
            " FROM m ORDER BY plan_id, position",
            [template.pk, today, today],
        )
        counts["planning_milestone_depends_on"] = _run(
            c,
            "INSERT INTO planning_milestone_depends_on (from_milestone_id, to_milestone_id)"
            " SELECT m.id, d.id FROM planning_milestone m"
            " JOIN planning_templatestep s ON s.template_id = %s AND s.code = m.code"
            " JOIN planning_templatestep_depends_on sd ON sd.from_templatestep_id = s.id"
            " JOIN planning_templatestep ds ON ds.id = sd.to_templatestep_id"
            " JOIN planning_milestone d ON d.plan_id = m.plan_id AND d.code = ds.code",
            [template.pk],
        )
        counts["planning_material"] = _run(
            c,
            "INSERT INTO planning_material (order_id, kind, name, supplier, purchase_reference,"
            " quantity, unit, required_by, eta, received_quantity, received_on, note,"
            " created_by_id, updated_at)"
            " SELECT o.id, k.kind, k.name, k.supplier, 'MP-' || o.id || '-' || k.n,"
            " o.total_quantity * k.per_piece, k.unit, m.planned_date, m.planned_date,"
            " CASE WHEN k.n = 1 AND o.id %% 20 = 0 THEN 0 ELSE o.total_quantity * k.per_piece END,"
            " CASE WHEN k.n = 1 AND o.id %% 20 = 0 THEN NULL"
            "  ELSE LEAST(m.planned_date, %s) END, '', o.owner_id, o.confirmed_at"
            " FROM orders_order o"
            " JOIN planning_plan p ON p.order_id = o.id"
            " JOIN planning_milestone m ON m.plan_id = p.id AND m.code = 'materials_in_house'"
            " CROSS JOIN (VALUES (1, 'fabric', '面料', '绍兴纺织', 1.2, 'm'),"
            "  (2, 'trim', '辅料包', '义乌辅料', 1.0, 'set'))"
            "  AS k(n, kind, name, supplier, per_piece, unit)"
            " WHERE o.status = ANY(%s) AND m.planned_date >= o.order_date"
            " ORDER BY o.id, k.n",
            [today, statuses],
        )
        counts["samples_productionsample"] = _run(
            c,
            "INSERT INTO samples_productionsample (file, file_name, file_content_type,"
            " production_order_id, kind, recorded_on, is_correct, note, recorded_by_id,"
            " created_at)"
            " SELECT '', '', '', po.id, k.kind, po.issued_at::date, true, '', po.issued_by_id,"
            " po.issued_at FROM production_productionorder po"
            " CROSS JOIN (VALUES ('trial'), ('sealed')) AS k(kind)"
            " WHERE po.id %% 10 <> 3 ORDER BY po.id, k.kind",
            [],
        )
        counts["samples_samplerequest"] = _run(
            c,
            "INSERT INTO samples_samplerequest (number, customer_id, owner_id, item_number,"
            " raw_material, packing, colour_print, colour, shipping_mark, process, quantity,"
            " unit_price, currency, status, needs_new_mould, mould_status, charge_customer,"
            " sample_fee, courier_terms, review_note, courier, tracking_number, sent_on,"
            " verdict_comment, round, order_id, note, created_at, updated_at)"
            " SELECT 'SR-G-' || o.id, o.customer_id, o.owner_id, 'G-' || o.id, '全棉', '', '',"
            " '', '', '', 2, 10, o.currency, (%s::text[])[o.id / 10 %% 8 + 1],"
            " o.id %% 30 = 0, CASE WHEN o.id %% 30 = 0 THEN 'approved' ELSE 'not_needed' END,"
            " false, 0, '', '', '', '', NULL, '', 1, NULL, '', o.created_at, o.created_at"
            " FROM orders_order o WHERE o.id %% 10 = 0 ORDER BY o.id",
            [list(SAMPLE_STATES)],
        )
        c.execute(
            "ANALYZE planning_plan, planning_milestone, planning_milestone_depends_on,"
            " planning_material, samples_productionsample, samples_samplerequest"
        )
    return counts
