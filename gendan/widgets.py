"""Django's form renderer, with the commonest widgets written in Python.

Every ``<input>``, ``<textarea>`` and ``<select>`` of a page is rendered by Django
through its widget templates: a select of 300 merchandisers (an order's reassign
form) is 300 template includes, about a quarter of the order page's time. For the
stock templates below the same HTML is written here directly, character for
character; anything else (another template, a template an app overrides, a Django
whose templates changed, a value that is not plain text) goes to Django's templates
as before. ``tests/test_widgets.py`` holds the two outputs equal, widget by widget
and page by page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString

_WIDGETS = "django/forms/widgets/"
_INPUT = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"'
    "{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
# The stock templates the Python below stands for, as Django ships them: a template
# whose source differs (an override, another Django) keeps its template.
_SOURCES = {
    "attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    ),
    "input.html": _INPUT,
    "textarea.html": (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
    "select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n"
        "  {% include option.template_name with widget=option %}{% endfor %}"
        "{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    ),
    "select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
}
# Input widgets whose template only includes input.html.
_INPUT_TYPES = [
    "text",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "time",
    "url",
]
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'


class _Fallback(Exception):
    """This widget is left to Django's template."""


def _text(value: Any) -> str:
    """``{{ value }}`` of plain text (anything else: the template decides)."""
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    raise _Fallback


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` of the value, escaped unless it was safe."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (TypeError, ValueError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = _text(value) if value else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>\n'
    )


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _WIDGETS + "select_option.html":
                raise _Fallback
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's default form renderer; the stock input, textarea and select widgets
    written in Python (``_SOURCES``), the rest through their templates."""

    def __init__(self) -> None:
        super().__init__()
        self._fast: dict[str, Callable[[dict[str, Any]], str]] | None = None

    def fast_paths(self) -> dict[str, Callable[[dict[str, Any]], str]]:
        """The template names written in Python: those whose template is Django's own
        and reads as ``_SOURCES`` says."""
        if self._fast is None:
            self._fast = {}
            if all(self._is_stock(name, source) for name, source in _SOURCES.items()):
                self._fast[_WIDGETS + "textarea.html"] = _textarea
                self._fast[_WIDGETS + "select.html"] = _select
                self._fast[_WIDGETS + "input.html"] = _input
                for kind in _INPUT_TYPES:
                    if self._is_stock(f"{kind}.html", _INCLUDE_INPUT):
                        self._fast[f"{_WIDGETS}{kind}.html"] = _input
        return self._fast

    def _is_stock(self, name: str, source: str) -> bool:
        template = self.get_template(_WIDGETS + name).template
        own = Path(django.__file__).parent / "forms" / "templates"
        origin = Path(template.origin.name)
        return origin.is_relative_to(own) and template.source == source

    def render(self, template_name, context, request=None):
        fast = self.fast_paths().get(template_name)
        if fast is not None and request is None and set(context) == {"widget"}:
            # A widget the Python cannot write (_Fallback) goes to its template below.
            with contextlib.suppress(_Fallback):
                # (Django's renderer strips what a template renders, too.)
                return SafeString(fast(context["widget"]).strip())
        return super().render(template_name, context, request)
