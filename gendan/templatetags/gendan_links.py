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

from gendan import policy
from gendan.web import link_html, may_follow

register = template.Library()


@register.filter
def opens(path: str, user) -> bool:
    """Whether a link to ``path`` opens for ``user`` (no 403)."""
    return may_follow(user, str(path))


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """``gendan.policy.can`` for the signed-in user."""
    return policy.can(context.get("user"), action, obj)


class LinkNode(template.Node):
    def __init__(self, name, args, attrs, nodelist):
        self.name, self.args, self.attrs, self.nodelist = name, args, attrs, nodelist

    def render(self, context) -> str:
        content = self.nodelist.render(context)
        return link_html(
            context.get("user"),
            self.name.resolve(context),
            [a.resolve(context) for a in self.args],
            content,
            ((k, v.resolve(context)) for k, v in self.attrs.items()),
        )


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
