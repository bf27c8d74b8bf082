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
# What it writes (``generate`` drops and rebuilds their indexes around it).
PLAN_TABLES = (
    "planning_plan",
    "planning_milestone",
    "planning_milestone_depends_on",
    "planning_material",
    "samples_productionsample",
    "samples_samplerequest",
)
# The template's steps, numbered 0…n-1 in plan order (k), with their number (n): a
# plan's k-th milestone takes the id ``first milestone id + plan index × n + k``, so
# the dependencies follow from the ids alone, without reading the milestones back.
STEPS = (
    "steps AS (SELECT s.*, (row_number() OVER (ORDER BY s.position, s.id) - 1)::int AS k,"
    " (count(*) OVER ())::int AS n FROM planning_templatestep s WHERE s.template_id = %(template)s)"
)


def _run(cursor, sql: str, params) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def add_plans(*, today: dt.date, analyze: bool = True) -> dict[str, int]:
    """Write the rows above for every order; the number written per table. The
    planning tables are expected to be empty (``generate`` truncates them with the
    order domain). ``analyze=False``: the caller analyzes them (after rebuilding their
    indexes)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        plans = Plans(cursor, today=today)
        plans.add(cursor)
        plans.finish(cursor, analyze=analyze)
    return plans.counts


class Plans:
    """``add_plans`` in steps: ``add`` derives the rows of the orders (and production
    orders) of some id range, as soon as they are loaded; ``finish`` once all are.
    ``generate`` calls ``add`` after each chunk's COPY, in the writer's thread, so that
    PostgreSQL derives one chunk's plans while Python makes the next chunk.

    The plans take consecutive ids in order id order, so milestone and dependency ids
    follow from a plan's id (see ``STEPS``).

    Tried and measured, not kept: the same ``SELECT``s streamed through ``COPY (SELECT
    …) TO STDOUT (FORMAT binary)`` and the bytes back by ``COPY … FROM STDIN (FORMAT
    binary, FREEZE)`` (the planning tables are truncated in the load's transaction).
    The multi-insert of ``COPY FROM`` is cheaper than ``INSERT … SELECT`` (1.08 million
    milestones: 1.9 s of backend CPU against 2.5 s), but the binary ``COPY TO`` costs
    more than that (1.6 s: a send function per column and row), and this process reads
    the rows one message at a time: the plans step took 7.9 s of backend CPU instead of
    7.2 s at 100,000 orders, 22.2 s instead of 20.2 s at 300,000, plus 2.5 s and 6.3 s of
    Python; the final ``VACUUM`` it spares is under a second."""

    def __init__(self, cursor, *, today: dt.date) -> None:
        template = MilestoneTemplate.objects.filter(is_default=True).first()
        self.counts: dict[str, int] = dict.fromkeys(PLAN_TABLES, 0) if template else {}
        if template is None:
            return
        # Sorting a chunk's (or all) milestones in memory rather than in temporary files.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        self.first_plan = _next_id(cursor, "planning_plan")
        self.params = {
            "template": template.pk,
            "first_plan": self.first_plan,
            "milestone": _next_id(cursor, "planning_milestone"),
            "today": today,
            "statuses": [str(s) for s in BEFORE_PRODUCTION_DONE],
            "sample_states": list(SAMPLE_STATES),
        }
        self.next_dependency = _next_id(cursor, "planning_milestone_depends_on")

    def add(
        self,
        c,
        orders: tuple[int, int] = (0, 2**62),
        production_orders: tuple[int, int] = (0, 2**62),
    ) -> None:
        """The rows of the orders and production orders with ids in these ranges
        (inclusive), which must come after those of the previous calls."""
        if not self.counts:
            return
        counts = self.counts
        p = {
            **self.params,
            "plan": self.first_plan + counts["planning_plan"],
            "dependency": self.next_dependency,
            "lo": orders[0],
            "hi": orders[1],
            "po_lo": production_orders[0],
            "po_hi": production_orders[1],
        }
        counts["planning_plan"] += _run(
            c,
            "INSERT INTO planning_plan (id, order_id, template_id, contract_delivery_date,"
            " projected_delivery_date, created_at, updated_at)"
            " SELECT %(plan)s - 1 + row_number() OVER (ORDER BY o.id), o.id, %(template)s,"
            " o.contract_delivery_date, o.contract_delivery_date"
            " + CASE WHEN o.id %% 10 = 0 THEN 7 ELSE 0 END, o.confirmed_at, o.confirmed_at"
            " FROM orders_order o WHERE o.id BETWEEN %(lo)s AND %(hi)s"
            " AND o.confirmed_at IS NOT NULL ORDER BY o.id",
            p,
        )
        # Steps from the fit sample on (position ≥ its own) move on a slipping order.
        counts["planning_milestone"] += _run(
            c,
            f"WITH {STEPS}, m AS (SELECT p.id AS plan_id, p.order_id, s.*,"
            "  p.contract_delivery_date - (s.offset_working_days * 7 / 5) AS planned,"
            "  (p.order_id %% 10 = 0 AND s.position >= fit.position"
            "   AND s.code NOT IN ('lab_dip', 'materials_in_house')) AS slips"
            "  FROM planning_plan p CROSS JOIN steps s"
            "  JOIN steps fit ON fit.code = 'fit_sample'"
            "  WHERE p.id >= %(plan)s)"
            " INSERT INTO planning_milestone (id, plan_id, code, name, position, owner_role,"
            " lifecycle_event, is_delivery, offset_working_days, planned_date, forecast_date,"
            " actual_date, note)"
            " SELECT %(milestone)s + (plan_id - %(first_plan)s) * n + k, plan_id, code, name,"
            " position, owner_role, lifecycle_event, is_delivery,"
            " offset_working_days, planned, planned + CASE WHEN slips THEN 7 ELSE 0 END,"
            " CASE WHEN code = 'fit_sample' AND slips AND planned + 7 < %(today)s"
            "  THEN planned + 7"
            "  WHEN NOT slips AND order_id %% 10 <> 0 AND planned < %(today)s THEN planned END,"
            " '' FROM m ORDER BY plan_id, k",
            p,
        )
        # A step's dependencies, as pairs of step numbers, repeated for every plan.
        dependencies = _run(
            c,
            f"WITH {STEPS}, pairs AS (SELECT f.k AS k_from, t.k AS k_to, f.n"
            "  FROM planning_templatestep_depends_on sd"
            "  JOIN steps f ON f.id = sd.from_templatestep_id"
            "  JOIN steps t ON t.id = sd.to_templatestep_id)"
            " INSERT INTO planning_milestone_depends_on (id, from_milestone_id, to_milestone_id)"
            " SELECT %(dependency)s - 1 + row_number() OVER (ORDER BY p.id, k_from, k_to),"
            " %(milestone)s + (p.id - %(first_plan)s) * n + k_from,"
            " %(milestone)s + (p.id - %(first_plan)s) * n + k_to"
            " FROM planning_plan p CROSS JOIN pairs"
            " WHERE p.id >= %(plan)s AND EXISTS (SELECT FROM steps WHERE code = 'fit_sample')"
            " ORDER BY p.id, k_from, k_to",
            p,
        )
        counts["planning_milestone_depends_on"] += dependencies
        self.next_dependency += dependencies
        # Required by the plan's "materials in house" date (its milestone's planned
        # date, computed the same way). The orders are this chunk's by id too, not only
        # through its plans: without that PostgreSQL (no statistics during the load)
        # hashed every order loaded so far against the chunk's plans, on every chunk: 91
        # s of the plans' PostgreSQL time at 1,000,000 orders, growing with the square.
        counts["planning_material"] += _run(
            c,
            f"WITH {STEPS}"
            " INSERT INTO planning_material (order_id, kind, name, supplier, purchase_reference,"
            " quantity, unit, required_by, eta, received_quantity, received_on, note,"
            " created_by_id, updated_at)"
            " SELECT o.id, k.kind, k.name, k.supplier, 'MP-' || o.id || '-' || k.n,"
            " o.total_quantity * k.per_piece, k.unit, m.planned_date, m.planned_date,"
            " CASE WHEN k.n = 1 AND o.id %% 20 = 0 THEN 0 ELSE o.total_quantity * k.per_piece END,"
            " CASE WHEN k.n = 1 AND o.id %% 20 = 0 THEN NULL"
            "  ELSE LEAST(m.planned_date, %(today)s) END, '', o.owner_id, o.confirmed_at"
            " FROM orders_order o"
            " JOIN planning_plan p ON p.order_id = o.id AND p.id >= %(plan)s"
            " CROSS JOIN LATERAL (SELECT p.contract_delivery_date"
            "  - (s.offset_working_days * 7 / 5) AS planned_date"
            "  FROM steps s WHERE s.code = 'materials_in_house'"
            "  AND EXISTS (SELECT FROM steps WHERE code = 'fit_sample')) m"
            " CROSS JOIN (VALUES (1, 'fabric', '面料', '绍兴纺织', 1.2, 'm'),"
            "  (2, 'trim', '辅料包', '义乌辅料', 1.0, 'set'))"
            "  AS k(n, kind, name, supplier, per_piece, unit)"
            " WHERE o.id BETWEEN %(lo)s AND %(hi)s AND o.status = ANY(%(statuses)s)"
            " AND m.planned_date >= o.order_date"
            " ORDER BY o.id, k.n",
            p,
        )
        counts["samples_productionsample"] += _run(
            c,
            "INSERT INTO samples_productionsample (file, file_name, file_content_type,"
            " production_order_id, kind, recorded_on, is_correct, note, recorded_by_id,"
            " created_at)"
            " SELECT '', '', '', po.id, k.kind, po.issued_at::date, true, '', po.issued_by_id,"
            " po.issued_at FROM production_productionorder po"
            " CROSS JOIN (VALUES ('trial'), ('sealed')) AS k(kind)"
            " WHERE po.id BETWEEN %(po_lo)s AND %(po_hi)s AND po.id %% 10 <> 3"
            " ORDER BY po.id, k.kind",
            p,
        )
        counts["samples_samplerequest"] += _run(
            c,
            "INSERT INTO samples_samplerequest (number, customer_id, owner_id, item_number,"
            " raw_material, packing, colour_print, colour, shipping_mark, process, quantity,"
            " unit_price, currency, status, needs_new_mould, mould_status, charge_customer,"
            " sample_fee, courier_terms, review_note, courier, tracking_number, sent_on,"
            " verdict_comment, round, order_id, note, created_at, updated_at)"
            " SELECT 'SR-G-' || o.id, o.customer_id, o.owner_id, 'G-' || o.id, '全棉', '', '',"
            " '', '', '', 2, 10, o.currency, (%(sample_states)s::text[])[o.id / 10 %% 8 + 1],"
            " o.id %% 30 = 0, CASE WHEN o.id %% 30 = 0 THEN 'approved' ELSE 'not_needed' END,"
            " false, 0, '', '', '', '', NULL, '', 1, NULL, '', o.created_at, o.created_at"
            " FROM orders_order o WHERE o.id BETWEEN %(lo)s AND %(hi)s AND o.id %% 10 = 0"
            " ORDER BY o.id",
            p,
        )

    def finish(self, c, *, analyze: bool = True) -> None:
        """The id sequences moved past the ids given here; statistics (unless the
        caller gathers them after rebuilding the indexes)."""
        if not self.counts:
            return
        for table in ("planning_plan", "planning_milestone", "planning_milestone_depends_on"):
            c.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1,"
                f" false) FROM {table}",
                [table],
            )
        if analyze:
            c.execute(f"ANALYZE {', '.join(PLAN_TABLES)}")
