"""A page shows a link only when its user may open what it leads to (issue #17, 3):
finance reads an order in production but gets no link to its production order (that
page answers 403 to finance), nor to an after-sales case; the roles that may open
them get the links. The text stays where the link would be."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from orders.states import OrderStatus as S
from shipping import services as shipping_services
from tests.browsing import shown
from tests.factories import earlier_today, order_in_status

from .conftest import client_for

pytestmark = pytest.mark.django_db


def href(url: str) -> str:
    return f'href="{url}"'


def test_finance_sees_the_production_order_number_but_no_link_to_its_page(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    po = order.production_orders.get()
    url = reverse("production:detail", args=[po.pk])
    assert client_for(cast.finance).get(url).status_code == 403

    html = shown(client_for(cast.finance), reverse("orders:detail", args=[order.pk]))
    assert po.number in html
    assert href(url) not in html

    for user in (cast.supervisor, cast.merchandiser, cast.production):
        page = shown(client_for(user), reverse("orders:detail", args=[order.pk]))
        assert href(url) in page, user
        assert client_for(user).get(url).status_code == 200, user


def test_after_sales_cases_are_linked_only_for_the_roles_that_may_open_them(cast):
    order = order_in_status(cast, S.DELIVERED)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind="complaint",
        description="stains on 12 pieces",
        received_at=earlier_today(hours=1),
    )
    url = reverse("shipping:case_detail", args=[case.pk])
    order_url = reverse("orders:detail", args=[order.pk])
    customer_url = reverse("orders:customer_detail", args=[order.customer_id])
    for user in (cast.finance,):
        assert client_for(user).get(url).status_code == 403
        for page in (order_url, customer_url):
            html = shown(client_for(user), page)
            assert "stains on 12 pieces" in html, page
            assert href(url) not in html, page
    html = shown(client_for(cast.merchandiser), order_url)
    assert href(url) in html
    assert client_for(cast.merchandiser).get(url).status_code == 200


def test_the_link_tag_gives_text_where_the_page_would_refuse(cast):
    template = Template(
        '{% link "orders:receivables" class="btn" %}<b>AR</b>{% endlink %}'
        '|{% url "orders:receivables" as u %}{{ u|opens:user }}'
        '|{% can "order.waive_deposit" as ok %}{{ ok }}'
    )
    url = reverse("orders:receivables")
    assert template.render(Context({"user": cast.finance})) == (
        f'<a href="{url}" class="btn"><b>AR</b></a>|True|False'
    )
    assert template.render(Context({"user": cast.merchandiser})) == "<b>AR</b>|False|False"
    assert template.render(Context({"user": cast.supervisor})).endswith("|True|True")
