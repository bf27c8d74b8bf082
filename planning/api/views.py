"""The planning API: plans, milestones (done by hand), materials."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins

from gendan.api.views import (
    READ_ONLY_METHODS,
    ListApiViewSet,
    ResourceApiViewSet,
    list_and_detail,
    service_action,
    service_create,
)
from gendan.filters import ListFilterSet
from orders.filters import order_filter
from planning import selectors, services
from planning.filters import MaterialFilterSet, MilestoneFilterSet
from planning.models import Plan

from . import serializers as s


class PlanFilterSet(ListFilterSet):
    order = order_filter()

    class Meta:
        model = Plan
        fields: list[str] = []


@list_and_detail(_("节点计划列表"), _("节点计划详情"))
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_ONLY_METHODS
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet

    visible_to = selectors.plan_list_visible_to


@list_and_detail(_("计划节点列表"), _("计划节点详情"))
class MilestoneViewSet(ResourceApiViewSet):
    api_scope = "production"
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilterSet
    service_id, reread = "milestone_id", True
    ordering = ["forecast_date", "id"]

    def get_queryset(self):
        return selectors.milestone_list_visible_to(self.request.user).prefetch_related("depends_on")

    complete = service_action(
        s.MilestoneCompleteInputSerializer,
        services.milestone_complete,
        summary=_("登记节点实际完成日期"),
    )


@list_and_detail(_("物料列表"), _("物料详情"))
class MaterialViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = s.MaterialSerializer
    filterset_class = MaterialFilterSet
    service_id = "material_id"

    visible_to = selectors.material_list_visible_to

    create = service_create(
        s.MaterialInputSerializer, services.material_create, ids=("order",), summary=_("登记物料")
    )
    receive = service_action(
        s.MaterialReceiveInputSerializer, services.material_receive, summary=_("物料到货/预计到货")
    )
