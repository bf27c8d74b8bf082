"""Formatting for Gendan's pages: money, quantities and percentages in the
language's number format, status badges, the cards of a page."""

from __future__ import annotations

import functools
from decimal import Decimal

from django import template
from django.template.base import token_kwargs
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from gendan.html import format_html as fast_format_html
from gendan.money import format_money, grouped

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    """12345.6 -> "12,345.60" (with the currency code before it when given):
    ``gendan.money.format_money``."""
    return format_money(value, currency)


@register.filter
def qty(value) -> str:
    """A whole quantity with grouped thousands."""
    if value is None or value == "":
        return ""
    return grouped(value, 0)


@register.filter
def pct(value, places: int = 0) -> str:
    """A ratio (0.3) as a percentage ("30%"); empty for None."""
    if value is None or value == "":
        return "–"
    ratio = Decimal(str(value)) * 100
    return f"{number_format(ratio, decimal_pos=int(places), use_l10n=True)}%"


@register.simple_tag
def badge(value: str, label, kind: str = "status") -> str:
    """A coloured badge for a status (CSS class ``<kind>-<value>``)."""
    return fast_format_html('<span class="badge {}-{}">{}</span>', kind, value, label)


@register.filter
def display(obj, field_name: str):
    """``obj.get_<field_name>_display()`` for a list of many rows: Django's rebuilds
    the field's choices, hashing every lazy label, on each call."""
    value = getattr(obj, field_name)
    return _choice_labels(type(obj), field_name).get(value, value)


@functools.cache
def _choice_labels(model, field_name: str) -> dict:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.simple_tag
def options(choices, selected) -> str:
    """The ``<option>``s of a ``<select>`` written by hand (a list of many row forms:
    one tag instead of a template per option), ``selected`` marked as a Select widget
    marks it (values compared as text)."""
    chosen = "" if selected is None else str(selected)
    return _options(tuple((str(value), str(label)) for value, label in choices), chosen)


@functools.lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...], chosen: str) -> str:
    """The options of ``choices`` with ``chosen`` marked: the same for most rows of a
    page, so written once (the labels, already translated, are part of the key)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == chosen else "", label) for value, label in choices),
    )


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes (rounded up)."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)


class CardNode(template.Node):
    def __init__(self, options: dict, nodelist):
        self.options, self.nodelist = options, nodelist

    def render(self, context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        content = mark_safe(self.nodelist.render(context))  # escaped by its template
        classes = " ".join(filter(None, ["card", options.get("class")]))
        anchor = format_html(' id="{}"', options["id"]) if options.get("id") else ""
        title = options.get("title")
        head = format_html('<div class="card-head"><h2>{}</h2></div>', title) if title else ""
        body = options.get("body")
        if body is not False:
            content = format_html('<div class="{}">{}</div>', body or "card-body", content)
        return format_html('<section class="{}"{}>{}{}</section>', classes, anchor, head, content)


@register.tag
def card(parser, token) -> CardNode:
    """``{% card id="x" title=… class="gap-bottom" body="table-wrap" %}…{% endcard %}``:
    a card of the page (each option may be left out): its section (``id``, more
    ``class``), its heading (``title``, a string the template translates), and its
    content in the ``card-body`` (or the ``body`` class given; ``body=False``: the
    content brings its own parts, e.g. a ``table-wrap`` followed by a ``card-body``)."""
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{{% card %}} takes name=value options, not {bits}")
    nodelist = parser.parse(("endcard",))
    parser.delete_first_token()
    return CardNode(options, nodelist)
