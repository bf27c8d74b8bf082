"""Base classes of the API's views: idempotent POSTs and the thin-layer helpers.

Every write of the API is: input serializer → one service call → output
serializer. Reads go through the scoped querysets of the apps' selectors, so an
object the caller may not see is a 404 before any permission check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from gendan.db import Statements
from gendan.filters import ListFilterSet, parameter_errors
from gendan.roles import roles_of

from . import idempotency
from .pagination import KeysetCursorPagination, StableOrderingFilter
from .renderers import OrjsonRenderer
from .rows import Rows

READ_ONLY_METHODS = ["get", "head", "options"]
READ_AND_POST_METHODS = ["get", "post", "head", "options"]
READ_AND_WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class IdempotentPostMixin:
    """DRF's ``dispatch`` with POST handlers run through ``idempotency.run`` when the
    request carries an ``Idempotency-Key`` (after authentication, permissions and
    throttling, so the key belongs to a known caller)."""

    def dispatch(self, request, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            if request.method.lower() in self.http_method_names:
                handler = getattr(self, request.method.lower(), self.http_method_not_allowed)
            else:
                handler = self.http_method_not_allowed
            key = idempotency.key_of(request)
            if key is None:
                response = handler(request, *args, **kwargs)
            else:
                response = idempotency.run(
                    request, key, lambda: self._respond(handler, request, *args, **kwargs)
                )
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def _respond(self, handler, request, *args, **kwargs) -> Response:
        """The handler's response, or the error response a handled exception becomes
        (so that it is stored for replay too); unexpected errors propagate."""
        try:
            return handler(request, *args, **kwargs)
        except Exception as exc:
            return self.handle_exception(exc)


def invalid_filters(filterset) -> exceptions.ValidationError:
    """The 400 of a FilterSet with invalid values: each error under the name of its
    query parameter (``contract_delivery_date_after``, not the filter's name)."""
    return exceptions.ValidationError(
        {
            parameter: [
                exceptions.ErrorDetail(
                    error.message % error.params if error.params else error.message,
                    code=error.code,
                )
                for error in errors
            ]
            for parameter, errors in parameter_errors(filterset).items()
        }
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request has no parameter but paging,
    ordering and search: a FilterSet deep-copies its filters and their form fields
    on every request (half a millisecond), to filter nothing when no filter is
    given. (Every filter ignores an empty value, so skipping changes no result.)
    Invalid values are a 400 naming each bad parameter."""

    not_filters = frozenset({"cursor", "page_size", "ordering", "search", "format"})

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset  # a list's filters are not an object's (nor its 400s)
        if self.not_filters.issuperset(request.query_params):
            return queryset
        return self.filter_with_filterset(request, queryset, view)

    def filter_with_filterset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise invalid_filters(filterset)
        return filterset.qs


class ActionMixin:
    """The writes of a viewset: input serializer → one service call → output serializer.

    ``act`` takes one action on the detail route's object; ``written`` is the answer
    of any write (a ``create`` passes ``status.HTTP_201_CREATED``).
    """

    # The keyword the app's services take the object's id as ("order_id", "case_id").
    service_id: str = ""
    # Answer with the object read again through ``get_queryset`` (its annotations and
    # prefetches) rather than with what the service returned.
    reread: bool = False

    def act(
        self,
        input_serializer: type[serializers.Serializer] | None,
        service: Callable[..., Any],
        *,
        partial: bool = False,
    ) -> Response:
        """The visible object (else 404), its validated input (none when
        ``input_serializer`` is None), one service call, the object afterwards."""
        obj = self.get_object()
        data = self.validated(input_serializer, partial=partial) if input_serializer else {}
        result = service(actor=self.request.user, **{self.service_id: obj.pk}, **data)
        return self.written(obj if self.reread else result)

    def create_with(
        self, input_serializer: type[serializers.Serializer], service, *, ids: tuple[str, ...] = ()
    ) -> Response:
        """A create: the validated input (each related object named in ``ids`` passed
        to the service as ``<name>_id``), one service call, 201 with the new object."""
        data = self.validated(input_serializer)
        for name in ids:
            related = data.pop(name, None)
            data[f"{name}_id"] = getattr(related, "pk", related)
        return self.written(service(actor=self.request.user, **data), status.HTTP_201_CREATED)

    def written(self, obj, status_code: int = status.HTTP_200_OK) -> Response:
        """``obj`` through the viewset's read serializer."""
        if self.reread:
            obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.serializer_class(obj).data, status=status_code)


class ListFilterBackend(FilterBackend):
    """The backend of a list whose FilterSet is a ``gendan.filters.ListFilterSet``: its
    filters, its ``search`` and its ``ordering`` are those of the list's page and
    export. The cursor pages ask ``get_ordering`` for the order (the view's
    ``ordering`` when none is asked).

    Skipping the FilterSet still holds: with no parameter but paging, ordering and
    search, the search is applied by the FilterSet's class-level filter (no copy),
    and the ordering (checked here) by the pagination."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        if getattr(view, "detail", False):
            return queryset
        if self.not_filters.issuperset(params):
            filtered = self._quickly(params, queryset, view)
            if filtered is not None:
                return filtered
        # The whole FilterSet: the 400 of every bad parameter, or the rows.
        return self.filter_with_filterset(request, queryset, view)

    def _quickly(self, params, queryset, view):
        """``queryset`` searched and its ordering checked without a FilterSet, or None
        when a value is invalid (or the FilterSet is not a ListFilterSet)."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not issubclass(filterset_class, ListFilterSet):
            return None
        try:
            if "ordering" in params:
                ordering = filterset_class.ordering_filter()
                if ordering is None:
                    return None
                ordering.field.clean(params["ordering"])
            if params.get("search"):
                search = filterset_class.search_filter()
                if search is None:
                    return None
                return search.filter(queryset, search.field.clean(params["search"]))
        except ValidationError:
            return None
        return queryset

    def get_ordering(self, request, queryset, view) -> list[str]:
        filterset_class = self.get_filterset_class(view, queryset)
        ordering = filterset_class.ordering_filter() if filterset_class else None
        fallback = list(getattr(view, "ordering", None) or ["-pk"])
        if ordering is None:
            return fallback
        return ordering.ordering_of(request.query_params.get("ordering"), fallback)


class ApiViewSet(IdempotentPostMixin, ActionMixin, viewsets.GenericViewSet):
    """A viewset of the API: ``api_scope`` names the machine clients' scope
    (``<api_scope>:read`` / ``<api_scope>:write``)."""

    api_scope: str | None = None
    # Lists: django-filter FilterSets, ?search=, ?ordering=, cursor pages (api.md, Lists).
    # (ListApiViewSet: the FilterSet owns its search and ordering too.)
    filter_backends = [FilterBackend, SearchFilter, StableOrderingFilter]
    pagination_class = KeysetCursorPagination

    def validated(self, serializer_class: type[serializers.Serializer], **kwargs) -> dict[str, Any]:
        """The request body validated by ``serializer_class`` (400 with every bad field)."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def get_object(self):
        """The object of a detail route, looked up in the caller's scoped queryset only
        (list filters do not apply): invisible is 404, before any permission check."""
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(
            self.get_queryset(), **{self.lookup_field: self.kwargs[lookup_url_kwarg]}
        )
        self.check_object_permissions(self.request, obj)
        return obj


class ListApiViewSet(ApiViewSet):
    """A viewset whose list is filtered, searched and ordered by its ``filterset_class``
    (a ``gendan.filters.ListFilterSet``), the one its page and Excel export use; the
    newest first unless ``ordering`` says otherwise."""

    filter_backends = [ListFilterBackend]
    ordering = ["-id"]
    # The rows the caller may see: a selector taking the user (``selectors.x_visible_to``).
    visible_to: Callable[[Any], QuerySet] | None = None

    def get_queryset(self):
        return type(self).visible_to(self.request.user)


# A resource of the API: its filtered list and its records (GET), and the POSTs its
# ``create`` and actions declare. (No docstring: the schema would show it as the
# description of every route of every resource.)
class ResourceApiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    http_method_names = READ_AND_POST_METHODS


def list_and_detail(list_summary, detail_summary):
    """The schema summaries of a viewset's list and detail routes (a class decorator)."""
    return extend_schema_view(
        list=extend_schema(summary=list_summary), retrieve=extend_schema(summary=detail_summary)
    )


def service_action(input_serializer, service, *, summary=None, detail: bool = True) -> ServiceView:
    """A POST action that is one service call: ``input_serializer`` (None: no body) →
    ``service`` → the object, through ``ActionMixin.act``; with its schema.

        pack = service_action(PackInput, services.shipment_pack, summary=_("装箱"))

    It stands for an ``@extend_schema(…)`` ``@action(…)`` method of one line, on the URL
    path of the attribute's name with hyphens, answered with the viewset's
    ``serializer_class``. ``detail=False`` for a viewset routed under an object's URL
    (production's actions of an order).
    """
    return ServiceView(
        lambda viewset: viewset.act(input_serializer, service),
        input_serializer,
        summary=summary,
        route={"detail": detail, "methods": ["post"]},
    )


def service_create(
    input_serializer, service, *, ids: tuple[str, ...] = (), summary=None
) -> ServiceView:
    """``create`` as one service call (``ActionMixin.create_with``: each related object
    named in ``ids`` passed as ``<name>_id``), answered 201 with the new object."""
    return ServiceView(
        lambda viewset: viewset.create_with(input_serializer, service, ids=ids),
        input_serializer,
        summary=summary,
        status_code=status.HTTP_201_CREATED,
    )


def service_update(input_serializer, service, *, summary=None) -> ServiceView:
    """``partial_update`` (PATCH) as one service call with the fields given."""
    return ServiceView(
        lambda viewset: viewset.act(input_serializer, service, partial=True),
        input_serializer,
        summary=summary,
    )


class ServiceView:
    """What ``service_action``, ``service_create`` and ``service_update`` return: the
    viewset's method is made when its class is, named after the attribute (DRF routes
    an action by its method's name), with its schema (``input_serializer`` in, the
    viewset's ``serializer_class`` out)."""

    def __init__(
        self,
        handle: Callable[[Any], Response],
        input_serializer,
        *,
        summary,
        route: dict[str, Any] | None = None,
        status_code: int = status.HTTP_200_OK,
    ) -> None:
        self.handle, self.input_serializer, self.summary = handle, input_serializer, summary
        self.route, self.status_code = route, status_code

    def __set_name__(self, owner, name: str) -> None:
        handle = self.handle

        def view(viewset, request, pk=None):
            return handle(viewset)

        view.__name__, view.__qualname__ = name, f"{owner.__qualname__}.{name}"
        view.__module__ = owner.__module__
        if self.route is not None:
            view = action(url_path=name.replace("_", "-"), **self.route)(view)
        responses = owner.serializer_class
        if self.status_code != status.HTTP_200_OK:
            responses = {self.status_code: responses}
        schema = extend_schema(
            summary=self.summary, request=self.input_serializer, responses=responses
        )
        setattr(owner, name, schema(view))


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf`` (a document's route); an error
    on such a route is still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        # An error (404, 403, 429…): JSON, and said so.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return OrjsonRenderer().render(data)


def document_action(
    build: Callable[[Any], Any],
    *,
    summary=None,
    url_path: str = "pdf",
    allowed: Callable[[Any, Any], bool] | None = None,
):
    """A GET route of a record that answers its printable document as a PDF:
    ``build(obj)`` gives the ``gendan.documents.Document`` of the visible object (404
    for one the caller may not see, as every detail route, or when ``allowed(user,
    obj)`` says no: an invoice to one who may not see the money)."""
    from gendan.documents import pdf_response

    def view(viewset, request, pk=None):
        obj = viewset.get_object()
        if allowed is not None and not allowed(request.user, obj):
            raise exceptions.NotFound
        return pdf_response(build(obj))

    view.__name__ = url_path.replace("-", "_")
    view = action(
        detail=True,
        methods=["get"],
        url_path=url_path,
        renderer_classes=[OrjsonRenderer, PdfRenderer],
    )(view)
    return extend_schema(
        summary=summary, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )(view)


class RowsListMixin:
    """A list served by ``list_rows`` (a ``gendan.api.rows.Rows`` of the view's read
    serializer): the same JSON as ``ListModelMixin``, built from ``values()``. The
    view's ``get_queryset`` scopes it, its filters and cursor pages apply as usual."""

    list_rows: Rows
    # Opt-in: the list's page statements, compiled once per shape (``list_statement_key``)
    # and kept by the process. Only for a view whose ``get_queryset`` depends on nothing
    # but the user's id, flags and roles (the policy's order scopes); see the key.
    list_statements: Statements | None = None
    # The query parameters that leave the statement as it is (other than its position).
    STATEMENT_PARAMETERS = frozenset({"cursor", "page_size"})

    def list(self, request, *args, **kwargs):
        key = self.list_statement_key(request)
        if key is not None:
            page = self.paginator.paginate_compiled(
                request,
                self,
                self.list_statements,
                key,
                self._list_queryset,
                lambda: self.list_sources(request),
            )
        else:
            page = self.paginate_queryset(self._list_queryset())
        return self.get_paginated_response(self.list_rows.render(page))

    def _list_queryset(self):
        return self.list_rows.values(self.filter_queryset(self.get_queryset()))

    def list_sources(self, request) -> list[tuple[QuerySet, str]] | None:
        """The unfiltered list's rows as querysets of their ids (``paginate_compiled``),
        for a view whose ``get_queryset`` is exactly what they list; by default none."""
        return None

    def list_statement_key(self, request) -> tuple | None:
        """What the list's SQL depends on besides the cursor's position and the page's
        size, direction and ordering (``KeysetCursorPagination.paginate_compiled``): the
        user's id, active and superuser flags and roles (read for this request), the
        database the list reads from, and the time zone. None, and no statement kept,
        when the request has any other parameter (a filter, a search, an ordering: their
        values may depend on the day), or the view keeps none."""
        if self.list_statements is None or not isinstance(self.paginator, KeysetCursorPagination):
            return None
        if not self.STATEMENT_PARAMETERS.issuperset(request.query_params):
            return None
        user = request.user
        return (
            user.pk,
            user.is_active,
            user.is_superuser,
            roles_of(user),
            router.db_for_read(self.list_rows.model),
            timezone.get_current_timezone_name(),
        )
