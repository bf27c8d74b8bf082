"""The permission policy: the one place that answers "may this user do this action on this object".

Every service calls ``require`` after it has locked its row; views and the API
use ``can`` to show or hide buttons and ``order_scope`` to scope querysets, so
what a role sees and what it may do come from the same table.

A rule maps an action to the roles that may take it and the *scope* in which
each role may take it:

- ``ANY``: on every object of the kind;
- ``OWN``: on orders the user owns (for children: the order they belong to);
- ``SHARED``: on orders the user owns or that are shared with them (reading);
- ``CLIENT``: on orders the integration client itself created;
- ``PRODUCTION``: on orders that have a production order;
- ``SELF``: on the user's own person-records (assessments, pay statements:
  objects whose ``person`` is the user).

Superusers (the admin role) may do everything.

The foundation knows no feature model: the apps that own the order and its
production register what the order model is and how each order scope is tested
(``register_order_model``, ``register_scope``, from their ``AppConfig.ready()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from .exceptions import PermissionDenied
from .roles import Role, roles_of

if TYPE_CHECKING:
    from gendan.models import User

ANY, OWN, SHARED, CLIENT, PRODUCTION, SELF = (
    "any",
    "own",
    "shared",
    "client",
    "production",
    "self",
)

M, SUP, FIN, PROD, INT = (
    Role.MERCHANDISER.value,
    Role.SUPERVISOR.value,
    Role.FINANCE.value,
    Role.PRODUCTION.value,
    Role.INTEGRATION.value,
)

# action -> {role: scope}. Reads first, then the lifecycle in its order.
RULES: dict[str, dict[str, str]] = {
    # Reference data
    "customer.view": {M: ANY, SUP: ANY, FIN: ANY, PROD: ANY, INT: ANY},
    "customer.create": {M: ANY, SUP: ANY, INT: ANY},
    "customer.update": {M: ANY, SUP: ANY, INT: ANY},
    "product.view": {M: ANY, SUP: ANY, FIN: ANY, PROD: ANY, INT: ANY},
    "product.create": {M: ANY, SUP: ANY, INT: ANY},
    "product.update": {M: ANY, SUP: ANY, INT: ANY},
    # Orders
    "order.view": {M: SHARED, SUP: ANY, FIN: ANY, PROD: PRODUCTION, INT: ANY},
    "order.create": {M: ANY, SUP: ANY, INT: ANY},
    "order.update": {M: OWN, SUP: ANY, INT: CLIENT},
    "order.confirm": {M: OWN, SUP: ANY},
    "order.request_deposit": {M: OWN, SUP: ANY},
    "order.waive_deposit": {SUP: ANY},
    "order.issue_production": {M: OWN, SUP: ANY},
    "order.accept_shortfall": {SUP: ANY},
    "order.complete_production": {M: OWN, SUP: ANY, PROD: PRODUCTION},
    "order.request_balance": {M: OWN, SUP: ANY},
    "order.release_on_credit": {SUP: ANY},
    "order.confirm_delivery": {M: OWN, SUP: ANY},
    "order.close": {M: OWN, SUP: ANY},
    "order.cancel": {M: OWN, SUP: ANY},
    "order.cancel_after_production": {SUP: ANY},
    "order.amend": {M: OWN, SUP: ANY},
    "order.apply_discount": {SUP: ANY},
    "order.reassign": {SUP: ANY},
    # Money
    "payment.view": {M: SHARED, SUP: ANY, FIN: ANY, INT: ANY},
    "payment.confirm": {FIN: ANY},
    # Production
    "production_order.start": {PROD: PRODUCTION, SUP: ANY},
    # Also who corrects or withdraws a report (the supervisor among them).
    "progress_report.create": {PROD: PRODUCTION, M: OWN, SUP: ANY},
    "inspection.create": {PROD: PRODUCTION, M: OWN, SUP: ANY},
    "incident.create": {PROD: PRODUCTION, M: OWN, SUP: ANY},
    "incident.resolve": {PROD: PRODUCTION, M: OWN, SUP: ANY},
    # Samples (打样): a merchandiser's own requests (SELF: the request's owner); the
    # supervisor approves a new mould; production makes the samples.
    "sample.view": {M: SELF, SUP: ANY, PROD: ANY},
    "sample.create": {M: ANY, SUP: ANY},
    "sample.make": {M: SELF, SUP: ANY, PROD: ANY},
    "sample.update": {M: SELF, SUP: ANY},
    "sample.approve_mould": {SUP: ANY},
    "production_sample.record": {PROD: PRODUCTION, M: OWN, SUP: ANY},
    # Time-and-action plan and materials
    "plan.update": {M: OWN, SUP: ANY},
    "plan.supervise": {SUP: ANY},
    "material.update": {M: OWN, SUP: ANY, PROD: PRODUCTION},
    # Shipping and after-sales
    "shipment.create": {M: OWN, SUP: ANY},
    "shipment.update": {M: OWN, SUP: ANY},
    "shipment.ship": {M: OWN, SUP: ANY},
    "shipment.deliver": {M: OWN, SUP: ANY},
    "shipment.cancel": {M: OWN, SUP: ANY},
    "after_sales.open": {M: OWN, SUP: ANY},
    "after_sales.update": {M: OWN, SUP: ANY},
    # The conversation around an order (conversation/): its thread, files, requests.
    "note.create": {M: SHARED, SUP: ANY, FIN: ANY, PROD: PRODUCTION},
    "attachment.view": {M: SHARED, SUP: ANY, FIN: ANY, PROD: PRODUCTION},
    "attachment.create": {M: OWN, SUP: ANY, FIN: ANY, PROD: PRODUCTION},
    "request.view": {M: SHARED, SUP: ANY, FIN: ANY, PROD: PRODUCTION},
    "request.create": {M: OWN, SUP: ANY},
    # Who decides a request: by the role it is addressed to (conversation.requests).
    "request.decide.supervisor": {SUP: ANY},
    "request.decide.finance": {FIN: ANY},
    "request.decide.production": {PROD: PRODUCTION},
    "order.change_contract_date": {SUP: ANY},
    # Monthly assessment (kpi-and-pay.md §3): the supervisor computes, enters, sends,
    # re-confirms disputed ones, finalises and reopens; the person confirms or disputes.
    "assessment.view": {M: SELF, SUP: ANY, FIN: ANY},
    "assessment.compute": {SUP: ANY},
    "assessment.enter": {SUP: ANY},
    "assessment.send": {SUP: ANY},
    "assessment.confirm": {M: SELF},
    "assessment.dispute": {M: SELF},
    "assessment.reconfirm": {SUP: ANY},
    "assessment.finalize": {SUP: ANY},
    "assessment.reopen": {SUP: ANY},
    # Pay: the month's inputs are entered by supervisors; finance sees and exports pay.
    # The department's statements of a month are reviewed by the supervisor (before
    # finalising, §3 step 4) and by finance (before exporting, step 5).
    "pay.view": {M: SELF, SUP: ANY, FIN: ANY},
    "pay.review": {SUP: ANY, FIN: ANY},
    "pay.export": {FIN: ANY},
    "pay_scheme.assign": {SUP: ANY, FIN: ANY},
    "penalty.create": {SUP: ANY},
    "penalty.delete": {SUP: ANY},
    "fault.create": {SUP: ANY},
    "fault.delete": {SUP: ANY},
    "adjustment.enter": {SUP: ANY},
}


# --------------------------------------------------------------------------
# Scopes provided by the apps
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """How an order scope is decided: on one order (``holds``), and as a filter on a
    queryset that reaches the order through ``prefix`` (``condition``)."""

    holds: Callable[[User, Model], bool]
    condition: Callable[[User, str], Q]
    # The scope's orders as a few querysets of order ids, each with the field that holds
    # the id and listing an order at most once; their union is the scope. A list ordered
    # by id takes its page's candidates from each by an index (``order_scope_sources``)
    # instead of filtering the whole table. None: the scope has no such form.
    sources: Callable[[User], list[tuple[QuerySet, str]]] | None = None


_order_model: type[Model] | None = None
_scopes: dict[str, Scope] = {}


def register_order_model(model: type[Model]) -> None:
    """The model ``order_of`` recognises as an order (the orders app registers it)."""
    global _order_model
    _order_model = model


def register_scope(
    name: str,
    *,
    holds: Callable[[User, Model], bool],
    condition: Callable[[User, str], Q],
    sources: Callable[[User], list[tuple[QuerySet, str]]] | None = None,
) -> None:
    """Define the order scope ``name`` (OWN, SHARED, CLIENT, PRODUCTION) for ``can``
    and the querysets (``order_scope``, ``related_scope``, ``order_scope_sources``)."""
    _scopes[name] = Scope(holds=holds, condition=condition, sources=sources)


def order_of(obj: Any) -> Model | None:
    """The order an object belongs to (the object itself for an Order)."""
    if obj is None or (_order_model is not None and isinstance(obj, _order_model)):
        return obj
    if hasattr(obj, "order"):
        return obj.order
    if hasattr(obj, "production_order"):
        return obj.production_order.order
    if hasattr(obj, "shipment"):
        return obj.shipment.order
    return None


def _in_scope(user: User, scope: str, obj: Any) -> bool:
    if scope == ANY:
        return True
    if scope == SELF:
        # No object yet: the role is enough; else the object must be the user's own.
        return obj is None or getattr(obj, "person_id", None) == user.pk
    order = order_of(obj)
    if order is None:
        # No object yet (e.g. "may this user create orders at all"): the role is enough.
        return obj is None
    if scope not in _scopes:
        raise ValueError(f"unknown scope {scope!r}")
    return _scopes[scope].holds(user, order)


def _active(user: User | None) -> bool:
    """A signed-in, active user (anyone else may do nothing; a superuser, everything)."""
    return user is not None and user.is_authenticated and user.is_active


def can(user: User | None, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may take ``action`` (on ``obj`` when given)."""
    if action not in RULES:
        raise KeyError(f"unknown action {action!r}")
    if not _active(user):
        return False
    rule = RULES[action]
    return user.is_superuser or any(
        _in_scope(user, rule[role], obj) for role in roles_of(user) if role in rule
    )


