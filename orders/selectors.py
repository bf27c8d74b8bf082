"""Reads of orders scoped by the permission policy."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from gendan import policy
from gendan.models import User

from .models import Customer, Order, OrderEvent, Payment, Product
from .states import NOT_FULLY_SHIPPED, OPEN


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


# --- reads of the REST API (each list's queries do not depend on its length) ------------


def customer_list_visible_to(user: User) -> QuerySet[Customer]:
    customers = Customer.objects.all()
    return customers if policy.can(user, "customer.view") else customers.none()


def product_list_visible_to(user: User) -> QuerySet[Product]:
    products = Product.objects.all()
    return products if policy.can(user, "product.view") else products.none()


def order_list_with_lines_visible_to(user: User) -> QuerySet[Order]:
    """Visible orders with their customer and lines (one query each)."""
    return order_list_visible_to(user).prefetch_related("lines")


def order_get_with_lines(order_id: int) -> Order:
    """One order with its lines, unscoped: for answering the caller who just changed it."""
    return (
        Order.objects.select_related("customer", "owner").prefetch_related("lines").get(pk=order_id)
    )


def order_events(order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first."""
    return order.events.select_related("actor").order_by("created_at", "pk")


def orders_overdue(orders: QuerySet[Order], today: dt.date | None = None) -> QuerySet[Order]:
    """Orders whose contract delivery date has passed and that are not fully shipped."""
    today = today or timezone.localdate()
    return orders.filter(contract_delivery_date__lt=today, status__in=NOT_FULLY_SHIPPED)


def payment_list_visible_to(user: User) -> QuerySet[Payment]:
    """Payments of the orders whose money ``user`` may see, with their receipts."""
    payments = Payment.objects.select_related("order").prefetch_related("receipts")
    return policy.related_scope(user, payments, "order", "payment.view")
