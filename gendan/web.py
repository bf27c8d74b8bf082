"""What the page views of every app share: page access, running a service on behalf
of a form (its DomainError becomes a message and field errors), Excel responses.

Views stay thin: they parse input with a form, call one service through ``run``,
and render; the rules live in the services and in ``gendan.policy``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from . import policy
from .excel import xlsx_response  # noqa: F401  (the pages' Excel download)
from .exceptions import DomainError

T = TypeVar("T")


def page(name: str):
    """Decorate a view of page ``name``: anonymous users go to the login page, users
    whose roles may not open the page get 403 (``gendan.policy.PAGES``)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.can_open(request.user, name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def report_error(
    request: HttpRequest,
    exc: DomainError,
    form: forms.Form | None = None,
    place: Callable[[str, list], bool] | None = None,
) -> None:
    """Show a refused service call: its message at the top of the page, and each
    field error next to its field when the form has it, or where ``place`` puts it
    (e.g. ``lines[2].quantity`` on the third line), else in the message."""
    elsewhere: list[str] = []
    for name, field_messages in (exc.fields or {}).items():
        if form is not None and name in form.fields:
            for message in field_messages:
                form.add_error(name, str(message))
        elif place is not None and place(name, field_messages):
            continue
        else:
            elsewhere.extend(str(message) for message in field_messages)
    text = str(exc.message)
    if elsewhere:
        text = f"{text} {' '.join(elsewhere)}"
    messages.error(request, text)


def run(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    form: forms.Form | None = None,
    place: Callable[[str, list], bool] | None = None,
    success: Any = None,
) -> tuple[bool, T | None]:
    """Call one service; on a DomainError report it and return (False, None)."""
    try:
        result = call()
    except DomainError as exc:
        report_error(request, exc, form, place)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def attach_error(form: forms.Form, exc: DomainError) -> None:
    """Put a refused service call on the form itself (for pages with many forms,
    e.g. one per row): field errors on their fields, the message on the form."""
    for name, field_messages in (exc.fields or {}).items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))
