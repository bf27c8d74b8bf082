"""The ``{% card %}`` tag of gendan_ui: a page's card, its heading and its body."""

from __future__ import annotations

from django.template import Context, Template

CARD = (
    '{% load gendan_ui %}{% card id="c" title="T" class="gap-bottom"{body} %}<p>x</p>{% endcard %}'
)


def render(body: str) -> str:
    return Template(CARD.replace("{body}", body)).render(Context())


def test_a_card_puts_its_content_in_a_card_body_unless_it_names_another_body():
    head = '<section class="card gap-bottom" id="c"><div class="card-head"><h2>T</h2></div>'
    assert render("") == head + '<div class="card-body"><p>x</p></div></section>'
    assert render(' body="table-wrap"') == head + '<div class="table-wrap"><p>x</p></div></section>'


def test_a_card_with_body_false_holds_its_content_as_written():
    # The content brings its own parts (a table-wrap, then a card-body), balanced.
    assert render(" body=False") == (
        '<section class="card gap-bottom" id="c"><div class="card-head"><h2>T</h2></div>'
        "<p>x</p></section>"
    )
