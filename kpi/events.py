"""Writers of the assessment history: the only code that creates ``AssessmentEvent`` rows.

Each helper is called by a service inside its transaction, so an entry exists
exactly when its change does.
"""

from __future__ import annotations

from typing import Any

from orders.events import _jsonable

from .models import Assessment, AssessmentEvent


def build(
    assessment: Assessment,
    action: str,
    *,
    actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **data: Any,
) -> AssessmentEvent:
    """An unsaved entry (for ``bulk_create`` by the monthly computation)."""
    return AssessmentEvent(
        assessment=assessment,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        data=_jsonable(data),
    )


def record(assessment: Assessment, action: str, **kwargs: Any) -> AssessmentEvent:
    event = build(assessment, action, **kwargs)
    event.save()
    return event
