"""Planning's pages: the plan and materials part of the order page (a compact
timeline: planned, forecast, actual), the supervisor's list of slipping milestones
across orders, and the POSTs of the order page's planning forms."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gendan import policy
from gendan.lists import ListPage
from gendan.web import form_action, page
from orders import selectors as order_selectors
from orders.views.parts import lazy_part, order_part_view

from . import selectors
from .filters import MilestoneFilterSet
from .forms import MaterialForm, MaterialReceiveForm, MilestoneCompleteForm
from .models import Material, Milestone


def _slipping_extra(request: HttpRequest, context: dict) -> None:
    context["today"] = timezone.localdate()


SLIPPING = ListPage(
    MilestoneFilterSet,
    selectors.milestone_list_slipping,
    access="plans",
    template="planning/slipping_list.html",
    fields="search owner customer owner_role forecast_date",
    export="planning:slipping_export",
    columns="plan.order.number plan.order.customer.name plan.order.owner name owner_role "
    "planned_date forecast_date plan.contract_delivery_date plan.projected_delivery_date",
    headers={
        "plan.order.number": gettext_lazy("订单"),
        "plan.order.owner": gettext_lazy("跟单员"),
        "plan.contract_delivery_date": gettext_lazy("合同交期"),
        "plan.projected_delivery_date": gettext_lazy("预计交期"),
    },
    extra=_slipping_extra,
)
slipping_list, slipping_export = SLIPPING.views()


def add_to_order_page(request: HttpRequest, order, context: dict) -> None:
    """The order page's plan and materials, loaded on demand (``order_plan_part``)."""
    context.setdefault("order_parts", []).append(
        lazy_part(order, anchor="order-plan", url_name="planning:order_part", title=_("节点计划"))
    )


def _order_part(request: HttpRequest, order) -> dict | None:
    """The order's plan (planned vs forecast vs actual) and its materials."""
    plan = selectors.plan_of(order)
    materials = list(order.materials.all())
    if plan is None and not materials:
        return None
    can_plan = policy.can(request.user, "plan.update", order)
    can_materials = policy.can(request.user, "material.update", order)
    today = timezone.localdate()
    return {
        "part": {
            "order_id": order.pk,
            "plan": plan,
            "milestones": list(plan.milestones.all()) if plan else [],
            "materials": materials,
            "today": today,
            "complete_form": MilestoneCompleteForm() if can_plan else None,
            "material_form": MaterialForm() if can_materials else None,
            "receive_form": MaterialReceiveForm() if can_materials else None,
        }
    }


order_plan_part = order_part_view(
    "planning/_order_part.html", _order_part, title=gettext_lazy("节点计划")
)


def _order_form(form_class, id_name: str, order_of=None, *, arg: str = "pk"):
    """The POST view of a planning form of the order page. The URL's ``arg`` is the id
    of the order or, with ``order_of`` (the order's id of an object's), of an object
    of it; the form's service gets it as ``id_name``. 404 unless the caller sees the
    order; the form, then its one service call with that id and its data; back to the
    plan."""

    @require_POST
    @page("orders")
    def view(request: HttpRequest, **url: int) -> HttpResponse:
        pk = url[arg]
        visible = pk if order_of is None else order_of(pk)
        if visible is None or order_selectors.order_get_visible(request.user, visible) is None:
            raise Http404
        form = form_class(request.POST)
        return form_action(
            request,
            form,
            lambda: form_class.service(actor=request.user, **{id_name: pk}, **form.cleaned_data),
            success=form_class.success,
            done=reverse("orders:detail", args=[visible]) + "#order-plan",
        )

    return view


def _order_id(model, path: str):
    """The order's id (at ``path``) of the ``model`` object of a pk (None if none)."""
    return lambda pk: model.objects.filter(pk=pk).values_list(path, flat=True).first()


milestone_complete = _order_form(
    MilestoneCompleteForm, "milestone_id", _order_id(Milestone, "plan__order_id")
)
material_add = _order_form(MaterialForm, "order_id", arg="order_pk")
material_receive = _order_form(MaterialReceiveForm, "material_id", _order_id(Material, "order_id"))
