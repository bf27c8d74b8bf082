"""Query expressions for the sweeps: whole days between dates, a date plus days, and the
plan curve of a production order, so that each rule decides in SQL, set-based.

The project runs on PostgreSQL and, for development, SQLite; each expression has
a form for both.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from production.models import PlanMilestone, ProgressReport, Stage


def date_value(day: dt.date) -> Value:
    return Value(day, output_field=DateField())


class _TwoArgumentSql(Func):
    """A function of two expressions written, per database, as a template and the text
    that joins the two arguments in it (``sql[connection.vendor]``)."""

    arity = 2
    sql: dict[str, tuple[str, str]]

    def as_sql(self, compiler, connection, **extra_context):
        template, arg_joiner = self.sql[connection.vendor]
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=arg_joiner, **extra_context
        )


class DaysBetween(_TwoArgumentSql):
    """``end - start`` in whole days, for two date expressions."""

    output_field = IntegerField()
    sql = {
        # date - date is an integer number of days.
        "postgresql": ("(CAST(%(expressions)s AS date))", " AS date) - CAST("),
        "sqlite": ("CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)", ") - julianday("),
    }

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)


class AddDays(_TwoArgumentSql):
    """A date expression plus a whole number of days (an integer expression)."""

    output_field = DateField()
    sql = {
        "postgresql": ("(CAST(%(expressions)s AS integer))", " AS date) + CAST("),
        "sqlite": ("date(%(expressions)s))", ", printf('%%+d days', "),
    }


class LeastOf(Subquery):
    """The least value of ``column`` in a queryset's rows: of a sliced one too (the
    earliest of the last n days), which an aggregate in the ORM cannot take. One
    lookup where ``Coalesce`` of the n-th and the first would be two."""

    def __init__(self, queryset, column: str, **extra):
        super().__init__(queryset, **extra)
        self.column = column

    def as_sql(self, compiler, connection, template=None, **extra_context):
        column = connection.ops.quote_name(self.column)
        template = f"(SELECT MIN(least_of.{column}) FROM (%(subquery)s) least_of)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def big(expression) -> Cast:
    """Widen to 64 bits before multiplying quantities by days or percentages."""
    return Cast(expression, BigIntegerField())


def output_reports(**filters):
    """Progress reports at an output stage (e.g. packing) of the outer production order.

    The output stages are read first (a handful of rows) and named by id: each
    correlated lookup is then one index range scan on (production order, date, stage),
    not a join with the stage table per production order, which at a million orders
    was a third of a sweep's time in these lookups."""
    output_stages = list(Stage.objects.filter(is_output=True).values_list("pk", flat=True))
    stages = Q(stage__in=output_stages) if output_stages else Q(stage__is_output=True)
    return ProgressReport.objects.filter(
        stages, production_order=OuterRef("pk"), **filters
    ).order_by()


def summed_good_quantity(reports) -> Coalesce:
    """Sum of ``good_quantity`` over a correlated queryset of progress reports (0 when none)."""
    total = reports.values("production_order").annotate(total=Sum("good_quantity")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def produced_by(on: dt.date) -> Coalesce:
    """Good quantity reported at the output stages up to and including ``on``
    (``production.selectors.produced_quantity`` as of a date, for a queryset), plus
    the quantity carried over from a superseded production order."""
    return F("carried_quantity") + summed_good_quantity(output_reports(date__lte=on))


def planned_cumulative_by(on: dt.date) -> Expression:
    """Planned cumulative quantity of the outer production order by ``on``, in SQL.

    The curve of ``production.selectors.planned_cumulative``: the carried-over
    quantity (0 unless the order was amended) up to the day before the planned
    start, then linear through the milestones to the whole quantity on the
    planned finish, integer division as there. Milestones are
    taken between planned start and finish, where the production order form
    puts them.
    """
    day = date_value(on)
    milestones = PlanMilestone.objects.filter(
        production_order=OuterRef("pk"),
        date__gte=OuterRef("planned_start"),
        date__lte=OuterRef("planned_finish"),
    ).order_by()
    before = milestones.filter(date__lt=on).order_by("-date")[:1]
    after = milestones.filter(date__gte=on).order_by("date")[:1]

    def offset(queryset):  # the milestone's date as days from ``on``
        return Subquery(
            queryset.annotate(x=DaysBetween(F("date"), day)).values("x"),
            output_field=IntegerField(),
        )

    def quantity(queryset):
        return Subquery(queryset.values("planned_cumulative_quantity"), output_field=IntegerField())

    start_x = DaysBetween(F("planned_start"), day)
    finish_x = DaysBetween(F("planned_finish"), day)
    # The points before and after ``on``, as (days from ``on``, planned cumulative quantity):
    # before it the last milestone, else the day before the start with 0; after it the
    # next milestone, else the planned finish with the whole quantity.
    x0 = Coalesce(offset(before), start_x - 1)
    q0 = Coalesce(quantity(before), F("carried_quantity"))
    x1 = Coalesce(offset(after), finish_x)
    q1 = Coalesce(quantity(after), F("quantity"))

    def line(x0, q0, x1, q1):  # the line through (x0, q0) and (x1, q1) at x = 0
        return q0 + big(q1 - q0) * (-x0) / (x1 - x0)

    return Case(
        When(planned_start__gt=on, then=F("carried_quantity")),
        When(planned_finish__lt=on, then=F("quantity")),
        # Most production orders have no milestones: one index probe says so, and the
        # line from start to finish follows without the six lookups of the points
        # (what they give then: their defaults).
        When(
            ~Exists(milestones),
            then=line(start_x - 1, F("carried_quantity"), finish_x, F("quantity")),
        ),
        default=line(x0, q0, x1, q1),
        output_field=IntegerField(),
    )
