"""The dashboard's and the finance queue's faster reads give what the slower ones did:
the tallies read once for the whole dashboard, the queue's count from the receivable
tally, the rows the views write themselves, and the helpers under them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import html as django_html
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from gendan import html as fast_html
from gendan.db import CompiledQuery
from gendan.models import User
from gendan.money import grouped
from gendan.roles import Role
from orders import figures, selectors
from orders import services as order_services
from orders.models import Order, Payment, PaymentKind
from orders.states import OrderStatus as S
from tests.factories import order_in_status, pay


def _orders_everywhere(cast) -> None:
    for status in (S.DRAFT, S.AWAITING_DEPOSIT, S.IN_PRODUCTION, S.SHIPPED, S.CLOSED):
        order_in_status(cast, status)
    order_in_status(cast, S.SHIPPED, owner=cast.other_merchandiser)
    late = order_in_status(cast, S.CONFIRMED, owner=cast.other_merchandiser)
    Order.objects.filter(pk=late.pk).update(
        contract_delivery_date=timezone.localdate() - dt.timedelta(days=5)
    )


def test_the_dashboards_tallies_read_at_once_are_those_read_one_by_one(cast):
    _orders_everywhere(cast)
    today = timezone.localdate()
    shown = figures.dashboard_figures(today)
    tallied = figures.dashboard_tallies(shown)

    assert selectors.order_counts_by_status(
        cast.supervisor, tallied=tallied.by_status
    ) == selectors.order_counts_by_status(cast.supervisor)
    assert selectors.on_time_delivery_by_month(
        cast.supervisor, today=today, tallied=tallied.by_month
    ) == selectors.on_time_delivery_by_month(cast.supervisor, today=today)
    one_by_one = figures.Counts(cast.supervisor)
    at_once = figures.Counts(cast.supervisor, tallied.columns)
    for key in ("open", "shipped_in_a_year", "on_time_in_a_year", "shipped_this_month"):
        assert at_once.by_owner(shown[key]) == one_by_one.by_owner(shown[key]), key
        assert at_once.show(shown[key]).count == one_by_one.show(shown[key]).count, key
    assert at_once.by_owner(shown["open"])  # (something was counted)


def test_the_dashboard_shows_its_rows_and_figures(cast, client):
    _orders_everywhere(cast)
    client.force_login(cast.supervisor)
    page = client.get(reverse("orders:dashboard")).content.decode()

    late = Order.objects.get(contract_delivery_date__lt=timezone.localdate())
    assert f'<tr class="row-overdue"><td><a href="/orders/{late.pk}/">{late.number}</a>' in page
    assert f'<tr data-owner="{cast.other_merchandiser.pk}">' in page
    assert 'data-figure="owner_overdue"' in page


def test_the_finance_queue_counts_from_the_receivable_tally(cast, client):
    _orders_everywhere(cast)
    refunded = order_in_status(cast, S.DEPOSIT_PAID)
    order_services.order_cancel(actor=cast.merchandiser, order_id=refunded.pk, reason="dup")
    half = order_in_status(cast, S.AWAITING_DEPOSIT)
    deposit = half.payments.get(kind=PaymentKind.DEPOSIT)
    pay(cast, half, PaymentKind.DEPOSIT, amount=deposit.amount_due / 2)
    assert Payment.objects.filter(kind=PaymentKind.REFUND, status="requested").exists()

    queue = selectors.payment_list_to_confirm(cast.finance)
    assert selectors.payment_count_to_confirm(cast.finance) == queue.count() >= 3
    client.force_login(cast.finance)
    page = client.get(reverse("orders:finance_queue"))
    assert page.context["page_obj"].paginator.count == queue.count()
    # A filter in use: counted.
    page = client.get(reverse("orders:finance_queue"), {"kind": PaymentKind.REFUND})
    assert page.context["page_obj"].paginator.count == 1


def test_the_receivables_per_currency_are_the_ageings(cast):
    _orders_everywhere(cast)
    for days in (-3, 0, 10, 45, 70, 200):
        order = order_in_status(cast, S.AWAITING_DEPOSIT)
        order.payments.update(due_date=timezone.localdate() - dt.timedelta(days=days))
    from orders.tallies import rebuild_receivables

    rebuild_receivables()
    totals = selectors.receivables_by_currency(cast.supervisor)
    ageing = selectors.receivables_ageing(cast.supervisor)["per_currency"]
    keys = ["order__currency", *selectors.AGEING_KEYS, "total"]
    assert [[row[key] for key in keys] for row in totals["per_currency"]] == [
        [row[key] for key in keys] for row in ageing
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en", "de", "fr"])
def test_grouped_numbers_are_djangos(language):
    values = [0, 7, -7, 1000, 1234567, Decimal("0.00"), Decimal("-0.00"), Decimal("0.01")]
    values += [Decimal("1234.5"), Decimal("-98765.43"), Decimal("1.005"), Decimal("1E+3")]
    with translation.override(language):
        for value in values:
            for places in (0, 2):
                expected = number_format(
                    value, decimal_pos=places, use_l10n=True, force_grouping=True
                )
                assert grouped(value, places) == expected, (value, places)


def test_format_html_is_djangos():
    values = ["<b>&'\"", mark_safe("<i>ok</i>"), gettext_lazy("订单"), 12, None, Decimal("1.50")]
    for value in values:
        assert fast_html.format_html("<p>{}</p>{x}", value, x=value) == (
            django_html.format_html("<p>{}</p>{x}", value, x=value)
        )


def test_a_compiled_query_names_an_annotation_between_fields(cast):
    merchandisers = Group.objects.get(name=Role.MERCHANDISER).user_set.all()
    people = User.objects.annotate(
        merchandiser=Exists(merchandisers.filter(pk=OuterRef("pk")))
    ).values("pk", "merchandiser", "username")
    query = CompiledQuery(people.filter(username="\x00who\x00"), "\x00who\x00")
    assert query.run(cast.merchandiser.username) == [
        {"pk": cast.merchandiser.pk, "merchandiser": True, "username": cast.merchandiser.username}
    ]
