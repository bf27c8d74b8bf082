"""The samples API: sample requests and their steps, and the trial and sealed samples
of production orders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.api.views import ResourceApiViewSet, list_and_detail, service_action, service_create
from samples import selectors, services
from samples.filters import ProductionSampleFilterSet, SampleRequestFilterSet

from . import serializers as s


@list_and_detail(_("打样单列表"), _("打样单详情"))
class SampleRequestViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = s.SampleRequestSerializer
    filterset_class = SampleRequestFilterSet
    service_id, reread = "sample_id", True

    def get_queryset(self):
        return selectors.sample_list_visible_to(self.request.user).prefetch_related(
            "purchase_requests", "retained"
        )

    create = service_create(
        s.SampleRequestInputSerializer,
        services.sample_request_create,
        ids=("customer", "product"),
        summary=_("登记打样单（打样明细）"),
    )
    mould = service_action(
        s.MouldInputSerializer, services.sample_mould_decide, summary=_("主管审批开模")
    )
    start = service_action(
        s.SampleNoteInputSerializer, services.sample_start, summary=_("开始打样")
    )
    finish = service_action(
        s.SampleNoteInputSerializer, services.sample_finish, summary=_("样品做好")
    )
    review = service_action(s.ReviewInputSerializer, services.sample_review, summary=_("审核样品"))
    send = service_action(s.SendInputSerializer, services.sample_send, summary=_("寄样登记"))
    verdict = service_action(
        s.VerdictInputSerializer, services.sample_verdict, summary=_("客户意见")
    )
    purchase = service_action(
        s.PurchaseInputSerializer, services.sample_purchase_request, summary=_("新料采购申请")
    )
    retain = service_action(s.RetainInputSerializer, services.sample_retain, summary=_("留样登记"))
    convert = service_action(
        s.ConvertInputSerializer, services.sample_convert, summary=_("确认样品转成订单")
    )


@list_and_detail(_("生产样品列表（试板样、首件封样）"), _("生产样品详情"))
class ProductionSampleViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = s.ProductionSampleSerializer
    filterset_class = ProductionSampleFilterSet

    visible_to = selectors.production_sample_list_visible_to

    create = service_create(
        s.ProductionSampleInputSerializer,
        services.production_sample_record,
        ids=("production_order",),
        summary=_("登记试板样或首件封样"),
    )
