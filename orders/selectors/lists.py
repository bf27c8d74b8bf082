"""Who sees which orders, payments, customers and products: the scoped querysets every
list starts from (its page, its export and the API), and one visible row."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from gendan import policy
from gendan.models import User
from gendan.roles import Role

from ..models import Customer, ImportBatch, Order, Payment, Product
from ..states import NOT_FULLY_SHIPPED, OPEN


def order_list_visible_to(user: User) -> QuerySet[Order]:
    """Every order ``user`` may see, with what a list row shows."""
    return policy.order_scope(user, Order.objects.select_related("customer", "owner"))


def order_list_open_for(user: User) -> QuerySet[Order]:
    """Visible orders still followed up, the nearest contract delivery date first."""
    return (
        order_list_visible_to(user).filter(status__in=OPEN).order_by("contract_delivery_date", "pk")
    )


def order_get_visible(user: User, order_id: int) -> Order | None:
    return order_list_visible_to(user).filter(pk=order_id).first()


def order_get_priced(user: User, order_id: int) -> Order | None:
    """A visible order whose money ``user`` may see (its proforma invoice), else None."""
    order = order_get_visible(user, order_id)
    if order is None or not policy.can(user, "payment.view", order):
        return None
    return order


def import_list(user: User):
    """The Excel imports ``user`` uploaded (each user sees only their own)."""
    return ImportBatch.objects.filter(created_by=user).defer("result")


def import_get_visible(user: User, batch_id: int) -> ImportBatch | None:
    return ImportBatch.objects.filter(created_by=user, pk=batch_id).first()


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Orders past their contract delivery date and not fully shipped."""
    return Q(
        **{
            f"{prefix}status__in": NOT_FULLY_SHIPPED,
            f"{prefix}contract_delivery_date__lt": today,
        }
    )


def with_overdue(queryset: QuerySet, today: dt.date) -> QuerySet:
    return queryset.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def order_list_with_overdue(user: User) -> QuerySet[Order]:
    """The visible orders, each with ``is_overdue``: the rows of the order page and its
    export (filtered by ``orders.filters.OrderFilterSet``)."""
    return with_overdue(order_list_visible_to(user), timezone.localdate())


def order_list_with_lines_visible_to(user: User) -> QuerySet[Order]:
    """Visible orders with their customer and lines (one query each)."""
    return order_list_visible_to(user).prefetch_related("lines")


def order_get_with_lines(order_id: int) -> Order:
    """One order with its lines, unscoped: for answering the caller who just changed it."""
    return (
        Order.objects.select_related("customer", "owner").prefetch_related("lines").get(pk=order_id)
    )


def payment_list_visible_to(user: User) -> QuerySet[Payment]:
    """Payments of the orders whose money ``user`` may see, with their receipts."""
    payments = Payment.objects.select_related("order").prefetch_related("receipts")
    return policy.related_scope(user, payments, "order", "payment.view")


def payment_get_visible(user: User, payment_id: int) -> Payment | None:
    return (
        policy.related_scope(
            user,
            Payment.objects.select_related("order", "order__customer", "order__owner"),
            "order",
            "payment.view",
        )
        .filter(pk=payment_id)
        .first()
    )


def customer_list_visible_to(user: User) -> QuerySet[Customer]:
    customers = Customer.objects.all()
    return customers if policy.can(user, "customer.view") else customers.none()


def product_list_visible_to(user: User) -> QuerySet[Product]:
    products = Product.objects.all()
    return products if policy.can(user, "product.view") else products.none()


def merchandiser_choices() -> QuerySet[User]:
    """Active merchandisers, for the owner filters and the reassign form: what their
    labels show (a choice of hundreds of people; a field read later is fetched then)."""
    people = User.objects.filter(groups__name=Role.MERCHANDISER, is_active=True)
    return people.order_by("username").only(*User.LABEL_FIELDS)
