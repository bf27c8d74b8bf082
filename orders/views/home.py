"""The orders app's section of the home page: my next steps."""

from __future__ import annotations

from django.http import HttpRequest

from orders import selectors


def my_work_section(request: HttpRequest) -> dict:
    """What needs my action next, grouped by the next step (registered by
    ``OrdersConfig.ready()`` on gendan's home page)."""
    return {"groups": selectors.my_work(request.user)}
