"""Writers of the assessment history: the only code that creates ``AssessmentEvent`` rows.

Each helper is called by a service inside its transaction, so an entry exists
exactly when its change does.
"""

from __future__ import annotations

from typing import Any

from .models import Assessment, AssessmentEvent


def build(assessment: Assessment, action: str, /, **kwargs: Any) -> AssessmentEvent:
    """An unsaved entry (for ``bulk_create`` by the monthly computation): ``actor=``,
    optionally ``from_status=``, ``to_status=``, ``note=``; any other keyword goes
    to its data (``TimelineEvent.build``)."""
    return AssessmentEvent.build(assessment, action, **kwargs)


def record(assessment: Assessment, action: str, /, **kwargs: Any) -> AssessmentEvent:
    """The same entry, written."""
    return AssessmentEvent.record(assessment, action, **kwargs)
