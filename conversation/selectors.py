"""Reads of the conversation, each scoped by the policy: what a user may see of an
order's thread, files and requests (404 for the rest)."""

from __future__ import annotations

from django.db import router
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.db import CompiledCount
from gendan.models import User
from gendan.roles import roles_of
from orders.selectors import WorkGroup

from .models import ApprovalRequest, Attachment, Note, RequestStatus


def attachment_get_visible(user: User, pk: int) -> Attachment | None:
    """An attachment ``user`` may see (its order is in their scope), else None."""
    return attachment_list_visible(user).filter(pk=pk).select_related("order").first()


def attachment_list_visible(user: User) -> QuerySet[Attachment]:
    return policy.related_scope(user, Attachment.objects.all(), "order", "attachment.view")


def note_list_visible(user: User) -> QuerySet[Note]:
    notes = Note.objects.prefetch_related("mentions")
    return policy.related_scope(user, notes)


def request_list_visible(user: User) -> QuerySet[ApprovalRequest]:
    return policy.related_scope(user, ApprovalRequest.objects.all(), "order", "request.view")


def request_get_visible(user: User, pk: int) -> ApprovalRequest | None:
    return request_list_visible(user).filter(pk=pk).select_related("order").first()


def requests_to_decide(user: User) -> QuerySet[ApprovalRequest]:
    """The requests waiting for a decision of ``user``'s roles (in their scope)."""
    waiting = request_list_visible(user).filter(status=RequestStatus.PENDING)
    if user.is_superuser:
        return waiting
    roles = [
        role
        for role in roles_of(user)
        if f"request.decide.{role}" in policy.RULES and policy.can(user, f"request.decide.{role}")
    ]
    return waiting.filter(approver_role__in=roles)


_to_decide_counts: dict[tuple, CompiledCount] = {}


def requests_to_decide_count(user: User) -> int:
    """How many requests wait for ``user``'s decision (``requests_to_decide``; the menu
    shows it on every page): compiled once per database and set of roles for a user who
    sees every request, else counted."""
    if not policy.sees_all(user, "request.view"):
        return requests_to_decide(user).count()
    alias = router.db_for_read(ApprovalRequest)
    key = (alias, user.is_superuser, roles_of(user))
    count = _to_decide_counts.get(key)
    if count is None:
        waiting = requests_to_decide(user).using(alias)
        # The status is the value that changes (``CompiledQuery``'s slot); it is always
        # PENDING.
        count = _to_decide_counts[key] = CompiledCount(waiting, RequestStatus.PENDING)
    return count.count(RequestStatus.PENDING)


def requests_of(user: User) -> QuerySet[ApprovalRequest]:
    """The requests ``user`` made, newest first."""
    return request_list_visible(user).filter(requested_by=user)


def work_groups(user: User, *, limit: int) -> list:
    """My work: the requests waiting for my decision."""
    waiting = (
        requests_to_decide(user).select_related("order", "requested_by").order_by("created_at")
    )
    count = waiting.count()
    if not count:
        return []
    return [WorkGroup("requests_to_decide", _("待我审批"), list(waiting[:limit]), count, "request")]
