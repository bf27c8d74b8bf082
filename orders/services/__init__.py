"""Every operation that changes customers, products, orders and payments.

Each transition of product.md §2 is one function here (production and shipping
transitions live in their apps' services). The pattern: lock the order row,
check the caller's permission, the state and the guards under the lock, write
the change and its event in one transaction, raise a ``DomainError`` otherwise.
"""

from __future__ import annotations

from ._common import (
    INCOMING_KINDS,
    MAX_AMOUNT,
    MAX_QUANTITY,
    OPEN_PAYMENT,
    S,
    deposit_for,
    line_amount,
    lock_order,
    money,
    move,
    require_reason,
    save,
)
from .discounts import discount_amount_for, order_apply_discount
from .drafts import (
    ORDER_HEADER_FIELDS,
    order_create,
    order_update_draft,
)
from .lifecycle import (
    order_amend,
    order_cancel,
    order_change_contract_date,
    order_close,
    order_confirm,
    order_confirm_delivery,
    order_reassign,
    order_received_total,
    order_release_on_credit,
    order_request_balance,
    order_request_deposit,
    order_waive_deposit,
    payment_confirm,
    payment_to_write_off,
    payment_write_off,
    record_approval,
)
from .lines import (
    LINE_TEXT_FIELDS,
    LineInput,
    parse_lines,
)
from .reference import (
    CUSTOMER_FIELDS,
    PRODUCT_FIELDS,
    customer_create,
    customer_update,
    product_create,
    product_update,
)

__all__ = [
    "CUSTOMER_FIELDS",
    "INCOMING_KINDS",
    "LINE_TEXT_FIELDS",
    "MAX_AMOUNT",
    "MAX_QUANTITY",
    "OPEN_PAYMENT",
    "ORDER_HEADER_FIELDS",
    "PRODUCT_FIELDS",
    "LineInput",
    "S",
    "customer_create",
    "customer_update",
    "deposit_for",
    "discount_amount_for",
    "line_amount",
    "lock_order",
    "money",
    "move",
    "order_amend",
    "order_apply_discount",
    "order_cancel",
    "order_change_contract_date",
    "order_close",
    "order_confirm",
    "order_confirm_delivery",
    "order_create",
    "order_reassign",
    "order_received_total",
    "order_release_on_credit",
    "order_request_balance",
    "order_request_deposit",
    "order_update_draft",
    "order_waive_deposit",
    "parse_lines",
    "payment_confirm",
    "payment_to_write_off",
    "payment_write_off",
    "product_create",
    "product_update",
    "record_approval",
    "require_reason",
    "save",
]
