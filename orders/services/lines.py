"""Order lines: validated input; amounts are computed here, never taken from input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gendan.exceptions import (
    ValidationFailed,
)
from gendan.models import User

from ..models import (
    ZERO,
    Order,
    OrderLine,
    Product,
)
from ._common import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    deposit_for,
    line_amount,
    money,
)

# --------------------------------------------------------------------------
# Order lines: validated input, amounts computed here
# --------------------------------------------------------------------------

LINE_TEXT_FIELDS = ("description", "series", "colour", "spec", "size", "unit")


@dataclass(frozen=True)
class LineInput:
    product: Product | None
    description: str
    series: str
    colour: str
    spec: str
    size: str
    quantity: int
    unit: str
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)

    def row_values(self) -> dict[str, Any]:
        """The line's fields and its amount, as an ``OrderLine`` takes them."""
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"amount": self.amount}


def parse_lines(raw_lines: Iterable[Mapping[str, Any]]) -> list[LineInput]:
    """Validate raw line dicts; every error names its field as ``lines[i].name``.

    A line needs a product or a description, a whole quantity > 0 and a unit
    price ≥ 0 (the product's default price when omitted). Amounts are never
    taken from the input.
    """
    raw_lines = list(raw_lines)
    errors: dict[str, list[str]] = {}
    product_ids = {
        line.get("product") for line in raw_lines if isinstance(line.get("product"), int)
    }
    products = Product.objects.in_bulk(product_ids)
    parsed: list[LineInput] = []
    for i, raw in enumerate(raw_lines):
        key = f"lines[{i}]"
        product = None
        if raw.get("product") is not None:
            product = products.get(raw["product"]) if isinstance(raw["product"], int) else None
            if product is None:
                errors[f"{key}.product"] = [_("产品不存在。")]
        description = str(raw.get("description") or (product.name if product else "")).strip()
        if product is None and not description and f"{key}.product" not in errors:
            errors[f"{key}.description"] = [_("请选择产品或填写描述。")]
        quantity = raw.get("quantity")
        if isinstance(quantity, str) and quantity.strip().isdigit():
            quantity = int(quantity)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors[f"{key}.quantity"] = [_("数量必须是大于 0 的整数。")]
        price_raw = raw.get("unit_price")
        if price_raw is None or price_raw == "":
            price_raw = product.default_price if product else None
        unit_price = ZERO
        if price_raw is None:
            errors[f"{key}.unit_price"] = [_("请填写单价。")]
        else:
            try:
                unit_price = money(price_raw, field=f"{key}.unit_price")
            except ValidationFailed as exc:
                errors.update(exc.fields)
            else:
                if unit_price < 0:
                    errors[f"{key}.unit_price"] = [_("单价不能为负数。")]
        if f"{key}.quantity" in errors or f"{key}.unit_price" in errors:
            continue
        if line_amount(quantity, unit_price) > MAX_AMOUNT:
            # The books hold 14 digits: a bigger amount is bad input, not a crash.
            errors[f"{key}.unit_price"] = [_("数量 × 单价超出金额上限。")]
            continue
        text = {name: str(raw.get(name) or "").strip() for name in LINE_TEXT_FIELDS}
        parsed.append(
            LineInput(
                product=product,
                description=description,
                series=text["series"] or (product.series if product else ""),
                colour=text["colour"],
                spec=text["spec"] or (product.spec if product else ""),
                size=text["size"],
                quantity=quantity,
                unit=text["unit"] or (product.unit if product else "pcs"),
                unit_price=unit_price,
            )
        )
    if not errors and sum((line.amount for line in parsed), ZERO) > MAX_AMOUNT:
        errors["lines"] = [_("订单总金额超出上限。")]
    if not errors and sum(line.quantity for line in parsed) > MAX_QUANTITY:
        errors["lines"] = [_("订单总数量超出上限。")]
    if errors:
        raise ValidationFailed(fields=errors)
    return parsed


def _replace_lines(order: Order, lines: list[LineInput], actor: User) -> None:
    """Replace an order's lines and recompute its amounts (under the order's lock)."""
    for old in order.lines.all():
        old._history_user = actor
        old.delete()
    new_lines = [
        OrderLine(order=order, position=i, **line.row_values())
        for i, line in enumerate(lines, start=1)
    ]
    bulk_create_with_history(new_lines, OrderLine, default_user=actor)
    _recompute_totals(order, lines)


def _recompute_totals(order: Order, lines: list[LineInput]) -> None:
    """The order's totals from its lines, less the discounts granted (ValidationFailed
    when the lines come to less than the discount)."""
    lines_total = sum((line.amount for line in lines), ZERO)
    if lines_total < order.discount_amount:
        message = _("订单行合计 %(total)s 少于已给的折扣 %(discount)s。") % {
            "total": lines_total,
            "discount": order.discount_amount,
        }
        raise ValidationFailed(message, fields={"lines": [message]})
    order.total_amount = lines_total - order.discount_amount
    order.total_quantity = sum(line.quantity for line in lines)
    order.deposit_due = deposit_for(order.total_amount, order.deposit_ratio)


def _line_snapshot(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "product": line.product_id,
            "description": line.description,
            "series": line.series,
            "colour": line.colour,
            "spec": line.spec,
            "size": line.size,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "amount": str(line.amount),
        }
        for line in order.lines.all()
    ]


def _parse_ratio(value: Any) -> Decimal:
    try:
        ratio = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(
            fields={"deposit_ratio": [_("请输入 0 到 1 之间的比例。")]}
        ) from None
    if not ratio.is_finite() or not Decimal(0) <= ratio <= Decimal(1):
        raise ValidationFailed(fields={"deposit_ratio": [_("请输入 0 到 1 之间的比例。")]})
    return ratio.quantize(Decimal("0.0001"))
