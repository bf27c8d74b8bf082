"""The base of every action form on an order's pages (orders, production orders,
shipments, after-sales cases).

A page form only parses input; ``ActionForm.submit`` hands the cleaned data to one
service. Whether its button is shown comes from the policy and the order's transition
table (``is_available``), so a page offers exactly what the services would accept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms

from gendan import policy
from orders.states import can_transition


class ActionForm(forms.Form):
    """The inputs of one action on an object, and the service call that takes it."""

    name: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    success: ClassVar[Any] = ""
    policy_action: ClassVar[str] = ""
    # Key of orders.states.TRANSITIONS the order's status must allow, if any.
    transition: ClassVar[str | None] = None
    # Shown in red, and asks for confirmation before it is sent.
    danger: ClassVar[bool] = False
    confirm: ClassVar[Any] = ""
    # The one service the action calls, and the keyword it takes the object's id as
    # (as the API's actions: ``gendan.api.views.ActionMixin``).
    service: ClassVar[Callable[..., Any]]
    service_id: ClassVar[str] = "order_id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.name}_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def is_available(cls, user, obj) -> bool:
        """Whether the button is shown: the policy allows it on ``obj`` and the order's
        status allows the transition (``available`` adds the object's own flags)."""
        if not policy.can(user, cls.policy_action, obj):
            return False
        order = policy.order_of(obj)
        if cls.transition and not can_transition(order.status, cls.transition):
            return False
        return cls.available(obj)

    @classmethod
    def available(cls, obj) -> bool:
        return True

    def submit(self, *, actor, obj):
        """Call the one service of this action with the cleaned data."""
        # Through the class: a function stored on it is not a method of the form.
        service = type(self).service
        return service(actor=actor, **{self.service_id: obj.pk}, **self.cleaned_data)


class OrderActionForm(ActionForm):
    """An action of the order's lifecycle, named as its transition: ``transition``
    defaults to ``name`` and ``policy_action`` to ``order.<name>``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            cls.transition = cls.__dict__.get("transition", cls.name)
            cls.policy_action = cls.__dict__.get("policy_action", f"order.{cls.name}")
