"""The conversation API: an order's thread (notes and contact records), its attachments
(uploaded as multipart on their own endpoint, downloaded through the policy) and the
requests with their approve and reject actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from gendan.api.views import (
    ResourceApiViewSet,
    list_and_detail,
    service_action,
    service_create,
)
from gendan.uploads import download_response

from .. import selectors, services
from ..filters import AttachmentFilterSet, NoteFilterSet, RequestFilterSet
from .serializers import (
    ApproveInputSerializer,
    AttachmentInputSerializer,
    AttachmentSerializer,
    NoteInputSerializer,
    NoteSerializer,
    RejectInputSerializer,
    RequestInputSerializer,
    RequestSerializer,
)


class ThreadViewSet(ResourceApiViewSet):
    api_scope = "orders"


def create_on_order(input_serializer, service, summary):
    """``create``: one service call on the order named in the body (``order`` → ``order_id``)."""
    return service_create(input_serializer, service, ids=("order",), summary=summary)


@list_and_detail(_("跟进记录列表"), _("跟进记录"))
class NoteViewSet(ThreadViewSet):
    serializer_class, filterset_class = NoteSerializer, NoteFilterSet
    visible_to = selectors.note_list_visible

    create = create_on_order(
        NoteInputSerializer, services.note_add, _("写跟进记录或客户联系记录（@提到的同事收到提醒）")
    )


@list_and_detail(_("附件列表"), _("附件"))
class AttachmentViewSet(ThreadViewSet):
    serializer_class, filterset_class = AttachmentSerializer, AttachmentFilterSet
    visible_to = selectors.attachment_list_visible

    # The upload is the one multipart endpoint of the API; everything else is JSON.
    parser_classes = [MultiPartParser]

    create = create_on_order(
        AttachmentInputSerializer, services.attachment_add, _("上传附件（multipart/form-data）")
    )

    @extend_schema(
        summary=_("下载附件文件"),
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return download_response(self.get_object())


@list_and_detail(_("申请列表"), _("申请"))
class RequestViewSet(ThreadViewSet):
    serializer_class, filterset_class = RequestSerializer, RequestFilterSet
    visible_to = selectors.request_list_visible
    service_id = "request_id"

    create = create_on_order(
        RequestInputSerializer,
        services.request_open,
        _(
            "提交申请（豁免订金、赊销放行、接受短交、生产后取消、修改交期、折扣、核销尾差、生产加急）"
        ),
    )
    approve = service_action(
        ApproveInputSerializer, services.request_approve, summary=_("批准申请（执行相应操作）")
    )
    reject = service_action(
        RejectInputSerializer, services.request_reject, summary=_("驳回申请（须写原因）")
    )
