"""My work: what needs my action next, grouped by the next step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import policy, workdays
from gendan.models import User
from gendan.roles import Role, roles_of

from ..models import Order
from ..states import OrderStatus
from .finance import payment_list_to_confirm
from .lists import order_list_visible_to, with_overdue


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


def orders_missing_progress(queryset: QuerySet[Order], today: dt.date) -> QuerySet[Order]:
    """Orders in production whose live production order, issued before the last
    working day, has no progress report since that day."""
    from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder, ProgressReport

    since = previous_working_day(today)
    stale = ProductionOrder.objects.filter(
        order_id=OuterRef("pk"),
        status__in=ACTIVE_PRODUCTION_STATUSES,
        issued_at__date__lt=since,
    ).exclude(
        Exists(ProgressReport.objects.filter(production_order_id=OuterRef("pk"), date__gte=since))
    )
    return queryset.filter(status=OrderStatus.IN_PRODUCTION).filter(Exists(stale))


def my_work(user: User, *, limit: int = 8, today: dt.date | None = None) -> list[WorkGroup]:
    """The groups of my next steps: a merchandiser's own orders; a supervisor's whole
    department; finance's payments to confirm; production's orders without progress."""
    from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder
    from shipping.models import OPEN_AFTER_SALES_STATUSES, AfterSalesCase

    today = today or timezone.localdate()
    roles = roles_of(user)
    groups: list[WorkGroup] = []
    S = OrderStatus
    if user.is_superuser or roles & {Role.MERCHANDISER, Role.SUPERVISOR}:
        if Role.MERCHANDISER in roles and not (user.is_superuser or Role.SUPERVISOR in roles):
            base = Order.objects.filter(owner=user).select_related("customer", "owner")
            mine = f"owner={user.pk}&"
        else:
            base = order_list_visible_to(user)
            mine = ""
        base = with_overdue(base, today).order_by("contract_delivery_date", "pk")
        open_cases = AfterSalesCase.objects.filter(
            order_id=OuterRef("pk"), status__in=OPEN_AFTER_SALES_STATUSES
        )
        ship_ready = Q(status__in=(S.PAID, S.PARTIALLY_SHIPPED)) | Q(
            status__in=(S.PRODUCED, S.AWAITING_BALANCE), credit_released=True
        )
        steps = [
            ("to_confirm", _("待确认"), base.filter(status=S.DRAFT), f"status={S.DRAFT}"),
            (
                "to_request_deposit",
                _("待通知付订金"),
                base.filter(status=S.CONFIRMED),
                f"status={S.CONFIRMED}",
            ),
            (
                "to_issue_production",
                _("待下达生产"),
                base.filter(status=S.DEPOSIT_PAID),
                f"status={S.DEPOSIT_PAID}",
            ),
            (
                "progress_missing",
                _("缺生产日报"),
                orders_missing_progress(base, today),
                f"status={S.IN_PRODUCTION}",
            ),
            (
                "to_request_balance",
                _("待通知付尾款"),
                base.filter(status=S.PRODUCED, credit_released=False),
                f"status={S.PRODUCED}",
            ),
            (
                "to_ship",
                _("待出货"),
                base.filter(ship_ready),
                f"status={S.PAID}&status={S.PARTIALLY_SHIPPED}",
            ),
            (
                "to_confirm_delivery",
                _("待客户签收"),
                base.filter(status=S.SHIPPED),
                f"status={S.SHIPPED}",
            ),
            (
                "to_close",
                _("待结案"),
                base.filter(status=S.DELIVERED).exclude(Exists(open_cases)),
                f"status={S.DELIVERED}",
            ),
            (
                "open_after_sales",
                _("售后处理中"),
                base.filter(Exists(open_cases)),
                "",
            ),
        ]
        for key, label, queryset, query in steps:
            count = queryset.count()
            if count:
                link = f"?{mine}{query}" if query else ""
                groups.append(WorkGroup(key, label, list(queryset[:limit]), count, "order", link))
    if user.is_superuser or Role.FINANCE in roles:
        payments = payment_list_to_confirm(user)
        count = payments.count()
        if count:
            groups.append(
                WorkGroup(
                    "payments_to_confirm", _("待确认收款"), list(payments[:limit]), count, "payment"
                )
            )
    if Role.PRODUCTION in roles:
        visible = policy.related_scope(
            user,
            ProductionOrder.objects.filter(status__in=ACTIVE_PRODUCTION_STATUSES),
            "order",
            "progress_report.create",
        )
        missing = orders_missing_progress(Order.objects.all(), today).values("pk")
        stale = (
            visible.filter(order_id__in=missing)
            .select_related("order", "order__customer")
            .order_by("planned_finish", "pk")
        )
        count = stale.count()
        if count:
            groups.append(
                WorkGroup(
                    "production_progress_missing",
                    _("缺生产日报的生产单"),
                    list(stale[:limit]),
                    count,
                    "production_order",
                )
            )
    return groups
