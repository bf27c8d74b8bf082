"""Model field helpers: the foreign keys every app declares, one line each.

``ref(Order, _("订单"), optional=True)`` is
``models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.PROTECT,
null=True, blank=True)``: the same column and the same migration state.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def ref(
    to: Any,
    verbose_name: Any,
    *,
    on_delete=models.PROTECT,
    optional: bool = False,
    **kwargs: Any,
) -> models.ForeignKey:
    """A foreign key to ``to`` (rows it points at are protected unless ``on_delete``
    says otherwise); ``optional``: it may be empty (null and blank)."""
    if optional:
        kwargs.update(null=True, blank=True)
    return models.ForeignKey(to, verbose_name=verbose_name, on_delete=on_delete, **kwargs)


def user_ref(verbose_name: Any, **kwargs: Any) -> models.ForeignKey:
    """A foreign key to a user: who did, owns or answers for something (``ref``)."""
    return ref(settings.AUTH_USER_MODEL, verbose_name, **kwargs)
