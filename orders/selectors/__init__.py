"""Reads of the orders app, scoped by the permission policy: one module per reader.

- ``lists``: who sees which orders, payments, customers and products (every list's
  starting queryset, for its page, its export and the API)
- ``detail``: the order page and its timeline
- ``work``: my work, grouped by the next step
- ``finance``: payments to confirm, receivables by ageing
- ``dashboard``: the supervisor dashboard
- ``customers``: customer pages
- ``reports``: the daily report and the sales ledger
"""

from .customers import customer_list, customer_orders, customer_totals
from .dashboard import (
    merchandiser_workload,
    on_time_delivery_by_month,
    order_count_from_tallies,
    order_counts_by_status,
)
from .detail import order_events, order_get_detail
from .finance import (
    AGEING_BUCKETS,
    AGEING_KEYS,
    DUE_AGEING_BUCKETS,
    MONEY_FIELD,
    OPEN_PAYMENT_STATUSES,
    RECEIVABLE_KINDS,
    due_bucket,
    payment_count_to_confirm,
    payment_list_to_confirm,
    receivable_requests,
    receivables_ageing,
    receivables_by_currency,
)
from .lists import (
    customer_list_visible_to,
    import_get_visible,
    import_list,
    merchandiser_choices,
    order_get_priced,
    order_get_visible,
    order_get_with_lines,
    order_list_open_for,
    order_list_visible_to,
    order_list_with_lines_visible_to,
    order_list_with_overdue,
    overdue_q,
    payment_get_visible,
    payment_list_visible_to,
    product_list_visible_to,
    with_overdue,
)
from .reports import LEDGER_EXCLUDED, daily_report, sales_ledger
from .work import (
    NEXT_STEPS,
    WorkGroup,
    my_work,
    next_step_conditions,
    order_conditions,
    previous_working_day,
)

__all__ = [
    "AGEING_BUCKETS",
    "AGEING_KEYS",
    "DUE_AGEING_BUCKETS",
    "LEDGER_EXCLUDED",
    "MONEY_FIELD",
    "NEXT_STEPS",
    "OPEN_PAYMENT_STATUSES",
    "RECEIVABLE_KINDS",
    "WorkGroup",
    "customer_list",
    "customer_list_visible_to",
    "customer_orders",
    "customer_totals",
    "daily_report",
    "due_bucket",
    "import_get_visible",
    "import_list",
    "merchandiser_choices",
    "merchandiser_workload",
    "my_work",
    "next_step_conditions",
    "on_time_delivery_by_month",
    "order_conditions",
    "order_count_from_tallies",
    "order_counts_by_status",
    "order_events",
    "order_get_detail",
    "order_get_priced",
    "order_get_visible",
    "order_get_with_lines",
    "order_list_open_for",
    "order_list_visible_to",
    "order_list_with_lines_visible_to",
    "order_list_with_overdue",
    "overdue_q",
    "payment_count_to_confirm",
    "payment_get_visible",
    "payment_list_to_confirm",
    "payment_list_visible_to",
    "previous_working_day",
    "product_list_visible_to",
    "receivable_requests",
    "receivables_ageing",
    "receivables_by_currency",
    "sales_ledger",
    "with_overdue",
]
