"""What the KPI tells the apps above it (alerts), which it never imports.

Sent inside the service's transaction, after the row is written: a receiver writes
its rows in the same transaction (the inbox item exists exactly when the change
does) and its error rolls the change back (``send``, not ``send_robust``).
``sender`` is the model class.
"""

from __future__ import annotations

from django.dispatch import Signal

# An assessment moved from one status to another (kpi.services._common.move).
# Arguments: assessment, previous (the status it left), actor (None: the system).
assessment_moved = Signal()
