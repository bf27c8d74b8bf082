"""The order tallies (``StatusTally``, ``DeliveryTally``, ``ReceivableTally``): kept by
the services in the transaction of the change they count, rebuilt from the orders by
``rebuild``.

The supervisor dashboard shows every order by status and twelve months of on-time
delivery, per merchandiser and in all. Counted from a million orders that is
seconds; read from the tallies it is a few hundred rows.

Every function here runs inside the caller's transaction, after the caller has
locked the order. A tally row is changed by ``UPDATE … SET n = n + d`` (created
first when missing), so concurrent changes add up; the rows of one change are
touched in a fixed order, so two changes never wait for each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

# The shipments the delivery tally counts: shipping's model and the statuses that mean
# the goods left the factory, handed in by ShippingConfig.ready() (``count_shipments``),
# as orders does not import shipping.
_shipments: dict = {}


def count_shipments(model, *, gone) -> None:
    """Which model holds an order's shipments and which of their statuses mean "left"."""
    _shipments.update(model=model, gone=tuple(gone))


def _gone() -> tuple[str, ...]:
    """Shipment statuses that left the factory."""
    return _shipments["gone"]


def _bump(model, key: dict, **deltas: int) -> None:
    changes = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if not changes:
        return
    if model.objects.filter(**key).update(**changes) == 0:
        model.objects.bulk_create([model(**key)], ignore_conflicts=True)
        model.objects.filter(**key).update(**changes)


def _bump_statuses(changes: Iterable[tuple[int, str, int]]) -> None:
    from .models import StatusTally

    for owner_id, status, delta in sorted(changes):
        _bump(StatusTally, {"owner_id": owner_id, "status": status}, orders=delta)


def order_created(order) -> None:
    """A new order (a draft) of ``order.owner``."""
    _bump_statuses([(order.owner_id, order.status, 1)])


def status_changed(order, previous: str) -> None:
    """``order`` moved from ``previous`` to its status."""
    if previous != order.status:
        _bump_statuses([(order.owner_id, previous, -1), (order.owner_id, order.status, 1)])


def month_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def _on_time(order) -> int:
    """1 if the order's last shipment that left did so by the contract delivery date."""
    gone = order.shipments.filter(status__in=_gone())
    last = gone.aggregate(last=Max("actual_ship_date"))["last"]
    return int(last is not None and last <= order.contract_delivery_date)


def fully_shipped(order) -> None:
    """``order`` has just shipped its last quantity (``fully_shipped_at`` is set): one
    more order shipped in that month, on time if its last shipment left on or before
    the contract delivery date."""
    from .models import DeliveryTally

    key = {"owner_id": order.owner_id, "month": month_of(order.fully_shipped_at)}
    _bump(DeliveryTally, key, shipped=1, on_time=_on_time(order))


def owner_changed(order, previous_owner_id: int) -> None:
    """``order`` went from ``previous_owner_id`` to ``order.owner``: its counts follow."""
    from .models import DeliveryTally

    if previous_owner_id == order.owner_id:
        return
    _bump_statuses([(previous_owner_id, order.status, -1), (order.owner_id, order.status, 1)])
    if order.fully_shipped_at is not None:
        on_time, month = _on_time(order), month_of(order.fully_shipped_at)
        for owner_id, sign in sorted([(previous_owner_id, -1), (order.owner_id, 1)]):
            key = {"owner_id": owner_id, "month": month}
            _bump(DeliveryTally, key, shipped=sign, on_time=sign * on_time)


# --------------------------------------------------------------------------
# Receivables: what is still owed on open requests, by currency and due date
# --------------------------------------------------------------------------

# A payment's part of the receivable tally: (currency, due date, outstanding), or None
# when it is not an open request of money the customer owes.
Receivable = tuple[str, dt.date, Decimal] | None
RECEIVABLE_FIELDS = ("status", "kind", "amount_due", "amount_received", "due_date")


def receivable(currency: str, status: str, kind: str, due, received, due_date) -> Receivable:
    from .models import INCOMING_KINDS, OPEN_PAYMENT

    if status not in OPEN_PAYMENT or kind not in INCOMING_KINDS:
        return None
    return currency, due_date, due - received


def receivable_stored(payment_id: int) -> tuple[str, Receivable]:
    """The payment's currency and its part as its row stands (before a change)."""
    from .models import Payment

    rows = Payment.objects.filter(pk=payment_id)
    currency, *values = rows.values_list("order__currency", *RECEIVABLE_FIELDS).get()
    return currency, receivable(currency, *values)


def receivable_of(payment, currency: str | None = None) -> Receivable:
    """The part of ``payment`` as it is in memory, in the order's currency (fixed
    before an order asks for money)."""
    values = [getattr(payment, name) for name in RECEIVABLE_FIELDS]
    return receivable(currency or payment.order.currency, *values)


