"""A page as the browser shows it: the parts of the order page that load on demand
(``orders.views.parts``: a placeholder with ``hx-get`` and ``hx-trigger="load"``) are
fetched as htmx fetches them and put in place of their placeholders, as its
``outerHTML`` swap does."""

from __future__ import annotations

import html
import re

# The placeholder of templates/orders/_lazy_part.html: one element, no nested <div>.
PLACEHOLDER = re.compile(r'<div [^>]*data-lazy-part hx-get="([^"]+)"[^>]*>.*?</div>', re.S)


def shown(client, url: str) -> str:
    """The HTML of ``url`` with each part loaded (each must answer 200)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()

    def load(match: re.Match) -> str:
        part_url = html.unescape(match.group(1))
        part = client.get(part_url, headers={"HX-Request": "true"})
        assert part.status_code == 200, (part_url, part.status_code)
        return part.content.decode()

    return PLACEHOLDER.sub(load, page)


def part_urls(page: str) -> list[str]:
    """The URLs of the parts a page loads on demand."""
    return [html.unescape(url) for url in PLACEHOLDER.findall(page)]
