"""Every operation that changes KPI data (split by concern; import from here).

- ``compute``: the monthly computation of assessments;
- ``statements``: their pay statements;
- ``workflow``: the steps of the monthly workflow (kpi-and-pay.md §3);
- ``inputs``: penalties, hours, shipment faults and scheme assignments.
"""

from .compute import assessment_compute, assessment_compute_month
from .inputs import (
    pay_adjustment_set,
    pay_scheme_assign,
    penalty_record_create,
    penalty_record_delete,
    shipment_fault_create,
    shipment_fault_delete,
)
from .statements import refresh_pay
from .workflow import (
    assessment_confirm,
    assessment_dispute,
    assessment_enter,
    assessment_export,
    assessment_finalize,
    assessment_finalize_month,
    assessment_reconfirm,
    assessment_reopen,
    assessment_send,
)

__all__ = [
    "assessment_compute",
    "assessment_compute_month",
    "assessment_confirm",
    "assessment_dispute",
    "assessment_enter",
    "assessment_export",
    "assessment_finalize",
    "assessment_finalize_month",
    "assessment_reconfirm",
    "assessment_reopen",
    "assessment_send",
    "pay_adjustment_set",
    "pay_scheme_assign",
    "penalty_record_create",
    "penalty_record_delete",
    "refresh_pay",
    "shipment_fault_create",
    "shipment_fault_delete",
]