def in_receivable_order(payments: Iterable) -> list:
    """``payments`` (of one order, already locked) in the order of their receivable tally
    rows: a change of several requests (a cancellation, a discount) bumps those rows in
    the same order as every other change does, so two never wait for each other."""
    return sorted(payments, key=lambda payment: (payment.due_date or dt.date.min, payment.pk))


def receivable_changed(before: Receivable, after: Receivable) -> None:
    """A payment's part went from ``before`` to ``after`` (either None)."""
    from .models import ReceivableTally

    if before == after:
        return
    changes: dict[tuple[str, dt.date], list] = {}
    for part, sign in ((before, -1), (after, 1)):
        if part is not None:
            currency, due_date, outstanding = part
            change = changes.setdefault((currency, due_date), [Decimal(0), 0])
            change[0] += sign * outstanding
            change[1] += sign
    for (currency, due_date), (outstanding, requests) in sorted(changes.items()):
        key = {"currency": currency, "due_date": due_date}
        _bump(ReceivableTally, key, outstanding=outstanding, requests=requests)


# --------------------------------------------------------------------------
# Rebuilding from the orders
# --------------------------------------------------------------------------


def last_shipped(shipment_model=None) -> Subquery:
    """The day the order's last shipment that left, left (an expression over orders).
    ``shipment_model``: a migration's historical model, else shipping's."""
    shipment_model = shipment_model or _shipments["model"]
    return Subquery(
        shipment_model.objects.filter(order_id=OuterRef("pk"), status__in=_gone())
        .order_by("-actual_ship_date")
        .values("actual_ship_date")[:1]
    )


@transaction.atomic
def rebuild(apps=global_apps) -> tuple[int, int]:
    """Recount both tallies from the orders (after a bulk load, or to check them).
    Holds off order changes meanwhile (on PostgreSQL, a SHARE lock on the orders).
    Returns the number of rows of each tally."""
    order_model = apps.get_model("orders", "Order")
    status_model = apps.get_model("orders", "StatusTally")
    delivery_model = apps.get_model("orders", "DeliveryTally")
    shipment_model = apps.get_model("shipping", "Shipment")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {order_model._meta.db_table} IN SHARE MODE")
    status_model.objects.all().delete()
    delivery_model.objects.all().delete()
    counts = (
        order_model.objects.order_by()
        .values("owner_id", "status")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "status", "n")
    )
    statuses = status_model.objects.bulk_create(
        [status_model(owner_id=o, status=s, orders=n) for o, s, n in counts], batch_size=2000
    )
    months = (
        order_model.objects.filter(fully_shipped_at__isnull=False)
        .order_by()
        .annotate(
            month=TruncMonth("fully_shipped_at", tzinfo=timezone.get_current_timezone()),
            last_ship=last_shipped(shipment_model),
        )
        .values("owner_id", "month")
        .annotate(
            shipped=Count("pk"),
            on_time=Sum(
                Case(
                    When(last_ship__lte=F("contract_delivery_date"), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
        )
        .values_list("owner_id", "month", "shipped", "on_time")
    )
    deliveries = delivery_model.objects.bulk_create(
        [delivery_model(owner_id=o, month=_date(m), shipped=n, on_time=t) for o, m, n, t in months],
        batch_size=2000,
    )
    rebuild_receivables(apps)
    return len(statuses), len(deliveries)


def rebuild_receivables(apps=global_apps) -> int:
    """Recount the receivable tally from the payments (inside ``rebuild``'s lock, or a
    migration's transaction); the number of its rows. Skipped before the migration
    that adds it (an earlier migration rebuilds the order tallies)."""
    from .models import INCOMING_KINDS, OPEN_PAYMENT

    try:
        tally_model = apps.get_model("orders", "ReceivableTally")
    except LookupError:
        return 0
    payment_model = apps.get_model("orders", "Payment")
    tally_model.objects.all().delete()
    sums = (
        payment_model.objects.filter(status__in=OPEN_PAYMENT, kind__in=INCOMING_KINDS)
        .order_by()
        .values("order__currency", "due_date")
        .annotate(outstanding=Sum(F("amount_due") - F("amount_received")), requests=Count("pk"))
        .values_list("order__currency", "due_date", "outstanding", "requests")
    )
    rows = tally_model.objects.bulk_create(
        [tally_model(currency=c, due_date=d, outstanding=o, requests=n) for c, d, o, n in sums],
        batch_size=2000,
    )
    return len(rows)


def _date(month) -> dt.date:
    if isinstance(month, dt.datetime):
        return timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
    return month
