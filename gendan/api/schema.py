"""OpenAPI: the error bodies, the responses every operation may give, the
``Idempotency-Key`` header of every POST, and the Bearer security scheme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme as SpectacularSessionScheme
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

IDEMPOTENCY_HEADER = "Idempotency-Key"


class ErrorSerializer(serializers.Serializer):
    """Every error: a stable machine ``code`` and a message; some carry more (``id``
    of the existing order for ``duplicate``, ``status`` and ``action`` for
    ``invalid_transition``)."""

    code = serializers.CharField(
        help_text=_("机器可读的错误代码，如 invalid_transition、duplicate。")
    )
    detail = serializers.CharField(help_text=_("给人看的说明。"))

    class Meta:
        ref_name = "Error"


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("机器可读的代码，如 required、invalid、max_length。"))
    message = serializers.CharField()

    class Meta:
        ref_name = "FieldError"


class ValidationErrorSerializer(ErrorSerializer):
    """400: ``fields`` maps each bad field (``lines[0].quantity`` for nested ones) to its
    errors."""

    class Meta:
        ref_name = "ValidationError"

    def get_fields(self):
        # "fields" cannot be a declared attribute: it is the serializer's own property.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=FieldErrorSerializer(many=True), required=False
        )
        return fields


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gendan.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )


class SessionScheme(SpectacularSessionScheme):
    """The browser session (``cookieAuth``), as for DRF's own session authentication."""

    target_class = "gendan.api.authentication.SessionAuthentication"
    priority = 0


class ListFilterExtension(DjangoFilterExtension):
    """django-filter's parameters as drf-spectacular describes them, plus what the
    server checks: an integer's minimum and maximum (ids from 1), a pattern's regular
    expression (``ordering``: the names a list sorts by; a month)."""

    target_class = "gendan.api.views.FilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        field = filter_field.field
        subfields = getattr(field, "fields", None) or [field] * len(parameters)
        for parameter, subfield in zip(parameters, subfields, strict=False):
            schema = parameter["schema"]
            schema = schema.get("items", schema) if schema.get("type") == "array" else schema
            schema.update(_constraints(filter_field, subfield))
        return parameters


def _constraints(filter_field, field: forms.Field) -> dict:
    found: dict = {}
    pattern = getattr(filter_field, "pattern", None)
    if callable(pattern):
        found["pattern"] = pattern()
    elif isinstance(field, forms.RegexField):
        found["pattern"] = field.regex.pattern
    if isinstance(field, forms.IntegerField):
        found["type"] = "integer"
        if field.min_value is not None:
            found["minimum"] = field.min_value
        if field.max_value is not None:
            found["maximum"] = field.max_value
    return found


def _state_bounds(field, schema: dict) -> None:
    """What the server enforces on an input field, in its schema: an id from 1; the
    bounds a service checks (``gendan.api.fields.bounded``) — for a decimal sent as a
    string, as its pattern (no sign when it may not be negative, not zero when it must
    be positive, 0–1 for a ratio)."""
    if isinstance(field, serializers.PrimaryKeyRelatedField) and schema.get("type") == "integer":
        schema.setdefault("minimum", 1)
    bounds = getattr(field, "schema_bounds", None)
    if not bounds:
        return
    low, high, above = bounds["minimum"], bounds["maximum"], bounds["exclusive_minimum"]
    if schema.get("type") == "integer":
        if low is not None:
            schema["minimum"] = low + 1 if above else low
        if high is not None:
            schema["maximum"] = high
    elif schema.get("format") == "decimal" and "pattern" in schema and low is not None and low >= 0:
        whole, places = field.max_whole_digits, field.decimal_places
        if high == 1:
            pattern = rf"^(?:0?(?:\.\d{{0,{places}}})?|1(?:\.0{{0,{places}}})?)$"
        else:
            pattern = rf"^\d{{0,{whole}}}(?:\.\d{{0,{places}}})?$"
        if above or low > 0:
            pattern = r"^(?!0*\.?0*$)" + pattern[1:]  # not zero
        schema["pattern"] = pattern


def _error(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description)


