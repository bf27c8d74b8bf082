"""The FilterSets of the conversation's API lists (gendan.filters): each list by order,
its kind, newest first."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import ListFilterSet, OrderingFilter, choices
from orders.filters import order_filter

from . import models as m


class ThreadFilterSet(ListFilterSet):
    """``?order=``, ``?ordering=`` (id, created_at)."""

    order = order_filter()
    ordering = OrderingFilter("id", "created_at", default="-id")

    class Meta:
        abstract = True


class NoteFilterSet(ThreadFilterSet):
    kind = choices(m.NoteKind.choices, _("类型"))

    class Meta:
        model = m.Note


class AttachmentFilterSet(ThreadFilterSet):
    category = choices(m.AttachmentCategory.choices, _("类别"))

    class Meta:
        model = m.Attachment


class RequestFilterSet(ThreadFilterSet):
    kind = choices(m.RequestKind.choices, _("申请类型"))
    status = choices(m.RequestStatus.choices, _("状态"))

    class Meta:
        model = m.ApprovalRequest
