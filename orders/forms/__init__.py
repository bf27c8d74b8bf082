"""Forms of the order, finance, customer and report pages.

They parse input and call one service each; every rule stays in the services.
"""

from .actions import ORDER_ACTIONS, REASON
from .customers import CustomerForm
from .finance import FinanceFilterForm, PaymentConfirmForm
from .orders import CURRENCIES, AmendForm, LineRow, LineRows, OrderFilterForm, OrderForm
from .reports import DailyReportForm, LedgerForm

__all__ = [
    "CURRENCIES",
    "ORDER_ACTIONS",
    "REASON",
    "AmendForm",
    "CustomerForm",
    "DailyReportForm",
    "FinanceFilterForm",
    "LedgerForm",
    "LineRow",
    "LineRows",
    "OrderFilterForm",
    "OrderForm",
    "PaymentConfirmForm",
]