def require(user: User | None, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(action=action)


def sees_all(user: User | None, action: str = "order.view") -> bool:
    """Whether ``user`` may take ``action`` on every order (so that counts kept for the
    whole department, such as the dashboard's tallies, are theirs to read)."""
    if not _active(user):
        return False
    return user.is_superuser or any(RULES[action].get(role) == ANY for role in roles_of(user))


def order_scope(user: User | None, queryset: QuerySet, action: str = "order.view") -> QuerySet:
    """Restrict an Order queryset to the orders ``user`` may take ``action`` on."""
    return _scope(user, queryset, action, prefix="")


def order_scope_sources(
    user: User | None, action: str = "order.view"
) -> list[tuple[QuerySet, str]] | None:
    """The orders ``user`` may take ``action`` on as querysets of order ids, each with the
    field holding the id (``(queryset, field)``; an order at most once in each, maybe in
    several): their union is ``order_scope``'s orders. The scope's first n orders by id
    are among the first n of the sources together, which an index gives without reading
    the orders of anyone else (``KeysetCursorPagination.paginate_compiled``). None when
    the user may act on every order or on none, or one of their scopes has no sources."""
    if not _active(user) or user.is_superuser:
        return None
    rule = RULES[action]
    # Each scope once, however many of the user's roles grant it.
    scopes = {rule[role] for role in roles_of(user) if role in rule}
    sources: list[tuple[QuerySet, str]] = []
    for scope in sorted(scopes):
        registered = _scopes.get(scope)
        if registered is None or registered.sources is None:  # ANY among them
            return None
        sources += registered.sources(user)
    return sources or None


def related_scope(
    user: User | None, queryset: QuerySet, order_path: str = "order", action: str = "order.view"
) -> QuerySet:
    """Restrict a queryset of an order's children (``order_path`` leads to the order) to
    those whose order ``user`` may take ``action`` on (by default: see)."""
    return _scope(user, queryset, action, prefix=f"{order_path}__")


def person_scope(
    user: User | None, queryset: QuerySet, action: str, person_path: str = "person"
) -> QuerySet:
    """Restrict a queryset of person-records (``person_path`` leads to the person) to
    those ``user`` may take ``action`` on: all of them, or the user's own (SELF)."""
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    scopes = {RULES[action][role] for role in roles_of(user) if role in RULES[action]}
    if ANY in scopes:
        return queryset
    if SELF in scopes:
        return queryset.filter(**{person_path: user})
    return queryset.none()


def _scope(user: User | None, queryset: QuerySet, action: str, prefix: str) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    rule = RULES[action]
    condition = Q(pk__in=[])
    for role in roles_of(user):
        scope = rule.get(role)
        if scope is None:
            continue
        if scope == ANY:
            return queryset
        if scope in _scopes:
            condition |= _scopes[scope].condition(user, prefix)
    return queryset.filter(condition)


# --------------------------------------------------------------------------
# Pages of the browser UI (issue #4): which roles may open each page at all.
# What a page then shows is scoped by the rules above (order_scope), and each
# button is shown only when ``can`` allows its action on the object.
# --------------------------------------------------------------------------

EVERYONE = frozenset({M, SUP, FIN, PROD, INT})

PAGES: dict[str, frozenset[str]] = {
    "home": EVERYONE,
    "orders": frozenset({M, SUP, FIN, PROD}),  # list, detail, Excel export
    "order_edit": frozenset({M, SUP}),  # create, edit a draft, amend
    "finance": frozenset({FIN}),  # the queue of payments to confirm
    "receivables": frozenset({FIN, SUP}),
    "production": frozenset({PROD, M, SUP}),  # board, quick entry, production orders
    "shipments": frozenset({M, SUP, FIN, PROD}),
    "after_sales": frozenset({M, SUP}),
    "samples": frozenset({M, SUP, PROD}),  # sample requests (打样)
    "plans": frozenset({SUP}),  # the slipping milestones across orders
    "customers": frozenset({M, SUP, FIN}),
    "customer_edit": frozenset({M, SUP}),
    "products": frozenset({M, SUP}),  # list, create, edit, deactivate (product.*)
    "imports": frozenset({M, SUP}),  # Excel import with a dry run (orders.imports)
    "dashboard": frozenset({SUP}),
    "daily_report": frozenset({M, SUP}),
    "sales_ledger": frozenset({M, SUP, FIN}),
    "alerts": EVERYONE,  # one's own inbox
    "requests": frozenset({M, SUP, FIN, PROD}),  # requests to decide, one's own requests
    "kpi": frozenset({M, SUP, FIN}),  # assessments and pay (the views check each object)
}


def can_open(user: User | None, page: str) -> bool:
    """Whether ``user`` may open ``page`` of the browser UI (superusers: every page)."""
    if page not in PAGES:
        raise KeyError(f"unknown page {page!r}")
    return _active(user) and (user.is_superuser or bool(PAGES[page] & roles_of(user)))
