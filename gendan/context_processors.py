"""Template context shared by every page: the navigation the user's roles may open."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import policy
from .roles import Role, roles_of

if TYPE_CHECKING:
    from .models import User

# (page of gendan.policy.PAGES, URL name, label), in the order of the menu.
MENU = (
    ("home", "home", _("我的工作")),
    ("alerts", "alerts", _("提醒")),
    ("requests", "conversation:requests", _("申请审批")),
    ("orders", "orders:list", pgettext_lazy("menu", "订单")),
    ("finance", "orders:finance_queue", _("收款确认")),
    ("receivables", "orders:receivables", _("应收账款")),
    ("production", "production:board", _("生产看板")),
    ("production", "production:quick_entry", pgettext_lazy("menu", "生产日报")),
    ("shipments", "shipping:shipment_list", pgettext_lazy("menu", "出货")),
    ("after_sales", "shipping:case_list", pgettext_lazy("menu", "售后")),
    ("samples", "samples:list", pgettext_lazy("menu", "打样")),
    ("plans", "planning:slipping_list", _("节点延误")),
    ("customers", "orders:customer_list", pgettext_lazy("menu", "客户")),
    ("products", "orders:product_list", pgettext_lazy("menu", "产品")),
    ("imports", "orders:import_index", _("Excel 导入")),
    ("dashboard", "orders:dashboard", _("主管看板")),
    ("daily_report", "orders:daily_report", _("日报表")),
    ("sales_ledger", "orders:sales_ledger", _("销售台帐")),
    ("kpi", "kpi:index", _("绩效考核")),
)


# page -> the count shown beside its menu entry (alerts: my unread alerts), registered
# by the app that owns the page from its AppConfig.ready().
_menu_counts: dict[str, Callable[[User], int]] = {}


def register_menu_count(page_name: str, count: Callable[[User], int]) -> None:
    """Show ``count(user)`` beside the menu entry of ``page_name``."""
    _menu_counts[page_name] = count


# The menu's paths by (script prefix, URLconf): the same on every page (reversing the
# nineteen names cost every page a millisecond).
_menu_paths: dict[tuple[str, str], dict[str, str]] = {}


def menu_paths() -> dict[str, str]:
    """{URL name: path} of the menu's entries."""
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    paths = _menu_paths.get(key)
    if paths is None:
        paths = _menu_paths[key] = {url_name: reverse(url_name) for _p, url_name, _l in MENU}
    return paths


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    path = request.path
    paths = menu_paths()
    items = []
    for page_name, url_name, label in MENU:
        if not policy.can_open(user, page_name):
            continue
        url = paths[url_name]
        active = path == url if url == "/" else path.startswith(url)
        item = {"url": url, "label": label, "active": active}
        if page_name in _menu_counts:
            # Counted when a template shows it, once (the template calls it): a fragment
            # (htmx) never shows the menu, so that it costs it no query.
            item["count"] = cache(partial(_menu_counts[page_name], user))
        items.append(item)
    # Only the longest matching entry is active (/production/ vs /production/quick-entry/).
    active_items = [item for item in items if item["active"]]
    if len(active_items) > 1:
        keep = max(active_items, key=lambda item: len(item["url"]))
        for item in active_items:
            item["active"] = item is keep
    labels = dict(Role.choices)
    roles = [labels[name] for name in Role.values if name in roles_of(user)]
    if user.is_superuser:
        roles.insert(0, _("管理员"))
    return {"nav": items, "user_roles": roles}
