"""Pages of the orders app (included at the root: each path carries its prefix)."""

from django.urls import path

from .views import customers, finance, orders, reports

app_name = "orders"

urlpatterns = [
    path("orders/", orders.order_list, name="list"),
    path("orders/export.xlsx", orders.order_export, name="export"),
    path("orders/new/", orders.order_create, name="create"),
    path("orders/lines/row/", orders.line_row, name="line_row"),
    path("orders/lines/totals/", orders.line_totals, name="line_totals"),
    path("orders/<int:pk>/", orders.order_detail, name="detail"),
    path("orders/<int:pk>/edit/", orders.order_edit, name="edit"),
    path("orders/<int:pk>/amend/", orders.order_amend, name="amend"),
    path("orders/<int:pk>/do/<slug:action>/", orders.order_action, name="action"),
    path("finance/", finance.finance_queue, name="finance_queue"),
    path("finance/export.xlsx", finance.finance_export, name="finance_export"),
    path("finance/payments/<int:pk>/confirm/", finance.payment_confirm, name="payment_confirm"),
    path("finance/receivables/", finance.receivables, name="receivables"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/export.xlsx", customers.customer_export, name="customer_export"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("dashboard/", reports.dashboard, name="dashboard"),
    path("reports/daily/", reports.daily_report, name="daily_report"),
    path("reports/ledger/", reports.sales_ledger, name="sales_ledger"),
]
