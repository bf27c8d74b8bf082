"""The pages of issue 15: a sample request made on the page with a photo and taken
through its steps; the plan on the order page; the supervisor's slipping milestones,
filtered by owner and customer; wrong roles and hostile input change nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from orders.states import OrderStatus as S
from planning import services as planning_services
from planning.models import Material, Milestone
from samples.models import SamplePhoto, SampleRequest
from tests.browsing import shown
from tests.factories import CustomerFactory, order_in_status
from tests.samples.helpers import png


def _sheet(customer, **extra):
    return {
        "customer": customer.pk,
        "item_number": "BAG-01",
        "raw_material": "600D 牛津布",
        "colour": "黑",
        "quantity": "2",
        "unit_price": "12.00",
        "currency": "CNY",
        "needs_new_mould": "on",
        **extra,
    }


def test_a_sample_request_with_a_photo_on_the_page(client, cast):
    client.force_login(cast.merchandiser)
    customer = CustomerFactory()
    response = client.post("/samples/new/", {**_sheet(customer), "photo": png()})
    sample = SampleRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/samples/{sample.pk}/"
    assert sample.photos.count() == 1 and sample.mould_status == "pending"
    page = client.get(f"/samples/{sample.pk}/").content.decode()
    assert "BAG-01" in page and "600D 牛津布" in page
    # The list and its export, with a request not (yet) turned into an order.
    assert "BAG-01" in client.get("/samples/?search=BAG").content.decode()
    assert client.get("/samples/export.xlsx").status_code == 200
    photo = SamplePhoto.objects.get()
    download = client.get(f"/samples/photos/{photo.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # Another merchandiser sees neither the request nor its photo.
    client.force_login(cast.other_merchandiser)
    assert client.get(f"/samples/{sample.pk}/").status_code == 404
    assert client.get(f"/samples/photos/{photo.pk}/").status_code == 404
    # The supervisor approves the mould on the page.
    client.force_login(cast.supervisor)
    client.post(f"/samples/{sample.pk}/do/mould/", {"approve": "1", "note": "同意开模"})
    sample.refresh_from_db()
    assert sample.mould_status == "approved"


def test_hostile_sample_input_writes_nothing(client, cast):
    client.force_login(cast.merchandiser)
    customer = CustomerFactory()
    for bad in (
        {"item_number": "BAG\x00"},
        {"due_date": "9999-12-31"},
        {"due_date": "2000-01-01"},
    ):
        response = client.post("/samples/new/", _sheet(customer, **bad))
        assert response.status_code == 200  # the form again, with its errors
    fake = png("fake.png")
    fake.file.write(b"not an image")
    fake.file.seek(0)
    fake.file.truncate(12)
    fake.file.seek(0)
    fake.size = 12
    fake.name = "fake.png"
    response = client.post("/samples/new/", {**_sheet(customer), "photo": fake})
    assert response.status_code == 200
    client.force_login(cast.finance)
    assert client.post("/samples/new/", _sheet(customer)).status_code == 403
    assert SampleRequest.objects.count() == 0 and SamplePhoto.objects.count() == 0


def test_the_plan_on_the_order_page_and_the_slipping_view(client, cast):
    mine = order_in_status(cast, S.CONFIRMED, days_to_delivery=120)
    other = order_in_status(cast, S.CONFIRMED, days_to_delivery=120, owner=cast.other_merchandiser)
    today = timezone.localdate()
    for order, owner in ((mine, cast.merchandiser), (other, cast.other_merchandiser)):
        lab_dip = Milestone.objects.get(plan__order=order, code="lab_dip")
        Milestone.objects.filter(pk=lab_dip.pk).update(planned_date=today - dt.timedelta(days=30))
        fit = Milestone.objects.get(plan__order=order, code="fit_sample")
        planning_services.milestone_complete(actor=owner, milestone_id=fit.pk, actual_date=today)
    client.force_login(cast.merchandiser)
    page = shown(client, f"/orders/{mine.pk}/")
    assert 'id="order-plan"' in page and 'data-milestone="fit_sample"' in page
    assert "预计交期" in page
    # The merchandiser adds a material on the order page; required by the plan's date.
    client.post(
        f"/orders/{mine.pk}/materials/",
        {"kind": "trim", "name": "四合扣", "quantity": "2000", "unit": "pcs"},
    )
    material = Material.objects.get()
    assert (
        material.required_by
        == Milestone.objects.get(plan__order=mine, code="materials_in_house").planned_date
    )
    # Not on someone else's order.
    client.post(
        f"/orders/{other.pk}/materials/",
        {"kind": "trim", "name": "x", "quantity": "1", "unit": "pcs"},
    )
    assert Material.objects.count() == 1
    assert client.get("/plans/slipping/").status_code == 403

    client.force_login(cast.supervisor)
    everyone = client.get("/plans/slipping/").content.decode()
    assert mine.number in everyone and other.number in everyone
    by_owner = client.get(f"/plans/slipping/?owner={cast.other_merchandiser.pk}").content.decode()
    assert other.number in by_owner and mine.number not in by_owner
    by_customer = client.get(f"/plans/slipping/?customer={mine.customer_id}").content.decode()
    assert mine.number in by_customer and other.number not in by_customer
    export = client.get(f"/plans/slipping/export.xlsx?customer={mine.customer_id}")
    assert export.status_code == 200
