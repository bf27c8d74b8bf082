"""The form renderer (``gendan.widgets``) writes the stock widgets in Python: the HTML
must be Django's own, character for character, widget by widget and page by page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from gendan.forms import DateInput
from gendan.models import User
from gendan.widgets import FormRenderer
from orders.states import OrderStatus as S
from tests.browsing import shown
from tests.factories import order_in_status

DJANGO = DjangoTemplates()
FAST = FormRenderer()
HOSTILE = "a<b>&\"' c"
ATTRS = {
    "required": True,
    "disabled": False,
    "maxlength": 100,
    "class": "a b",
    "placeholder": gettext_lazy("到账金额"),
    "data-x": mark_safe("<i>"),
    "aria-label": HOSTILE,
}
CHOICES = [("", "---------"), (1, "一"), ("2", HOSTILE), ('x"y', gettext_lazy("订单"))]
GROUPS = [("", "none"), ("组 <1>", [(1, "a"), (2, "b")]), (gettext_lazy("订单"), [("c", "c")])]

WIDGETS = [
    *(
        (forms.TextInput(attrs=ATTRS), value)
        for value in (None, "", HOSTILE, mark_safe("<b>x</b>"), 0, Decimal("1.50"), (1, 2))
    ),
    (forms.NumberInput(attrs={"step": "0.01", "min": 0}), Decimal("12.30")),
    (DateInput(), dt.date(2026, 12, 6)),
    (forms.DateInput(), dt.date(2026, 12, 6)),
    (forms.DateTimeInput(), dt.datetime(2026, 12, 6, 9, 30)),
    (forms.TimeInput(), dt.time(9, 30)),
    (forms.HiddenInput(), "7"),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "a@b.cn"),
    (forms.PasswordInput(render_value=True), HOSTILE),
    (forms.PasswordInput(), "secret"),
    (forms.URLInput(), "https://example.com/?a=1&b=2"),
    (forms.SearchInput(), "GD-2026"),
    (forms.TelInput(), "+86 21"),
    (forms.ColorInput(), "#ffffff"),
    *((forms.Textarea(attrs=ATTRS), value) for value in (None, "", "第一行\n<二>\n", "  x  ", 5)),
    *(
        (forms.Select(choices=CHOICES, attrs=ATTRS), value)
        for value in (None, "", 1, "1", "2", HOSTILE, 'x"y')
    ),
    (forms.Select(choices=GROUPS), 2),
    (forms.Select(choices=[(1, 1), (2, 2)]), 1),  # labels not text: the template writes them
    (forms.SelectMultiple(choices=CHOICES), ["1", "2"]),
    (forms.NullBooleanSelect(), None),
    (forms.NullBooleanSelect(), True),
    (forms.RadioSelect(choices=CHOICES), "1"),  # not written in Python: its template
    (forms.CheckboxInput(), True),
    (forms.ClearableFileInput(), None),
]


def test_the_stock_widgets_are_written_in_python():
    """A Django whose widget templates changed would quietly lose the fast path."""
    fast = FAST.fast_paths()
    for name in ("input", "text", "number", "date", "hidden", "textarea", "select"):
        assert f"django/forms/widgets/{name}.html" in fast


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda case: type(case).__name__)
def test_each_widget_renders_as_django_renders_it(widget, value):
    expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=DJANGO)
    assert widget.render("field", value, attrs={"id": "id_field"}, renderer=FAST) == expected


@pytest.mark.django_db
def test_a_choice_of_people_renders_as_django_renders_it(cast):
    field = forms.ModelChoiceField(User.objects.order_by("pk"), required=False)
    value = cast.merchandiser.pk
    expected = field.widget.render("owner", value, renderer=DJANGO)
    assert field.widget.render("owner", value, renderer=FAST) == expected
    assert f'value="{value}" selected' in expected


def _comparable(page: str) -> str:
    """Without what differs from one request to the next (CSRF tokens, CSP nonces, the
    keys of new order lines)."""
    page = re.sub(r'nonce="[^"]*"', 'nonce=""', page)
    page = re.sub(r"\b[0-9a-f]{10}\b", "KEY", page)
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)


def test_the_pages_render_as_with_djangos_templates(cast, client):
    order = order_in_status(cast, S.IN_PRODUCTION)
    client.force_login(cast.supervisor)
    urls = [
        f"/orders/{order.pk}/",
        "/orders/new/",
        "/orders/?status=in_production",
        "/customers/new/",
    ]
    pages = {}
    for renderer in ("gendan.widgets.FormRenderer", "django.forms.renderers.DjangoTemplates"):
        with override_settings(FORM_RENDERER=renderer):
            pages[renderer] = [_comparable(shown(client, url)) for url in urls]
    fast, slow = pages.values()
    for url, a, b in zip(urls, fast, slow, strict=True):
        assert a == b, url
    assert "<select" in fast[0] and "<textarea" in fast[0] and "<input" in fast[1]


# The line editor's product options as its template wrote them, one product at a time.
PRODUCT_OPTIONS_TEMPLATE = (
    '{% for product in products %}<option value="{{ product.pk }}" '
    'data-price="{{ product.default_price }}"'
    '{% if selected == product.pk|stringformat:"d" %} selected{% endif %}>'
    "{{ product.item_number }} {{ product.name }}</option>{% endfor %}"
)


@pytest.mark.django_db
def test_the_line_editors_product_options_are_the_templates(cast):
    from django.template import Context, Template

    from orders.models import Product
    from orders.views.orders import ProductChoices
    from tests.factories import ProductFactory

    ProductFactory(name=HOSTILE, item_number="<1>", default_price=Decimal("1234.50"))
    ProductFactory(name="零价", default_price=Decimal("0.00"))
    ProductFactory(name="x", default_price=Decimal("0.01"))
    products = Product.objects.order_by("item_number")
    choices = ProductChoices(products.values_list("pk", "default_price", "item_number", "name"))
    template = Template(PRODUCT_OPTIONS_TEMPLATE)
    for selected in ("", str(products[1].pk), "999999", None, products[0].pk):
        expected = template.render(Context({"products": products, "selected": selected}))
        assert choices.html(selected) == expected
    assert " selected" in choices.html(str(products[1].pk))
