"""The order form's header and its line editor, amendments."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput, PercentField
from gendan.roles import Role, roles_of

from .. import selectors, services
from ..models import (
    ZERO,
    ConfirmationMethod,
    Customer,
    Order,
    Product,
)

CURRENCIES = [(c, c) for c in ("CNY", "USD", "EUR", "HKD", "GBP", "JPY")]


# --------------------------------------------------------------------------
# Order lines: rows of the line editor (any number, added and removed with htmx)
# --------------------------------------------------------------------------

LINE_FIELDS = (
    "product",
    "description",
    "series",
    "colour",
    "size",
    "spec",
    "quantity",
    "unit",
    "unit_price",
)
LINE_ERROR = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


@dataclass
class LineRow:
    key: str
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    amount: Decimal | None = None

    @property
    def is_blank(self) -> bool:
        filled = ("product", "description", "colour", "size", "spec", "quantity", "unit_price")
        return not any(self.values.get(name) for name in filled)


class LineRows:
    """The rows of the line editor, read from ``line-<field>`` inputs (one per row)."""

    def __init__(self, rows: list[LineRow]):
        self.rows = rows
        self.errors: list[str] = []

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex[:10]

    @classmethod
    def blank(cls, count: int = 1) -> LineRows:
        return cls([LineRow(cls.new_key(), dict.fromkeys(LINE_FIELDS, "")) for _ in range(count)])

    @classmethod
    def from_order(cls, order: Order) -> LineRows:
        rows = []
        for line in order.lines.all():
            values = {name: str(getattr(line, name) or "") for name in LINE_FIELDS}
            values["product"] = str(line.product_id or "")
            rows.append(LineRow(cls.new_key(), values, amount=line.amount))
        return cls(rows or cls.blank().rows)

    @classmethod
    def from_post(cls, data) -> LineRows:
        keys = data.getlist("line-key")
        columns = {name: data.getlist(f"line-{name}") for name in LINE_FIELDS}
        rows = []
        for i, key in enumerate(keys):
            values = {
                name: (column[i].strip() if i < len(column) else "")
                for name, column in columns.items()
            }
            row = LineRow(key or cls.new_key(), values)
            if not row.is_blank:
                rows.append(row)
        return cls(rows)

    def raw(self) -> list[dict[str, Any]]:
        """The lines as the services take them (amounts are theirs to compute)."""
        lines = []
        for row in self.rows:
            line: dict[str, Any] = {
                name: row.values[name] for name in LINE_FIELDS if name != "product"
            }
            product = row.values["product"]
            line["product"] = int(product) if product.isdigit() else (product or None)
            lines.append(line)
        return lines

    def place(self, name: str, messages: list) -> bool:
        """Put a service's ``lines[i].field`` error on its row."""
        if name == "lines":
            self.errors.extend(str(m) for m in messages)
            return True
        match = LINE_ERROR.match(name)
        if not match or int(match.group(1)) >= len(self.rows):
            return False
        row = self.rows[int(match.group(1))]
        row.errors.setdefault(match.group(2), []).extend(str(m) for m in messages)
        return True

    def preview(self, deposit_ratio: Decimal | None = None) -> dict[str, Any]:
        """Amounts as the services will compute them, for the totals shown while typing."""
        product_ids = {int(r.values["product"]) for r in self.rows if r.values["product"].isdigit()}
        prices = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "default_price"))
        total, quantity = ZERO, 0
        for row in self.rows:
            row.amount = None
            raw_quantity, raw_price = row.values["quantity"], row.values["unit_price"]
            if not raw_quantity.isdigit():
                continue
            try:
                price = Decimal(raw_price) if raw_price else None
            except InvalidOperation:
                continue
            if price is None and row.values["product"].isdigit():
                price = prices.get(int(row.values["product"]))
            if price is None or not price.is_finite() or price < 0:
                continue
            row.amount = services.line_amount(int(raw_quantity), price)
            total += row.amount
            quantity += int(raw_quantity)
        deposit = services.deposit_for(total, deposit_ratio) if deposit_ratio is not None else None
        return {"total_amount": total, "total_quantity": quantity, "deposit_due": deposit}


