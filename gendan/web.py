"""What the page views of every app share: page access, running a service on behalf
of a form (its DomainError becomes a message and field errors), the POST of a form
or of a detail page's action (``form_action``, ``object_action``), a page of one form
(``form_page``), Excel responses.

Views stay thin: they parse input with a form, call one service through ``run``,
and render; the rules live in the services and in ``gendan.policy``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial, wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, URLPattern, path, resolve, reverse
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import policy
from .excel import xlsx_response  # noqa: F401  (the pages' Excel download)
from .exceptions import DomainError
from .html import format_html

T = TypeVar("T")

# The message of a form that did not validate (its errors are shown on the form).
INVALID_INPUT = gettext_lazy("请检查标出的输入。")

# An action form (orders.forms.base.ActionForm, a Django form with ``name``,
# ``is_available`` and ``submit``): the foundation only calls those.
ActionForm = Any


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

        wrapped.gendan_page = name  # read by page_of (the links a role may follow)
        return wrapped

    return decorator


def page_of(path: str) -> str | None:
    """The page (``gendan.policy.PAGES``) whose view answers ``path``, or None when the
    path is not one of ``page``'s views (anyone signed in may follow it)."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    return getattr(view, "gendan_page", None)


def may_follow(user, path: str) -> bool:
    """Whether a link to ``path`` opens for ``user`` (its page is one their roles may
    open), so that a page never shows a link that would answer 403."""
    name = page_of(path)
    return name is None or policy.can_open(user, name)


# The page (``page_of``) of each URL name's view, found by resolving its first URL:
# every URL of a name is answered by the same view, and a list links every row
# (resolving each link's path cost a list page a tenth of its time).
_PAGE_OF_NAME: dict[str, str | None] = {}


def may_follow_name(user, name: str, url: str) -> bool:
    """``may_follow(user, url)`` for a ``url`` reversed from the URL name ``name``."""
    if name not in _PAGE_OF_NAME:
        _PAGE_OF_NAME[name] = page_of(url)
    page = _PAGE_OF_NAME[name]
    return page is None or policy.can_open(user, page)


def link_html(
    user, name: str, args: Sequence[Any], content: Any, attrs=(), url: str | None = None
) -> SafeString:
    """What ``{% link name arg… attr="value"… %}content{% endlink %}`` writes
    (``gendan.templatetags.gendan_links``): an ``<a href>`` to the URL of ``name`` when
    ``user`` may open its page, else only ``content`` (escaped unless safe). ``attrs``:
    (name, value) pairs of the anchor; ``url``: that of ``name`` and ``args`` when the
    caller has it (``pk_urls``). A view writing many rows calls it directly."""
    if url is None:
        url = reverse(name, args=args)
    if not may_follow_name(user, name, url):
        return conditional_escape(content)
    extra = format_html_join("", ' {}="{}"', attrs) if attrs else ""
    return format_html('<a href="{}"{}>{}</a>', url, extra, content)


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


# --------------------------------------------------------------------------
# The POST of a form: form → one service → redirect (or htmx fragment), or the
# page again with the errors
# --------------------------------------------------------------------------


def submit(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], T],
    *,
    place: Callable[[str, list], bool] | None = None,
    invalid: Any = INVALID_INPUT,
) -> tuple[bool, T | None]:
    """Validate ``form`` and, when it is valid, call one service (``run``). A form
    that does not validate is reported with the message ``invalid`` (none if empty)."""
    if not form.is_valid():
        if invalid:
            messages.error(request, str(invalid))
        return False, None
    return run(request, call, form=form, place=place)


def form_action(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    again: Callable[[forms.Form], HttpResponse] | None = None,
    partial: Callable[[bool], HttpResponse] | None = None,
    success: Any = None,
    place: Callable[[str, list], bool] | None = None,
    invalid: Any = INVALID_INPUT,
) -> HttpResponse:
    """Answer a posted form: validate it, call one service, then

    - with htmx and a ``partial``: the fragment ``partial(ok)`` (the row in place);
    - when the call succeeded: the ``success`` message (text, or a function of the
      service's result) and a redirect to ``done`` (a URL, or a function of the result);
    - else ``again(form)``, the page again with the form and its errors (without
      ``again``: the redirect to ``done``, a URL then, the errors as messages).
    """
    ok, result = submit(request, form, call, place=place, invalid=invalid)
    if ok and success:
        messages.success(request, success(result) if callable(success) else success)
    if partial is not None and request.htmx:
        return partial(ok)
    if ok or again is None:
        return redirect(done(result) if callable(done) else done)
    return again(form)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    again: Callable[[forms.Form], HttpResponse],
    call: Callable[[], Any] | None = None,
    **answer: Any,
) -> HttpResponse:
    """A page of one form: GET shows it (``again(form)``); POST answers it as
    ``form_action`` does, calling ``call`` (by default ``form.submit(actor=user)``)."""
    if request.method != "POST":
        return again(form)
    call = call or (lambda: form.submit(actor=request.user))
    return form_action(request, form, call, again=again, **answer)


def visible_or_404(get: Callable[[Any, int], Any], user, pk: int) -> Any:
    """``get(user, pk)``: the object ``user`` may see, else a 404 (whether it does not
    exist or is not theirs to see)."""
    obj = get(user, pk)
    if obj is None:
        raise Http404
    return obj


