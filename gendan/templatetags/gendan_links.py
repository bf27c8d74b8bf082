"""Links a user may follow: a page never shows a link that would answer 403.

- ``{% link "production:detail" po.pk class="x" %}{{ po.number }}{% endlink %}``: an
  ``<a href>`` to the URL when the signed-in user's roles may open its page
  (``gendan.web.may_follow``: the page of its view in ``gendan.policy.PAGES``), else
  only its content, as text;
- ``{{ path|opens:user }}``: the same test on a URL, for a template that needs more
  than one anchor;
- ``{% can "order.view" obj as ok %}``: ``gendan.policy.can``, for a template that
  shows a part only when its action is allowed.
"""

from __future__ import annotations

from django import template
from django.template.base import token_kwargs
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from gendan import policy
from gendan.web import may_follow, page_of

register = template.Library()


@register.filter
def opens(path: str, user) -> bool:
    """Whether a link to ``path`` opens for ``user`` (no 403)."""
    return may_follow(user, str(path))


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """``gendan.policy.can`` for the signed-in user."""
    return policy.can(context.get("user"), action, obj)


# The page (``gendan.web.page_of``) of each URL name's view, found by resolving its
# first URL: every URL of a name is answered by the same view, and a list links every
# row (resolving each link's path cost a list page a tenth of its time).
_PAGE_OF_NAME: dict[str, str | None] = {}


def _may_follow_name(user, name: str, url: str) -> bool:
    """``may_follow(user, url)`` for a ``url`` reversed from ``name``."""
    if name not in _PAGE_OF_NAME:
        _PAGE_OF_NAME[name] = page_of(url)
    page = _PAGE_OF_NAME[name]
    return page is None or policy.can_open(user, page)


class LinkNode(template.Node):
    def __init__(self, name, args, attrs, nodelist):
        self.name, self.args, self.attrs, self.nodelist = name, args, attrs, nodelist

    def render(self, context) -> str:
        content = self.nodelist.render(context)
        name = self.name.resolve(context)
        url = reverse(name, args=[a.resolve(context) for a in self.args])
        if not _may_follow_name(context.get("user"), name, url):
            return content
        attrs = format_html_join(
            "", ' {}="{}"', ((k, v.resolve(context)) for k, v in self.attrs.items())
        )
        return format_html('<a href="{}"{}>{}</a>', url, attrs, content)


@register.tag
def link(parser, token) -> LinkNode:
    """``{% link "name" arg… attr="value"… %}content{% endlink %}``."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% link %} needs a URL name")
    name = parser.compile_filter(bits[1])
    args, rest = [], bits[2:]
    while rest and "=" not in rest[0]:
        args.append(parser.compile_filter(rest.pop(0)))
    attrs = token_kwargs(rest, parser, support_legacy=False)
    if rest:
        raise template.TemplateSyntaxError(f"{{% link %}}: cannot read {rest!r}")
    nodelist = parser.parse(("endlink",))
    parser.delete_first_token()
    return LinkNode(name, args, attrs, nodelist)
