"""The samples and planning API (issue 15): a sample's whole life, the plan and the
materials, scoped by role; hostile input writes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from orders.models import Order
from orders.states import OrderStatus as S
from planning.models import Material
from samples.models import SampleRequest
from tests.factories import CustomerFactory, order_in_status


def _day(n: int) -> str:
    return str(timezone.localdate() + dt.timedelta(days=n))


def _create(client, **extra):
    body = {
        "customer": CustomerFactory().pk,
        "item_number": "CAP-7",
        "colour": "红",
        "unit_price": "4.20",
        "needs_new_mould": True,
        **extra,
    }
    return client.post("/api/v1/samples/", body, format="json")


def test_a_sample_through_the_api_from_request_to_order(cast, api):
    merch, boss = api(cast.merchandiser), api(cast.supervisor)
    created = _create(merch)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = merch.post(f"/api/v1/samples/{pk}/start/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "mould_not_approved"
    assert (
        merch.post(f"/api/v1/samples/{pk}/mould/", {"approve": True}, format="json").status_code
        == 403
    )
    assert (
        boss.post(f"/api/v1/samples/{pk}/mould/", {"approve": True}, format="json").status_code
        == 200
    )
    for action in ("start", "finish"):
        assert merch.post(f"/api/v1/samples/{pk}/{action}/", {}, format="json").status_code == 200
    # No photo yet (photos are uploaded on the page): the review is refused.
    review = merch.post(f"/api/v1/samples/{pk}/review/", {}, format="json")
    assert review.status_code == 409 and review.json()["code"] == "no_photo"
    assert SampleRequest.objects.get(pk=pk).status == "made"


def test_others_do_not_see_my_samples_and_hostile_input_writes_nothing(cast, api):
    pk = _create(api(cast.merchandiser)).json()["id"]
    assert api(cast.other_merchandiser).get(f"/api/v1/samples/{pk}/").status_code == 404
    assert api(cast.production).get(f"/api/v1/samples/{pk}/").status_code == 200
    assert api(cast.finance).get(f"/api/v1/samples/{pk}/").status_code == 404
    before = SampleRequest.objects.count()
    nul = _create(api(cast.merchandiser), item_number="CAP\x00")
    assert nul.status_code == 400 and "item_number" in nul.json()["fields"]
    far = _create(api(cast.merchandiser), due_date="9999-12-31")
    assert far.status_code == 400 and "due_date" in far.json()["fields"]
    wrong_role = _create(api(cast.production))
    assert wrong_role.status_code == 403
    assert SampleRequest.objects.count() == before


def test_the_plan_its_milestones_and_materials(cast, api):
    order = order_in_status(cast, S.CONFIRMED, days_to_delivery=120)
    merch = api(cast.merchandiser)
    plans = merch.get(f"/api/v1/plans/?order={order.pk}").json()["results"]
    assert len(plans) == 1 and len(plans[0]["milestones"]) == 11
    fit = next(m for m in plans[0]["milestones"] if m["code"] == "fit_sample")
    done = merch.post(
        f"/api/v1/milestones/{fit['id']}/complete/", {"actual_date": _day(0)}, format="json"
    )
    assert done.status_code == 200 and done.json()["actual_date"] == _day(0)
    future = api(cast.supervisor).post(
        f"/api/v1/milestones/{plans[0]['milestones'][1]['id']}/complete/",
        {"actual_date": _day(3)},
        format="json",
    )
    assert future.status_code == 400 and "actual_date" in future.json()["fields"]
    body = {"order": order.pk, "kind": "fabric", "name": "棉布", "quantity": "120.5", "unit": "m"}
    material = merch.post("/api/v1/materials/", body, format="json")
    assert material.status_code == 201, material.json()
    assert material.json()["required_by"] == next(
        m["planned_date"] for m in plans[0]["milestones"] if m["code"] == "materials_in_house"
    )
    before = Material.objects.count()
    # Someone else's order is one that does not exist for them.
    hidden = api(cast.other_merchandiser).post("/api/v1/materials/", body, format="json")
    assert (
        hidden.status_code == 400
        and hidden.json()["fields"]["order"][0]["code"] == "does_not_exist"
    )
    bad = merch.post("/api/v1/materials/", {**body, "name": "棉\x00布"}, format="json")
    assert bad.status_code == 400
    early = merch.post("/api/v1/materials/", {**body, "required_by": "2000-01-01"}, format="json")
    assert early.status_code == 400 and "required_by" in early.json()["fields"]
    assert Material.objects.count() == before
    slipping = api(cast.supervisor).get(f"/api/v1/milestones/?order={order.pk}&done=false")
    assert slipping.status_code == 200 and len(slipping.json()["results"]) == 9
    assert (
        Order.objects.get(pk=order.pk).plan.milestones.filter(actual_date__isnull=False).count()
        == 2
    )
