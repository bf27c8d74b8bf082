"""The one-line summary of an order event on the timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gendan.templatetags.gendan_ui import money, qty
from orders.models import ApprovalKind, EventType, PaymentKind
from orders.states import OrderStatus

register = template.Library()


@register.simple_tag
def product_options(products, selected) -> str:
    """The line editor's product ``<option>``s (``orders.views.orders.ProductChoices``)."""
    return mark_safe(products.html(selected))


# The one-line text of the event types that production and shipping write on the
# order's timeline (inspections, after-sales cases), registered from their
# AppConfig.ready(): event type -> text(event, currency).
EVENT_TEXTS: dict[str, Callable[[Any, str], str]] = {}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


@register.simple_tag
def event_text(event, currency: str = "") -> str:
    data, kind = event.data or {}, event.type
    if kind == EventType.STATUS_CHANGED:
        return f"{_label(OrderStatus, event.from_status)} → {_label(OrderStatus, event.to_status)}"
    if kind == EventType.PAYMENT_REQUESTED:
        return _("%(kind)s %(amount)s，到期日 %(due)s") % {
            "kind": _label(PaymentKind, data.get("kind")),
            "amount": money(data.get("amount_due"), currency),
            "due": data.get("due_date", ""),
        }
    if kind == EventType.PAYMENT_RECEIVED:
        return _("%(kind)s 到账 %(amount)s（%(date)s）") % {
            "kind": _label(PaymentKind, data.get("kind")),
            "amount": money(data.get("amount"), currency),
            "date": data.get("received_on", ""),
        }
    if kind in (EventType.PAYMENT_VOIDED, EventType.REFUND_FLAGGED):
        return money(data.get("amount_due") or data.get("amount"), currency)
    if kind == EventType.APPROVAL:
        return _label(ApprovalKind, data.get("kind"))
    if kind == EventType.AMENDED:
        return _("版本 %(r)s，新总金额 %(amount)s") % {
            "r": data.get("revision", ""),
            "amount": money(data.get("total_amount"), currency),
        }
    if kind == EventType.DISCOUNTED:
        return _("折扣 %(amount)s，总金额 %(previous)s → %(total)s") % {
            "amount": money(data.get("amount"), currency),
            "previous": money(data.get("previous_total"), currency),
            "total": money(data.get("total_amount"), currency),
        }
    if kind == EventType.PROGRESS_REPORTED:
        return _("%(number)s %(date)s 良品 %(good)s") % {
            "number": data.get("number", ""),
            "date": data.get("date", ""),
            "good": qty(data.get("good_quantity", 0)),
        }
    if kind in EVENT_TEXTS:
        return EVENT_TEXTS[kind](event, currency)
    if kind == EventType.UPDATED:
        return ""
    if "number" in data:
        return str(data["number"])
    return ""
