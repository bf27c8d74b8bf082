"""Pages of the orders app (included at the root: each path carries its prefix)."""

from django.urls import path

from gendan.web import list_urls, record_urls

from .views import customers, finance, imports, orders, products, reports

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
    path(
        "finance/receivables/export.xlsx",
        finance.receivables_export,
        name="receivables_export",
    ),
    *list_urls("customers", customers.customer_list, customers.customer_export, name="customer_"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    *record_urls(
        "customers", customers.customer_detail, name="customer_", edit=customers.customer_edit
    ),
    *list_urls("products", products.product_list, products.product_export, name="product_"),
    path("products/new/", products.product_form, name="product_create"),
    path("products/<int:pk>/edit/", products.product_form, name="product_edit"),
    path("products/<int:pk>/active/", products.product_set_active, name="product_set_active"),
    path("imports/", imports.import_index, name="import_index"),
    path("imports/template/<slug:kind>.xlsx", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("dashboard/", reports.dashboard, name="dashboard"),
    path("dashboard/merchandisers/", reports.workload, name="workload"),
    path("reports/daily/", reports.daily_report, name="daily_report"),
    path("reports/ledger/", reports.sales_ledger, name="sales_ledger"),
]
