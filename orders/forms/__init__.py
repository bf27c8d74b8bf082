"""Forms of the order, finance, customer and report pages.

They parse input and call one service each; every rule stays in the services.
"""

from .actions import ORDER_ACTIONS, REASON, FlagApprovalForm
from .customers import CustomerForm
from .finance import PaymentConfirmForm
from .orders import CURRENCIES, AmendForm, LineRow, LineRows, OrderForm
from .products import ProductActiveForm, ProductForm
from .reports import DailyReportForm, LedgerForm

__all__ = [
    "CURRENCIES",
    "ORDER_ACTIONS",
    "REASON",
    "AmendForm",
    "CustomerForm",
    "DailyReportForm",
    "FlagApprovalForm",
    "LedgerForm",
    "LineRow",
    "LineRows",
    "OrderForm",
    "PaymentConfirmForm",
    "ProductActiveForm",
    "ProductForm",
]