def action_forms(
    user, actions: Mapping[str, type[ActionForm]], obj, bound: ActionForm | None = None
) -> dict[str, Any]:
    """The action forms of a detail page (context ``actions`` and ``open_action``): one
    per action ``user`` may take on ``obj``, the bound form in place of its blank one."""
    return {
        "actions": [
            bound if bound is not None and bound.name == name else for_object(form_class(), obj)
            for name, form_class in actions.items()
            if form_class.is_available(user, obj)
        ],
        "open_action": bound.name if bound is not None else "",
    }


def for_object(form: ActionForm, obj) -> ActionForm:
    """``form`` made for ``obj`` when its choices depend on it (``form.for_object``)."""
    prepare = getattr(form, "for_object", None)
    if prepare is not None:
        prepare(obj)
    return form


def object_action(
    request: HttpRequest,
    actions: Mapping[str, type[ActionForm]],
    action: str,
    obj,
    *,
    done: str,
    again: Callable[[ActionForm], HttpResponse],
) -> HttpResponse:
    """The POST of one action of a detail page: 404 for an unknown action or an object
    the user may not see (``obj`` None); else its form and service (``form_action``)."""
    form_class = actions.get(action)
    if form_class is None or obj is None:
        raise Http404
    form = for_object(form_class(request.POST, request.FILES), obj)
    submit = partial(form.submit, actor=request.user, obj=obj)
    return form_action(request, form, submit, success=form_class.success, done=done, again=again)


# template of a detail page -> what the apps above add to it (their part of the page):
# ``add(request, obj, context)``, registered from their AppConfig.ready(); the page
# includes each template its ``context["page_parts"]`` names.
_page_parts: dict[str, list[Callable[[HttpRequest, Any, dict], None]]] = {}


def register_page_part(template: str, add: Callable[[HttpRequest, Any, dict], None]) -> None:
    """Let ``add`` add to the context of the detail page ``template`` (its part)."""
    _page_parts.setdefault(template, []).append(add)


def detail_page(
    name: str,
    *,
    get: Callable[[Any, int], Any],
    template: str,
    context: Callable[[HttpRequest, Any], dict[str, Any]],
    actions: Mapping[str, type[ActionForm]],
    url: str,
    get_for_action: Callable[[Any, int], Any] | None = None,
    done: Callable[[Any, str], str] | None = None,
):
    """The two views of a detail page with action forms, for page ``name``:

    - GET ``pk``: the object ``get(user, pk)`` (404 when None) on ``template``, with
      ``context(request, obj)`` and the forms of its ``actions`` (``action_forms``);
    - POST ``pk``, ``action``: one action on ``get_for_action(user, pk)`` (default
      ``get``) through ``object_action``; back to ``url`` (with ``pk``), or the page
      again with the bound form and its errors. ``done(obj, action)``, when given,
      names the page to go to instead (an action that removes the object).
    """

    def show(request: HttpRequest, obj, bound_form: ActionForm | None = None) -> HttpResponse:
        offered = action_forms(request.user, actions, obj, bound_form)
        page_context = {**context(request, obj), **offered}
        for add in _page_parts.get(template, ()):
            add(request, obj, page_context)
        return render(request, template, page_context)

    @require_GET
    @page(name)
    def detail(request: HttpRequest, pk: int) -> HttpResponse:
        return show(request, visible_or_404(get, request.user, pk))

    @require_POST
    @page(name)
    def take_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
        obj = (get_for_action or get)(request.user, pk)
        return object_action(
            request,
            actions,
            action,
            obj,
            done=done(obj, action) if done and obj is not None else reverse(url, args=[pk]),
            again=lambda form: show(request, get(request.user, pk), bound_form=form),
        )

    return detail, take_action


def list_urls(prefix: str, list_view, export_view, *, name: str = "") -> list[URLPattern]:
    """The URLs of a list page and its Excel export (``ListPage.views()``):
    ``<prefix>/`` and ``<prefix>/export.xlsx``, named ``<name>list`` and ``<name>export``."""
    return [
        path(f"{prefix}/", list_view, name=f"{name}list"),
        path(f"{prefix}/export.xlsx", export_view, name=f"{name}export"),
    ]


def record_urls(
    prefix: str, detail_view, action_view=None, *, name: str = "", **pages
) -> list[URLPattern]:
    """The URLs of a record's page (``detail_page()``): ``<prefix>/<pk>/`` named
    ``<name>detail``; the POST of its actions, ``<prefix>/<pk>/do/<action>/`` named
    ``<name>action``; and each of its other ``pages``, ``<prefix>/<pk>/<page>/`` named
    ``<name><page>``."""
    urls = [path(f"{prefix}/<int:pk>/", detail_view, name=f"{name}detail")]
    if action_view is not None:
        urls.append(path(f"{prefix}/<int:pk>/do/<slug:action>/", action_view, name=f"{name}action"))
    urls += [
        path(f"{prefix}/<int:pk>/{page}/", view, name=f"{name}{page}")
        for page, view in pages.items()
    ]
    return urls


_PK_PROBE = "9081726354"


def pk_urls(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for the many rows of a list (a URL of one ``<int:…>``
    argument): one URL reversed, the others written around its primary key — a
    ``reverse`` for each row's links cost a list a tenth of its time."""
    head, probe, tail = reverse(name, args=[int(_PK_PROBE)]).partition(_PK_PROBE)
    if not probe or _PK_PROBE in tail:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"
