"""The order page's parts that load on demand: the page shows a placeholder (a link to
the part's own page), htmx swaps the part in as soon as the page has loaded. The
order page itself then reads only what it shows at the top (its header, lines,
payments and shipments), and each part is a small view of its own.

A part's view applies exactly the order page's policy: the ``orders`` page, and a
404 for an order the user may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gendan.web import page, visible_or_404

from .. import selectors

PLACEHOLDER = "orders/_lazy_part.html"


def lazy_part(order, *, anchor: str, url_name: str, title, query: str = "") -> dict[str, Any]:
    """A placeholder for the order page's lists of parts (``order_parts``,
    ``page_parts``, ``side_parts``): ``anchor`` the id of the part's section (the
    placeholder carries it until the part replaces it, so that a link to
    ``#anchor`` lands there), ``url_name`` the part's view (with the order's pk),
    ``query`` a query string to pass on (e.g. ``timeline=notes``)."""
    url = reverse(url_name, args=[order.pk])
    return {
        "template": PLACEHOLDER,
        "anchor": anchor,
        "url": f"{url}?{query}" if query else url,
        "title": title,
    }


def order_part_view(
    template: str, context: Callable[[HttpRequest, Any], dict[str, Any] | None], *, title
):
    """The view of an order page's part: GET ``pk`` → ``template`` with ``context(request,
    order)`` (None or empty: the order has nothing to show there). To htmx, the part
    alone (empty when there is nothing); else the part's own page, inside the layout,
    with the way back to the order."""

    @require_GET
    @page("orders")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        order = visible_or_404(selectors.order_get_visible, request.user, pk)
        part = context(request, order)
        if request.htmx:
            if not part:
                return HttpResponse("")
            return render(request, template, {"order": order, **part})
        page_context = {
            "order": order,
            "part_title": title,
            "part_template": template,
            "part_empty": not part,
        }
        return render(request, "orders/order_part_page.html", {**page_context, **(part or {})})

    return view
