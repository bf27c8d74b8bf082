"""The hooks production sends to the apps above it (planning), which it never imports.

Same rules as ``orders.signals``: sent synchronously with ``send`` inside the
service's transaction, the order row locked; a receiver's ``DomainError`` refuses
the change and rolls it back.
"""

from __future__ import annotations

from django.dispatch import Signal

# production_order_issue, after its checks and before the production order is made:
# planning refuses an issue with materials still missing unless a warning is given,
# and records the warning. Arguments: order, actor, materials_warning (text).
production_issuing = Signal()

# The quick entry of daily reports, while the page is built (nothing locked): the
# variance reason each production order's line offers first. Arguments:
# production_orders (the page's), day. Receivers return {production order id: reason}
# (planning: "material_late" where a material of the order is late).
variance_hints = Signal()
