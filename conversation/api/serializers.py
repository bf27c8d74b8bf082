"""Serializers of the conversation API: read-only outputs, type-and-size-only inputs
(the services check the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import ReadSerializer, VisibleRelatedField, object_id
from orders import selectors as order_selectors
from orders.api.serializers import discount_amount_field, discount_percent_field
from orders.models import Order

from ..models import ApprovalRequest, Attachment, AttachmentCategory, Note, NoteKind, RequestKind
from ..services import CONTACT_PERSON_MAX, NOTE_MAX, REASON_MAX

ABOUT = Note.ABOUT_FIELDS
ABOUT_HELP = _("可选：本订单的检验、售后案例或出货（最多一项）。")


class NoteSerializer(ReadSerializer):
    author_name = serializers.StringRelatedField(source="author")

    class Meta:
        model = Note
        fields = [
            *("id", "order", "kind", "body", "contact_person", "contacted_at", "author"),
            *("author_name", "mentions", *ABOUT, "created_at"),
        ]


class AboutInputSerializer(serializers.Serializer):
    """The order a row belongs to and, optionally, the part of it the row is about."""

    order = VisibleRelatedField(Order, order_selectors.order_list_visible_to)
    inspection_id = object_id(required=False, allow_null=True, help_text=ABOUT_HELP)
    case_id = object_id(required=False, allow_null=True, help_text=ABOUT_HELP)
    shipment_id = object_id(required=False, allow_null=True, help_text=ABOUT_HELP)


class NoteInputSerializer(AboutInputSerializer):
    kind = serializers.ChoiceField(choices=NoteKind.choices, required=False, default="note")
    body = serializers.CharField(max_length=NOTE_MAX)
    contact_person = serializers.CharField(
        max_length=CONTACT_PERSON_MAX, required=False, allow_blank=True
    )
    contacted_at = serializers.DateTimeField(required=False, allow_null=True)
    mentions = serializers.ListField(
        child=object_id(),
        required=False,
        max_length=50,
        help_text=_("提到的同事（用户 id）；正文中的 @用户名 也算。"),
    )


class AttachmentSerializer(ReadSerializer):
    has_thumbnail = serializers.BooleanField(source="thumbnail", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            *("id", "order", "category", "file_name", "file_content_type", "file_size"),
            *("has_thumbnail", *ABOUT, "shipment_document", "note", "request"),
            *("uploaded_by", "created_at"),
        ]


class AttachmentInputSerializer(AboutInputSerializer):
    file = serializers.FileField(
        help_text=_("PDF、图片、Excel、Word、CSV 或文本，按内容检查类型，大小有上限。")
    )
    category = serializers.ChoiceField(
        choices=AttachmentCategory.choices, required=False, default="other"
    )
    note_id = object_id(required=False, allow_null=True)
    request_id = object_id(required=False, allow_null=True)


class RequestSerializer(ReadSerializer):
    class Meta:
        model = ApprovalRequest
        fields = [
            *("id", "order", "kind", "reason", "params", "approver_role", "status"),
            *("requested_by", "created_at", "decided_by", "decided_at", "decision_note"),
        ]


class RequestInputSerializer(serializers.Serializer):
    order = VisibleRelatedField(Order, order_selectors.order_list_visible_to)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    reason = serializers.CharField(max_length=REASON_MAX)
    contract_delivery_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("修改合同交期的申请：新的合同交期。")
    )
    discount_amount = discount_amount_field()
    discount_percent = discount_percent_field()


class ApproveInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True)
