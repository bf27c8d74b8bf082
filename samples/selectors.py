"""Reads of the samples: what a user may see, and the month's missing samples (KPI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from gendan import policy
from gendan.models import User
from production.models import ProductionOrder, ProgressReport, Stage

from .models import ProductionSample, ProductionSampleKind, SampleRequest

# The stage code of cutting (开裁): progress past it means bulk production has begun.
CUTTING_STAGE = "cutting"


def sample_list_visible_to(user: User) -> QuerySet[SampleRequest]:
    """The sample requests ``user`` may see (a merchandiser: their own)."""
    return policy.person_scope(
        user, SampleRequest.objects.all(), "sample.view", person_path="owner"
    ).select_related("customer", "owner", "product", "order")


def sample_get_visible(user: User, pk: int) -> SampleRequest | None:
    return (
        sample_list_visible_to(user)
        .prefetch_related("photos", "purchase_requests", "retained", "events__actor")
        .filter(pk=pk)
        .first()
    )


def production_sample_list_visible_to(user: User) -> QuerySet[ProductionSample]:
    return policy.related_scope(
        user,
        ProductionSample.objects.select_related("production_order__order", "recorded_by"),
        "production_order__order",
    )


def beyond_cutting_reports() -> QuerySet[ProgressReport]:
    """Progress reports at a stage after cutting (the cutting stage's position; all
    stages when there is no cutting stage)."""
    cutting = Stage.objects.filter(code=CUTTING_STAGE).values("position")[:1]
    return ProgressReport.objects.filter(
        Q(stage__position__gt=cutting) | ~Exists(Stage.objects.filter(code=CUTTING_STAGE))
    )


def has_sample(kind: str) -> Exists:
    return Exists(
        ProductionSample.objects.filter(production_order=OuterRef("pk"), kind=kind, is_correct=True)
    )


def production_orders_missing_sample(kind: str) -> QuerySet[ProductionOrder]:
    """Production orders with progress reported beyond cutting and no correct sample
    of ``kind``; annotated ``first_beyond`` (the first such report's date)."""
    beyond = beyond_cutting_reports().filter(production_order=OuterRef("pk"))
    return (
        ProductionOrder.objects.filter(Exists(beyond))
        .exclude(has_sample(kind))
        .annotate(first_beyond=Subquery(beyond.order_by("date").values("date")[:1]))
    )


@dataclass(frozen=True)
class MissingSample:
    """A penalty input: a production order of the person's that went past cutting in
    the month without its trial or sealed sample."""

    production_order: ProductionOrder
    kind: str
    label: str
    rule_code: str
    occurred_on: dt.date


RULE_CODES = {
    ProductionSampleKind.SEALED: "no-first-article-seal",
    ProductionSampleKind.TRIAL: "trial-sample",
}


def missing_samples_for(person_id: int, first: dt.date, last: dt.date) -> list[MissingSample]:
    """The month's missing trial and sealed samples of ``person_id``'s orders: each
    production order whose first report beyond cutting falls in [first, last]."""
    found = []
    for kind, label in ProductionSampleKind.choices:
        for po in (
            production_orders_missing_sample(kind)
            .filter(order__owner_id=person_id, first_beyond__range=(first, last))
            .select_related("order")
            .order_by("first_beyond", "pk")
        ):
            found.append(MissingSample(po, kind, str(label), RULE_CODES[kind], po.first_beyond))
    return found
