"""Pages of the orders app (included at the root: each path carries its prefix)."""

from django.urls import path

from gendan.web import list_urls, record_urls

from .views import customers, finance, orders, reports

app_name = "orders"

urlpatterns = [
    *list_urls("orders", orders.order_list, orders.order_export),
    path("orders/new/", orders.order_create, name="create"),
    path("orders/lines/row/", orders.line_row, name="line_row"),
    path("orders/lines/totals/", orders.line_totals, name="line_totals"),
    *record_urls(
        "orders",
        orders.order_detail,
        orders.order_action,
        edit=orders.order_edit,
        amend=orders.order_amend,
        proforma=orders.order_proforma,
    ),
    path("finance/", finance.finance_queue, name="finance_queue"),
    path("finance/export.xlsx", finance.finance_export, name="finance_export"),
    path("finance/payments/<int:pk>/confirm/", finance.payment_confirm, name="payment_confirm"),
    path("finance/receivables/", finance.receivables, name="receivables"),
    *list_urls("customers", customers.customer_list, customers.customer_export, name="customer_"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    *record_urls(
        "customers", customers.customer_detail, name="customer_", edit=customers.customer_edit
    ),
    path("dashboard/", reports.dashboard, name="dashboard"),
    path("reports/daily/", reports.daily_report, name="daily_report"),
    path("reports/ledger/", reports.sales_ledger, name="sales_ledger"),
]
