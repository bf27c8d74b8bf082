"""The transition kit: one small table type for every object that has a status.

Each app's ``states.py`` writes its table as a plain dict, action -> (the statuses
the action may start from, the status it leads to or None when the status stays or
the service decides), and wraps it in ``Transitions``. A service then says
``TABLE.ensure(obj, "action")`` under the row lock: it raises ``InvalidTransition``
(code ``invalid_transition``, with ``status`` and ``action`` in its data) or returns
the target. Pages ask ``TABLE.can(status, "action")`` to show a button or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models

from .exceptions import InvalidTransition

# What an InvalidTransition says, given the object and the refused action; None
# leaves the error's default message.
Describe = Callable[[Any, str], Any]


class Transitions:
    """A transition table over the statuses ``statuses`` (a TextChoices class).

    ``table`` maps each action to (sources, target); sources may be any iterable of
    statuses, target a status or None. ``describe(obj, action)`` words the refusal
    (naming the object); without it the refusal has InvalidTransition's default text.
    """

    def __init__(
        self,
        statuses: type[models.TextChoices],
        table: Mapping[str, tuple[Iterable[str], str | None]],
        *,
        describe: Describe | None = None,
    ) -> None:
        self.statuses = statuses
        self.table: dict[str, tuple[frozenset[str], str | None]] = {}
        for action, (sources, target) in table.items():
            sources = frozenset(sources)
            unknown = sources - set(statuses.values)
            if target is not None and target not in statuses.values:
                unknown |= {target}
            if unknown:
                raise ValueError(f"{action!r}: not a {statuses.__name__}: {sorted(unknown)}")
            self.table[action] = (sources, target)
        self.describe = describe

    def allowed_from(self, action: str) -> frozenset[str]:
        """The statuses ``action`` may start from."""
        return self.table[action][0]

    def can(self, status: str, action: str) -> bool:
        return status in self.table[action][0]

    def ensure(self, obj: Any, action: str, *, message: Any = None) -> str | None:
        """Raise InvalidTransition unless ``action`` may start from ``obj.status``.

        ``message`` words this one refusal (else ``describe``, else the default).
        Returns the table's target status.
        """
        sources, target = self.table[action]
        if obj.status not in sources:
            if message is None and self.describe is not None:
                message = self.describe(obj, action)
            raise InvalidTransition(message, status=obj.status, action=action)
        return target
