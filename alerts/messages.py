"""An alert as a sentence (inbox, e-mail), in the active language, from its rule and data.

The data is written by the database when the alert is raised (see ``rules``);
the sentence is made when it is read, so it follows the reader's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gendan.money import format_money

from .models import AlertRule

if TYPE_CHECKING:
    from .models import Alert

CENT = Decimal("0.01")
R = AlertRule


def _date(value: Any) -> str:
    if not value:
        return "—"
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return date_format(day, "Y-m-d")


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _outstanding(d: dict[str, Any]) -> str:
    """What is still owed on a payment, with its currency: "USD 7,040.00"."""
    owed = _money(d.get("amount_due")) - _money(d.get("amount_received"))
    return format_money(owed, d.get("currency", ""))


def alert_message(alert: Alert) -> str:
    d: dict[str, Any] = alert.data or {}
    order = d.get("order_number", "")
    rule = alert.rule
    if rule == R.DELIVERY_DUE_SOON:
        text = _("订单 %(order)s 距合同交期 %(date)s 还有 %(days)s 天。") % {
            "order": order,
            "date": _date(d.get("contract_delivery_date")),
            "days": d.get("days_left"),
        }
        if alert.escalated:
            text += " " + _("生产进度落后于计划。")
        return text
    if rule == R.DELIVERY_OVERDUE:
        return _("订单 %(order)s 已超过合同交期 %(date)s %(days)s 天，尚未全部出货。") % {
            "order": order,
            "date": _date(d.get("contract_delivery_date")),
            "days": d.get("days_overdue"),
        }
    if rule == R.PRODUCTION_BEHIND_PLAN:
        planned, produced = int(d.get("planned") or 0), int(d.get("produced") or 0)
        percent = (
            (Decimal(planned - produced) * 100 / planned).quantize(Decimal("1")) if planned else 0
        )
        return _(
            "订单 %(order)s 的生产单 %(po)s 落后于计划：截至 %(date)s 计划累计 %(planned)s，"
            "实际良品 %(produced)s，落后 %(percent)s%%。"
        ) % {
            "order": order,
            "po": d.get("production_order_number", ""),
            "date": _date(d.get("as_of")),
            "planned": planned,
            "produced": produced,
            "percent": percent,
        }
    if rule == R.DELIVERY_AT_RISK:
        values = {
            "order": order,
            "po": d.get("production_order_number", ""),
            "projected": _date(d.get("projected_date")),
            "lead": d.get("lead_days"),
            "date": _date(d.get("contract_delivery_date")),
            "late": d.get("days_late"),
        }
        if d.get("window_start"):
            return (
                _(
                    "订单 %(order)s 交期有风险：按近期产量，生产单 %(po)s 预计 %(projected)s 完成，"
                    "加上 %(lead)s 天包装出运，将比合同交期 %(date)s 晚 %(late)s 天。"
                )
                % values
            )
        return (
            _(
                "订单 %(order)s 交期有风险：生产单 %(po)s 计划 %(projected)s 完成，"
                "加上 %(lead)s 天包装出运，将比合同交期 %(date)s 晚 %(late)s 天。"
            )
            % values
        )
    if rule == R.PROGRESS_REPORT_MISSING:
        return _(
            "订单 %(order)s 的生产单 %(po)s 已超过 %(days)s 个工作日没有生产日报"
            "（最近一次：%(last)s）。"
        ) % {
            "order": order,
            "po": d.get("production_order_number", ""),
            "days": d.get("working_days"),
            "last": _date(d.get("last_report_date")),
        }
    if rule == R.DEPOSIT_OVERDUE:
        return _("订单 %(order)s 的订金已请款 %(days)s 天，尚有 %(amount)s 未到账。") % {
            "order": order,
            "days": d.get("days_since_request"),
            "amount": _outstanding(d),
        }
    if rule == R.BALANCE_OVERDUE:
        text = _(
            "订单 %(order)s 的尾款已逾期 %(days)s 天（到期日 %(due)s），尚有 %(amount)s 未到账。"
        ) % {
            "order": order,
            "days": d.get("days_overdue"),
            "due": _date(d.get("due_date")),
            "amount": _outstanding(d),
        }
        if alert.escalated:
            text += " " + _("已上报跟单主管。")
        return text
    if rule in CONVERSATION_MESSAGES:
        return str(CONVERSATION_MESSAGES[rule]) % {
            "order": order,
            "who": d.get("who", ""),
            "kind": d.get("kind_label", ""),
            "text": d.get("text", ""),
            "status": d.get("status_label", ""),
            "hours": d.get("hours", ""),
        }
    if rule == R.ASSESSMENT_SENT:
        return _(
            "%(who)s 已发送你 %(month)s 的月度考核（总分 %(score)s），"
            "请在 %(due)s 前确认或提出异议。"
        ) % {
            "who": d.get("who") or _("主管"),
            "month": d.get("period", ""),
            "score": d.get("total_score", ""),
            "due": _date(d.get("due_on")),
        }
    if rule == R.ASSESSMENT_DUE:
        return _("月度考核待办：") + "；".join(
            _assessment_step(step) for step in d.get("steps", [])
        )
    if rule == R.DAILY_DIGEST:
        return _("%(day)s 新提醒汇总：") % {"day": _date(d.get("day"))} + "；".join(
            digest_line(entry) for entry in d.get("rules", [])
        )
    text = _plan_message(rule, d, order)
    return text if text is not None else str(alert.get_rule_display())


# The sentences of the plan, material and sample rules (alerts/plan_rules.py): each
# with the data field each placeholder besides the order shows, and whether it is a
# date.
PLAN_MESSAGES = {
    R.MILESTONE_DUE_SOON: (
        gettext_lazy("订单 %(order)s 的节点“%(m)s”预计 %(date)s 到期（计划 %(planned)s）。"),
        {
            "m": ("milestone", False),
            "date": ("forecast_date", True),
            "planned": ("planned_date", True),
        },
    ),
    R.MILESTONE_OVERDUE: (
        gettext_lazy("订单 %(order)s 的节点“%(m)s”已逾期：预计 %(date)s，尚未完成。"),
        {"m": ("milestone", False), "date": ("forecast_date", True)},
    ),
    R.CRITICAL_PATH_SLIPPED: (
        gettext_lazy(
            "订单 %(order)s 的关键路径已延误：预计交期 %(projected)s，晚于合同交期 %(date)s。"
        ),
        {"projected": ("projected_delivery_date", True), "date": ("contract_delivery_date", True)},
    ),
    R.MATERIAL_LATE: (
        gettext_lazy(
            "订单 %(order)s 的物料“%(m)s”应于 %(date)s 到齐，尚未到齐（预计到货 %(eta)s）。"
        ),
        {"m": ("material", False), "date": ("required_by", True), "eta": ("eta", True)},
    ),
    R.SEALED_SAMPLE_MISSING: (
        gettext_lazy(
            "订单 %(order)s 的生产单 %(po)s 已报裁剪后的进度（%(date)s），但未登记首件封样。"
        ),
        {"po": ("production_order_number", False), "date": ("first_report_date", True)},
    ),
}


def _plan_message(rule: str, d: dict[str, Any], order: str) -> str | None:
    """The sentence of a rule of ``PLAN_MESSAGES``, or None for another rule."""
    if rule not in PLAN_MESSAGES:
        return None
    message, fields = PLAN_MESSAGES[rule]
    values = {
        name: _date(d.get(key)) if is_date else d.get(key, "")
        for name, (key, is_date) in fields.items()
    }
    return str(message) % {"order": order, **values}


# The conversation's alerts: their data is written by alerts/receivers.py and the sweep.
CONVERSATION_MESSAGES = {
    R.MENTION: gettext_lazy("%(who)s 在订单 %(order)s 的跟进记录中提到你：%(text)s"),
    R.APPROVAL_REQUESTED: gettext_lazy("%(who)s 申请%(kind)s（订单 %(order)s）：%(text)s"),
    R.APPROVAL_DECIDED: gettext_lazy("你的%(kind)s申请（订单 %(order)s）%(status)s：%(text)s"),
    R.APPROVAL_OVERDUE: gettext_lazy(
        "%(who)s 的%(kind)s申请（订单 %(order)s）已等待审批超过 %(hours)s 小时。"
    ),
}


def digest_line(entry: dict[str, Any]) -> str:
    """One rule of a daily digest: "交期已过 12 条（其中升级 2 条）"."""
    text = _("%(rule)s %(count)s 条") % {
        "rule": R(entry["rule"]).label if entry["rule"] in R.values else entry["rule"],
        "count": entry.get("count", 0),
    }
    if entry.get("escalated"):
        text += _("（其中升级 %(n)s 条）") % {"n": entry["escalated"]}
    return text


ASSESSMENT_STEPS = {
    "compute": gettext_lazy("计算月度考核"),
    "send": gettext_lazy("录入团队合作与工作态度并发送考核"),
    "confirm": gettext_lazy("确认或申诉本人考核"),
    "reconfirm": gettext_lazy("复核申诉的考核"),
    "finalize": gettext_lazy("定稿部门考核"),
    "export": gettext_lazy("导出工资表"),
}


def _assessment_step(step: dict[str, Any]) -> str:
    period = dt.date.fromisoformat(step["period"])
    text = _("%(month)s %(step)s（%(count)s 份，截止 %(due)s）") % {
        "month": date_format(period, "Y-m"),
        "step": ASSESSMENT_STEPS.get(step["step"], step["step"]),
        "count": step.get("count") or "—",
        "due": _date(step.get("due_on")),
    }
    if step.get("overdue"):
        text += _("，已逾期")
    return text


def alert_email(alert: Alert) -> tuple[str, str]:
    """(subject, body) of an alert's e-mail."""
    if alert.rule == R.DAILY_DIGEST:
        return _digest_email(alert)
    subject = _("【跟单提醒】%(rule)s：%(order)s") % {
        "rule": alert.get_rule_display(),
        "order": (alert.data or {}).get("order_number", "")
        or (alert.data or {}).get("period", "")
        or ", ".join(sorted({step["period"][:7] for step in (alert.data or {}).get("steps", [])})),
    }
    body = "\n\n".join(
        [
            alert_message(alert),
            _("请登录跟单系统，在提醒中查看并确认。"),
        ]
    )
    return subject, body


def _digest_email(alert: Alert) -> tuple[str, str]:
    """The daily digest by e-mail: a line per rule with the link to its list."""
    from .services import digest_link

    d = alert.data or {}
    site = settings.GENDAN_SITE_URL.rstrip("/")
    subject = _("【跟单提醒】%(day)s 每日汇总") % {"day": _date(d.get("day"))}
    lines = [
        f"- {digest_line(entry)}：{site}{digest_link(entry['rule'], d.get('day', ''))}"
        for entry in d.get("rules", [])
    ]
    body = "\n".join([_("%(day)s 您收到的新提醒：") % {"day": _date(d.get("day"))}, "", *lines, ""])
    return subject, body + _("请登录跟单系统，在提醒中查看并确认。")