# --------------------------------------------------------------------------
# Order header: create, edit a draft, amend
# --------------------------------------------------------------------------


# The fields of an order that a draft's form and an amendment's form both start from.
AMENDABLE = "contract_delivery_date planned_ship_date quality_requirements packing_requirements"


def _values(order: Order, *names: str) -> dict[str, Any]:
    """The initial values of a form of ``order``: its fields of ``names`` (space-separated)."""
    return {name: getattr(order, name) for group in names for name in group.split()}


class OrderForm(forms.Form):
    """The header of a new order or of a draft; the lines come from ``LineRows``."""

    # The choice reads only what its label shows (thousands of customers; the service
    # takes the id).
    customer = forms.ModelChoiceField(
        label=_("客户"),
        queryset=Customer.objects.filter(is_active=True).order_by("code").only("code", "name"),
    )
    owner = forms.ModelChoiceField(
        label=_("跟单员"),
        queryset=selectors.merchandiser_choices(),
        required=False,
        help_text=_("留空：主管下单时为客户的负责跟单员。"),
    )
    customer_po = forms.CharField(label=_("客户订单号"), max_length=64, required=False)
    currency = forms.ChoiceField(label=_("币种"), choices=CURRENCIES, initial="CNY")
    order_date = forms.DateField(
        label=_("下单日期"), widget=DateInput(), initial=timezone.localdate
    )
    contract_delivery_date = forms.DateField(label=_("合同交期"), widget=DateInput())
    planned_ship_date = forms.DateField(label=_("计划出货日期"), widget=DateInput(), required=False)
    deposit_ratio = PercentField(
        label=_("订金比例 (%)"), required=False, help_text=_("留空则用客户的默认比例。")
    )
    quality_requirements = forms.CharField(
        label=_("品质特殊要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    packing_requirements = forms.CharField(
        label=_("包装要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, order: Order | None = None, **kwargs):
        if order is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "customer": order.customer_id,
                **_values(order, "customer_po currency order_date deposit_ratio", AMENDABLE),
            }
        super().__init__(*args, **kwargs)
        self.order = order
        if order is not None and order.currency not in dict(CURRENCIES):
            # An order recorded through the API in a currency the form does not list.
            self.fields["currency"].choices = [*CURRENCIES, (order.currency, order.currency)]
        # Only a supervisor (or an admin) records an order for someone else.
        if order is not None or not (
            user is not None and (user.is_superuser or Role.SUPERVISOR in roles_of(user))
        ):
            del self.fields["owner"]

    def header(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        header = {
            "customer_id": data.pop("customer").pk,
            **{k: v for k, v in data.items() if k not in ("owner", "deposit_ratio")},
        }
        header["customer_po"] = header.get("customer_po") or ""
        if data.get("deposit_ratio") is not None:
            header["deposit_ratio"] = data["deposit_ratio"]
        return header

    def submit(self, *, actor, lines: LineRows) -> Order:
        header = self.header()
        if self.order is None:
            owner = self.cleaned_data.get("owner")
            return services.order_create(
                actor=actor, lines=lines.raw(), owner_id=owner.pk if owner else None, **header
            )
        return services.order_update_draft(
            actor=actor, order_id=self.order.pk, lines=lines.raw(), **header
        )


class AmendForm(forms.Form):
    """An amendment (改单): new lines and dates, with the customer's written confirmation."""

    contract_delivery_date = forms.DateField(label=_("合同交期"), widget=DateInput())
    planned_ship_date = forms.DateField(label=_("计划出货日期"), widget=DateInput(), required=False)
    quality_requirements = forms.CharField(
        label=_("品质特殊要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    packing_requirements = forms.CharField(
        label=_("包装要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmation_method = forms.ChoiceField(
        label=_("客户书面确认方式"), choices=ConfirmationMethod.choices
    )
    confirmation_reference = forms.CharField(label=_("确认凭据"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("改单原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, order: Order, **kwargs):
        kwargs.setdefault("initial", _values(order, AMENDABLE))
        super().__init__(*args, **kwargs)
        self.order = order

    def submit(self, *, actor, lines: LineRows) -> Order:
        return services.order_amend(
            actor=actor, order_id=self.order.pk, lines=lines.raw(), **self.cleaned_data
        )
