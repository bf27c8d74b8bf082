"""Serializers of the samples API: read-only outputs, type-and-size-only inputs (the
services check the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import ReadSerializer, count, money, object_id
from production.api.serializers import visible_production_order
from samples.models import (
    CourierTerms,
    ProductionSample,
    ProductionSampleKind,
    PurchaseRequest,
    RetainedSample,
    SampleRequest,
)
from samples.states import VERDICTS

TEXT = {"max_length": 2000, "required": False, "allow_blank": True}


class PurchaseRequestSerializer(ReadSerializer):
    class Meta:
        model = PurchaseRequest
        fields = [
            "id",
            "material",
            "quantity",
            "unit",
            "needed_by",
            "status",
            "note",
            "requested_at",
        ]


class RetainedSampleSerializer(ReadSerializer):
    class Meta:
        model = RetainedSample
        fields = ["id", "location", "quantity", "retained_on", "note"]


class SampleRequestSerializer(ReadSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    purchase_requests = PurchaseRequestSerializer(many=True, read_only=True)
    retained = RetainedSampleSerializer(many=True, read_only=True)

    class Meta:
        model = SampleRequest
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "owner",
            "product",
            *SampleRequest.SPEC_FIELDS,
            "quantity",
            "unit_price",
            "currency",
            "due_date",
            "status",
            "needs_new_mould",
            "mould_status",
            "charge_customer",
            "sample_fee",
            "courier_terms",
            "courier",
            "tracking_number",
            "sent_on",
            "verdict_on",
            "verdict_comment",
            "round",
            "order",
            "order_number",
            "purchase_requests",
            "retained",
            "created_at",
            "updated_at",
        ]


class SampleRequestInputSerializer(serializers.Serializer):
    customer = object_id()
    product = object_id(required=False, allow_null=True)
    item_number = serializers.CharField(max_length=64)
    raw_material = serializers.CharField(**TEXT)
    packing = serializers.CharField(**TEXT)
    colour_print = serializers.CharField(**TEXT)
    colour = serializers.CharField(max_length=100, required=False, allow_blank=True)
    shipping_mark = serializers.CharField(**TEXT)
    process = serializers.CharField(**TEXT)
    quantity = serializers.IntegerField(min_value=1, max_value=100000, required=False)
    unit_price = money(minimum=0, required=False)
    currency = serializers.CharField(max_length=3, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    needs_new_mould = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(**TEXT)


class SampleNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(**TEXT)


class MouldInputSerializer(SampleNoteInputSerializer):
    approve = serializers.BooleanField(help_text=_("true 批准开模，false 不批准。"))


class ReviewInputSerializer(SampleNoteInputSerializer):
    charge_customer = serializers.BooleanField(required=False, default=False)
    sample_fee = money(minimum=0, required=False)
    courier_terms = serializers.ChoiceField(choices=CourierTerms.choices, required=False)


class SendInputSerializer(serializers.Serializer):
    courier = serializers.CharField(max_length=64)
    tracking_number = serializers.CharField(max_length=64)
    sent_on = serializers.DateField(required=False)


class VerdictInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[(v.value, v.label) for v in VERDICTS])
    comment = serializers.CharField(**TEXT)
    verdict_on = serializers.DateField(required=False)


class PurchaseInputSerializer(serializers.Serializer):
    material = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=0, max_value=999999999
    )
    unit = serializers.CharField(max_length=16, required=False)
    needed_by = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(**TEXT)


class RetainInputSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    retained_on = serializers.DateField(required=False)
    note = serializers.CharField(**TEXT)


class ConvertLineInputSerializer(serializers.Serializer):
    colour = serializers.CharField(max_length=64, required=False, allow_blank=True)
    size = serializers.CharField(max_length=32, required=False, allow_blank=True)
    spec = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quantity = count(minimum=1)


class ConvertInputSerializer(serializers.Serializer):
    contract_delivery_date = serializers.DateField()
    customer_po = serializers.CharField(max_length=64, required=False, allow_blank=True)
    lines = ConvertLineInputSerializer(many=True, min_length=1, max_length=500)


class ProductionSampleSerializer(ReadSerializer):
    class Meta:
        model = ProductionSample
        fields = [
            "id",
            "production_order",
            "kind",
            "recorded_on",
            "is_correct",
            "note",
            "recorded_by",
            "created_at",
        ]


class ProductionSampleInputSerializer(serializers.Serializer):
    production_order = visible_production_order()
    kind = serializers.ChoiceField(choices=ProductionSampleKind.choices)
    recorded_on = serializers.DateField(required=False)
    is_correct = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(**TEXT)
