"""Chinese first, English one click away: the translation catalogue is complete and
compiled, the language switch works, and dates and numbers follow the language."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from orders.states import OrderStatus as S
from tests.factories import order_in_status

from .conftest import client_for

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _catalogue() -> dict[tuple[str | None, str], list[str]]:
    """{(context, msgid): [msgstr, …]} read from the .po file."""
    entries: dict[tuple[str | None, str], list[str]] = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries[(fields.get("msgctxt"), fields["msgid"])] = strings
    return entries


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def test_every_source_string_has_an_english_translation():
    entries = _catalogue()
    assert len(entries) > 500
    untranslated = [msgid for (_ctx, msgid), strings in entries.items() if not all(strings)]
    assert not untranslated, untranslated


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for (context, msgid), strings in _catalogue().items():
        msgid, first = _unescape(msgid), _unescape(strings[0])
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if len(strings) == 1 and got != first:
            stale.append(msgid)
    assert not stale, f"run `make messages`: {stale[:5]}"


def test_chinese_is_the_default_whatever_the_browser_asks(cast):
    client = client_for(cast.merchandiser)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "我的工作" in html


def test_the_language_switch_shows_english_with_english_dates_and_numbers(cast):
    order = order_in_status(cast, S.CONFIRMED, quantities=(1200,), unit_price="38.50")
    client = client_for(cast.merchandiser)
    chinese = client.get(reverse("orders:list")).content.decode()
    assert f"{order.order_date:%Y-%m-%d}" in chinese and "46,200.00" in chinese

    response = client.post(reverse("set_language"), {"language": "en", "next": "/orders/"})
    assert response.status_code == 302

    english = client.get(reverse("orders:list")).content.decode()
    assert '<html lang="en">' in english
    assert "Export to Excel" in english and "Confirmed" in english and "导出" not in english
    assert f"{order.order_date:%b} {order.order_date.day}, {order.order_date.year}" in english
    assert "46,200.00" in english
    # Messages from the services are translated too.
    response = client.post(reverse("orders:action", args=[order.pk, "close"]), follow=True)
    assert "is “Confirmed”: “close” is not possible" in response.content.decode()


def test_the_login_page_is_chinese_and_switches_to_english():
    client = Client()
    assert "登录" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert "Log in" in client.get(reverse("login")).content.decode()


# Literal source strings: _("…") / gettext_lazy("…") in Python, {% translate "…" %}
# and _("…") in templates. (blocktranslate bodies are left to `make messages`.)
PY_STRING = re.compile(
    r'(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]'
    r'|(?<![\w.])pgettext(?:_lazy)?\(\s*"((?:[^"\\]|\\.)+)"\s*,\s*"((?:[^"\\]|\\.)+)"\s*[,)]'
)
TEMPLATE_STRING = re.compile(
    r'{%\s*translate\s+"([^"]+)"(?:\s+context\s+"([^"]+)")?'
    r"|{%\s*translate\s+'([^']+)'(?:\s+context\s+'([^']+)')?"
    r'|_\("([^"]+)"\)'
)


def _source_strings():
    base = Path(settings.BASE_DIR)
    found: set[tuple[str | None, str]] = set()
    for path in base.glob("*/**/*.py"):
        if path.parts[len(base.parts)] in {"tests", "var", ".venv"} or "migrations" in path.parts:
            continue
        for match in PY_STRING.finditer(path.read_text(encoding="utf-8")):
            if match.group(1):
                found.add((None, match.group(1)))
            else:
                found.add((match.group(2), match.group(3)))
    for path in (base / "templates").rglob("*.html"):
        for match in TEMPLATE_STRING.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) or match.group(3) or match.group(5)
            found.add((match.group(2) or match.group(4), text))
    return found


def test_every_translatable_string_of_the_code_is_in_the_catalogue():
    """After a merge or a new page: run `make messages` and translate what is new."""
    catalogue = {(ctx, _unescape(msgid)) for ctx, msgid in _catalogue()}
    missing = sorted(
        (str(ctx), text) for ctx, text in _source_strings() if (ctx, text) not in catalogue
    )
    assert not missing, missing
