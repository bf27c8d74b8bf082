"""The tables the generator fills and the column order of its rows.

Each generated row is a plain tuple in the order listed here: ints, strings
(dates, UTC timestamps and numbers as text), bools and None. The same tuples
go to PostgreSQL COPY and to SQLite ``executemany``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps


@dataclass(frozen=True)
class Table:
    key: str
    model: str  # app_label.ModelName
    columns: tuple[str, ...]

    @cached_property
    def db_table(self) -> str:
        return apps.get_model(self.model)._meta.db_table


def _table(key: str, model: str, columns: str) -> Table:
    return Table(key, model, tuple(columns.split()))


TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        _table(
            "user",
            "gendan.User",
            "id password last_login is_superuser username first_name last_name email "
            "is_staff is_active date_joined display_name phone",
        ),
        _table("user_groups", "gendan.User_groups", "id user_id group_id"),
        _table(
            "customer",
            "orders.Customer",
            "id created_at updated_at code name contact_name contact_phone contact_email "
            "address country default_deposit_ratio payment_terms_days is_active owner_id",
        ),
        _table(
            "product",
            "orders.Product",
            "id created_at updated_at item_number name series spec unit default_price is_active",
        ),
        _table(
            "order",
            "orders.Order",
            "id created_at updated_at number customer_po external_ref currency order_date "
            "contract_delivery_date planned_ship_date deposit_ratio status revision "
            "quality_requirements packing_requirements confirmation_method "
            "confirmation_reference phone_confirmed confirmed_at total_amount deposit_due "
            "amount_received total_quantity deposit_waived credit_released shortfall_accepted "
            "cancel_reason cancelled_at fully_shipped_at delivered_at closed_at client_id "
            "customer_id owner_id",
        ),
        _table("shared_with", "orders.Order_shared_with", "id order_id user_id"),
        _table(
            "order_line",
            "orders.OrderLine",
            "id position description series colour spec size quantity unit unit_price amount "
            "order_id product_id",
        ),
        _table(
            "payment",
            "orders.Payment",
            "id created_at updated_at kind status amount_due amount_received requested_at "
            "due_date confirmed_at received_on method reference note voided_at confirmed_by_id "
            "order_id requested_by_id",
        ),
        _table(
            "receipt",
            "orders.PaymentReceipt",
            "id amount received_on method reference confirmed_at confirmed_by_id payment_id",
        ),
        _table("approval", "orders.Approval", "id kind reason created_at approved_by_id order_id"),
        _table(
            "revision",
            "orders.OrderRevision",
            "id revision previous_lines previous_values total_amount confirmation_method "
            "confirmation_reference reason created_at created_by_id order_id",
        ),
        _table(
            "event",
            "orders.OrderEvent",
            "id type from_status to_status note data created_at actor_id order_id",
        ),
        _table(
            "production_order",
            "production.ProductionOrder",
            "id number revision issued_at factory is_outside_processor planned_start "
            "planned_finish quantity processing_fee status started_at completed_at closed_at "
            "note updated_at issued_by_id order_id superseded_by_id",
        ),
        _table(
            "milestone",
            "production.PlanMilestone",
            "id date planned_cumulative_quantity production_order_id",
        ),
        _table(
            "progress_report",
            "production.ProgressReport",
            "id date good_quantity defective_quantity scrap_quantity variance_reason note "
            "created_at production_order_id reported_by_id stage_id",
        ),
        _table(
            "inspection",
            "production.QualityInspection",
            "id kind result inspected_on sample_size defects_found defects estimated_loss note "
            "created_at inspector_id production_order_id",
        ),
        _table(
            "incident",
            "production.Incident",
            "id kind status description opened_at resolved_at resolution loss_amount order_id "
            "reported_by_id responsible_id production_order_id",
        ),
        _table(
            "shipment",
            "shipping.Shipment",
            "id number status planned_ship_date actual_ship_date mode forwarder carrier "
            "tracking_number container packages customs_declaration_number created_at "
            "shipped_at delivered_at note updated_at created_by_id order_id",
        ),
        _table("shipment_line", "shipping.ShipmentLine", "id quantity order_line_id shipment_id"),
        _table(
            "shipment_document",
            "shipping.ShipmentDocument",
            "id kind required is_ready updated_at shipment_id updated_by_id",
        ),
        _table(
            "after_sales_case",
            "shipping.AfterSalesCase",
            "id kind status received_at description root_cause corrective_action cost "
            "customer_satisfaction resolved_at closed_at updated_at opened_by_id order_id",
        ),
    )
}

# Tables that hold nothing but generated domain data: they must be empty before a
# run (or emptied by --wipe). Users, groups and sequences are shared with the
# rest of the installation and only added to.
DOMAIN_KEYS = tuple(k for k in TABLES if k not in ("user", "user_groups"))
# Tables written only by django-simple-history; emptied by --wipe, never generated.
HISTORY_MODELS = (
    "orders.HistoricalOrder",
    "orders.HistoricalOrderLine",
    "orders.HistoricalPayment",
    "orders.HistoricalPaymentReceipt",
    "shipping.HistoricalShipment",
)