RETRY_AFTER = "Retry-After"
# Every request body is JSON (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).
UNSUPPORTED_MEDIA_TYPE = {
    "description": str(_("请求正文须为 JSON（Content-Type: application/json）。")),
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


class GendanAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting the errors of each operation (api.md,
    Errors) without repeating them on every view."""

    def _is_public(self) -> bool:
        return any(
            isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _is_idempotent(self) -> bool:
        """POSTs of views built on gendan.api.views take an Idempotency-Key."""
        from .views import IdempotentPostMixin

        return self.method == "POST" and isinstance(self.view, IdempotentPostMixin)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request":
            _state_bounds(field, schema)
        return schema

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_idempotent():
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=str(
                        _(
                            "可选。同一调用方 24 小时内以同一键、同一内容重发时返回第一次的响应，"
                            "不重复执行；同一键、不同内容返回 422。"
                        )
                    ),
                )
            )
        parameters.append(
            OpenApiParameter(
                RETRY_AFTER,
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429, 409] if self._is_idempotent() else [429],
                description=str(_("重试前应等待的秒数。")),
            )
        )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses

        def add(code: int, response: OpenApiResponse) -> None:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )

        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes or not self._is_detail():
            add(400, _error(_("数据无效：每个字段的代码和说明。"), ValidationErrorSerializer))
        if self._is_public():
            add(429, _error(_("请求过于频繁；见 Retry-After。")))
            return responses
        add(401, _error(_("未提供令牌或令牌无效。")))
        add(403, _error(_("角色无权执行此操作，或接口客户端缺少权限范围。")))
        if self._is_detail():
            add(404, _error(_("对象不存在，或调用方无权查看。")))
        if writes:
            add(
                409,
                _error(_("当前状态不允许此操作、记录重复（duplicate，带 id）或同键请求处理中。")),
            )
        if self._is_idempotent():
            add(422, _error(_("Idempotency-Key 已用于另一个请求内容。")))

        add(429, _error(_("请求过于频繁；见 Retry-After。")))
        return responses


def _reuse_enum(parameter: dict, enums: dict[tuple, str]) -> None:
    """A query parameter's choices as the component of the same choices
    (``status: OrderStatusEnum``), so that a generated client has one type for a
    status it reads and filters by; no title (a model field's label, not a name)."""
    schema = parameter["schema"]
    values = schema.get("items", schema) if schema.get("type") == "array" else schema
    values.pop("title", None)
    name = enums.get(tuple(sorted(map(str, values.get("enum", ())))))
    if name is None:
        return
    reference = {"$ref": f"#/components/schemas/{name}"}
    if values is schema:
        parameter["schema"] = reference
    else:
        schema["items"] = reference


def postprocess_schema(result, generator, request, public):
    """Describe the API's conventions once, and link each create to what can be done
    with what it created (OpenAPI links: clients and stateful fuzzers follow them)."""
    result.setdefault("info", {})["description"] = str(
        _(
            "Gendan（跟单）REST API。认证：Authorization: Bearer <token>。"
            "列表使用游标分页（next/previous，page_size ≤ 200）。"
            "错误正文：{code, detail[, fields]}；金额为两位小数的字符串。"
        )
    )
    paths = result.get("paths", {})
    enums = {
        tuple(sorted(map(str, schema["enum"]))): name
        for name, schema in result.get("components", {}).get("schemas", {}).items()
        if "enum" in schema
    }
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            if "requestBody" in operation:
                operation["responses"].setdefault("415", UNSUPPORTED_MEDIA_TYPE)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _reuse_enum(parameter, enums)
    for path, item in paths.items():
        create = item.get("post")
        if create is None or "{" in path or "201" not in create.get("responses", {}):
            continue
        links = {
            operation["operationId"]: {
                "operationId": operation["operationId"],
                "parameters": {"id": "$response.body#/id"},
            }
            for other, other_item in paths.items()
            if other.startswith(f"{path}{{id}}/")
            for method, operation in other_item.items()
            if method in ("get", "post", "patch")
        }
        if links:
            create["responses"]["201"]["links"] = links
    return result
