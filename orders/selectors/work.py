"""My work: what needs my action next, grouped by the next step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import workdays
from gendan.models import User
from gendan.roles import Role, roles_of

from .. import signals
from ..models import Order
from ..states import OrderStatus
from .finance import payment_list_to_confirm


@dataclass
class WorkGroup:
    key: str
    label: Any
    items: list = field(default_factory=list)
    count: int = 0
    kind: str = "order"  # "order", "payment" or "production_order"
    link: str = ""  # query string of the order list (or a page) showing the whole group


def previous_working_day(today: dt.date) -> dt.date:
    """The last working day before ``today`` (one query for the calendar)."""
    exceptions = workdays._exceptions(today - dt.timedelta(days=30), today)
    day = today - dt.timedelta(days=1)
    while not workdays._is_working(day, exceptions):
        day -= dt.timedelta(days=1)
    return day


def order_conditions(today: dt.date) -> dict[str, Any]:
    """The conditions on orders that the apps above orders state (orders.signals)."""
    conditions: dict[str, Any] = {}
    for _receiver, answer in signals.order_conditions.send(sender=Order, today=today):
        conditions.update(answer)
    return conditions


# The next steps of an order (my work's groups, the order list's ``?next_step=``), in
# the order my work shows them.
NEXT_STEPS = (
    ("to_confirm", _("待确认")),
    ("to_request_deposit", _("待通知付订金")),
    ("to_issue_production", _("待下达生产")),
    ("progress_missing", _("缺生产日报")),
    ("to_request_balance", _("待通知付尾款")),
    ("to_ship", _("待出货")),
    ("to_confirm_delivery", _("待客户签收")),
    ("to_close", _("待结案")),
    ("open_after_sales", _("售后处理中")),
)


def next_step_conditions(today: dt.date) -> dict[str, Any]:
    """{next step: the condition on orders waiting for it} (``NEXT_STEPS``); the
    conditions production and shipping state come through orders.signals."""
    S = OrderStatus
    # "progress_missing" (production) and "open_after_sales" (shipping): orders.signals.
    conditions = order_conditions(today)
    open_cases = conditions["open_after_sales"]
    ship_ready = Q(status__in=(S.PAID, S.PARTIALLY_SHIPPED)) | Q(
        status__in=(S.PRODUCED, S.AWAITING_BALANCE), credit_released=True
    )
    return {
        "to_confirm": Q(status=S.DRAFT),
        "to_request_deposit": Q(status=S.CONFIRMED),
        "to_issue_production": Q(status=S.DEPOSIT_PAID),
        "progress_missing": conditions["progress_missing"],
        "to_request_balance": Q(status=S.PRODUCED, credit_released=False),
        "to_ship": ship_ready,
        "to_confirm_delivery": Q(status=S.SHIPPED),
        "to_close": Q(status=S.DELIVERED) & ~Q(open_cases),
        "open_after_sales": Q(open_cases),
    }


def my_work(user: User, *, limit: int = 8, today: dt.date | None = None) -> list[WorkGroup]:
    """The groups of my next steps: a merchandiser's own orders; a supervisor's whole
    department; finance's payments to confirm; production's orders without progress.
    An order group counts the order list of its ``link`` (``orders.figures``)."""
    from ..figures import work_figures  # figures count through the FilterSet (filters.py)

    today = today or timezone.localdate()
    roles = roles_of(user)
    groups: list[WorkGroup] = []
    if user.is_superuser or roles & {Role.MERCHANDISER, Role.SUPERVISOR}:
        for figure, queryset, count in work_figures(user):
            if count:
                items = list(queryset.order_by("contract_delivery_date", "pk")[:limit])
                groups.append(
                    WorkGroup(figure.key, figure.label, items, count, "order", figure.query)
                )
    if user.is_superuser or Role.FINANCE in roles:
        payments = payment_list_to_confirm(user)
        count = payments.count()
        if count:
            groups.append(
                WorkGroup(
                    "payments_to_confirm", _("待确认收款"), list(payments[:limit]), count, "payment"
                )
            )
    # Production's production orders without progress (orders.signals.work_groups).
    for _receiver, more in signals.work_groups.send(
        sender=Order, user=user, roles=roles, today=today, limit=limit
    ):
        groups.extend(more)
    return groups
