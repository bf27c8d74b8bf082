"""The FilterSets of the conversation's API lists (gendan.filters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import ListFilterSet, OrderingFilter, choices
from orders.filters import order_filter

from .models import (
    ApprovalRequest,
    Attachment,
    AttachmentCategory,
    Note,
    NoteKind,
    RequestKind,
    RequestStatus,
)


class NoteFilterSet(ListFilterSet):
    order = order_filter()
    kind = choices(NoteKind.choices, _("类型"))
    ordering = OrderingFilter("id", "created_at", default="-id")

    class Meta:
        model = Note


class AttachmentFilterSet(ListFilterSet):
    order = order_filter()
    category = choices(AttachmentCategory.choices, _("类别"))
    ordering = OrderingFilter("id", "created_at", default="-id")

    class Meta:
        model = Attachment


class RequestFilterSet(ListFilterSet):
    order = order_filter()
    kind = choices(RequestKind.choices, _("申请类型"))
    status = choices(RequestStatus.choices, _("状态"))
    ordering = OrderingFilter("id", "created_at", default="-id")

    class Meta:
        model = ApprovalRequest
