"""The script: the demo orders, one story each — where the order ends (its status),
whose it is, for which customer, and what happens on the way (flags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orders.states import OrderStatus

from .people import USERS

Line = tuple[str, str, str, int]  # item number, colour, size, quantity


@dataclass(frozen=True)
class Story:
    """Where a demo order ends and what happens to it on the way.

    ``due``: for an order not yet fully shipped, its contract delivery date in
    calendar days from today (negative: overdue); for a shipped one, in days
    after its last shipment left (negative: shipped late). ``rest``: working
    days between the story's last step and today. ``production_days``: the
    planned working days of production; ``produced_days``: for an order still
    in production (or cancelled in production), the working days reported so far.
    """

    status: str
    owner: str
    customer: str
    lines: tuple[Line, ...]
    due: int = 30
    rest: int = 1
    production_days: int = 7
    produced_days: int = 0
    flags: frozenset[str] = frozenset()
    cancel_from: str | None = None


FLAGS = frozenset(
    (
        "erp",
        "partial_deposit",
        "waiver",
        "amend",
        "reassign",
        "behind",
        "milestones",
        "outside",
        "incident",
        "incident_resolved",
        "qc_fail",
        "shortfall",
        "partial_balance",
        "credit",
        "split",
        "planned_shipment",
        "after_sales_open",
        "after_sales_investigating",
        "after_sales_closed",
    )
)


def story(spec: str, lines: str) -> Story:
    """A Story from a one-line spec and a line list, e.g.
    ``story("in_production merch1 UK-THISTLE due=18 plan=10 done=5 +behind", "PL-2002 藏青 S-XXL
    2500, PL-2002 白色 S-XXL 800")``: status, owner, customer, then ``due=``, ``rest=``,
    ``plan=`` (production_days), ``done=`` (produced_days), ``from=`` (cancel_from), ``+flag``s.
    """
    status, owner, customer, *options = spec.split()
    keys = {"due": "due", "rest": "rest", "plan": "production_days", "done": "produced_days"}
    kwargs: dict[str, Any] = {"flags": frozenset(o[1:] for o in options if o.startswith("+"))}
    for option in (o for o in options if not o.startswith("+")):
        key, value = option.split("=")
        if key == "from":
            kwargs["cancel_from"] = OrderStatus(value)
        else:
            kwargs[keys[key]] = int(value)
    parsed = []
    for text in lines.split(","):
        item_number, colour, size, quantity = text.split()
        parsed.append((item_number, colour, size, int(quantity)))
    if not kwargs["flags"] <= FLAGS or owner not in {u.username for u in USERS}:
        raise ValueError(f"bad demo story {spec!r}")
    return Story(OrderStatus(status), owner, customer, tuple(parsed), **kwargs)


# Flags: erp (created by the ERP client), partial_deposit, waiver (supervisor waives the
# deposit), amend (revision 2), reassign, behind (production slower than plan), milestones,
# outside (outside processor 外协厂), incident / incident_resolved, qc_fail (an inline
# inspection fails, then passes), shortfall (supervisor accepts a short quantity),
# partial_balance, credit (released on credit), split (two shipments), planned_shipment,
# after_sales_open / after_sales_investigating / after_sales_closed.
STORIES: tuple[Story, ...] = (
    story("draft merch1 US-HARBOR due=45", "TS-1001 白色 S-XL 3000, TS-1001 藏青 S-XL 2000"),
    story("draft merch2 CN-HENGXIN due=5 rest=2", "TW-7007 米白 34×76 8000"),
    story("draft merch1 FR-LUMIERE due=60 rest=0 +erp", "BS-6006 灰蓝格 1.8m 600"),
    story("confirmed merch2 DE-MUELLER due=50", "HD-3003 炭灰 S-XXL 1800"),
    story("confirmed merch1 JP-SAKURA due=40 rest=2 +erp",
          "PL-2002 白色 S-L 1200, PL-2002 浅蓝 S-L 800"),
    story("awaiting_deposit merch1 UK-THISTLE due=55 rest=2", "JK-5005 军绿 S-XL 1500"),
    story("awaiting_deposit merch2 AE-ALNOOR due=35 rest=4 +partial_deposit",
          "AP-9009 黑色 均码 5000"),
    # requested ten working days ago and still unpaid: the deposit is overdue
    story("awaiting_deposit merch2 FR-LUMIERE due=20 rest=10", "CU-1010 燕麦色 140×260 900"),
    story("deposit_paid merch2 DE-MUELLER due=48", "DN-4004 深蓝 28-36 2400"),
    story("deposit_paid merch1 AU-SOUTHX due=40 rest=2", "SK-1111 黑色 M/L 3000"),
    story("deposit_paid merch2 US-HARBOR due=30 +waiver", "TB-8008 本白 38×42 10000"),
    story("in_production merch1 UK-THISTLE due=18 plan=10 done=5", "PL-2002 藏青 S-XXL 2500"),
    story("in_production merch2 JP-SAKURA due=4 plan=8 done=7 +outside",
          "TS-1001 樱花粉 S-L 1600, TS-1001 白色 S-L 1400"),
    story("in_production merch1 DE-MUELLER due=-3 plan=8 done=12 +behind +incident",
          "JK-5005 藏青 S-XXL 2000"),
    story("in_production merch2 US-HARBOR due=25 plan=12 done=4 +amend",
          "HD-3003 燕麦灰 S-XL 1500"),
    story("in_production merch1 AE-ALNOOR due=12 plan=10 done=6 +behind +incident_resolved",
          "TW-7007 白色 34×76 12000, TW-7007 浅灰 34×76 8000"),
    # no progress report for the last three working days
    story("in_production merch2 CN-HENGXIN due=20 rest=4 plan=9 done=4", "TB-8008 本白 38×42 6000"),
    story("in_production merch1 FR-LUMIERE due=30 plan=8 done=2 +milestones +reassign",
          "BS-6006 白色 1.8m 500, BS-6006 雾蓝 1.5m 400"),
    story("produced merch2 AU-SOUTHX due=10 plan=6", "DN-4004 黑色 30-38 1800"),
    story("produced merch1 DE-MUELLER due=6 rest=2 +shortfall", "TS-1001 麻灰 S-XXL 4000"),
    story("awaiting_balance merch1 US-HARBOR due=8 rest=3 plan=6", "AP-9009 红色 均码 3000"),
    story("awaiting_balance merch2 JP-SAKURA due=3 rest=5 +partial_balance",
          "SK-1111 白色 S/M 2000, SK-1111 黑色 M/L 2000"),
    # balance requested twelve working days ago on 7-day terms: overdue, and so not shipped
    story("awaiting_balance merch1 AE-ALNOOR due=-2 rest=12 plan=6", "TB-8008 卡其 38×42 8000"),
    story("awaiting_balance merch2 FR-LUMIERE due=14 rest=2 plan=8 +qc_fail +incident_resolved",
          "CU-1010 深灰 140×260 700"),
    story("paid merch1 CN-HENGXIN due=5 plan=6", "TS-1001 黑色 M-XXL 5000"),
    story("paid merch2 DE-MUELLER due=12 rest=2 +planned_shipment", "PL-2002 白色 S-XXL 1500"),
    # the first line has left, the rest is booked for the next vessel
    story("partially_shipped merch1 US-HARBOR due=2 rest=2 plan=8",
          "TW-7007 白色 34×76 6000, TW-7007 灰色 34×76 4000"),
    story("partially_shipped merch2 AU-SOUTHX due=-1 plan=8",
          "JK-5005 黑色 S-XL 1200, JK-5005 橙色 S-XL 600"),
    story("partially_shipped merch1 JP-SAKURA due=6",
          "BS-6006 米白 1.5m 300, BS-6006 米白 1.8m 400"),
    story("shipped merch2 UK-THISTLE due=4 rest=3 +credit", "HD-3003 酒红 S-XL 1200"),
    story("shipped merch1 FR-LUMIERE due=6 rest=4 plan=6", "AP-9009 条纹 均码 2500"),
    story("shipped merch2 AE-ALNOOR due=3 rest=2 plan=8 +split",
          "DN-4004 浅蓝 28-36 1500, DN-4004 深蓝 28-36 1500"),
    story("delivered merch1 DE-MUELLER due=5 rest=5 +after_sales_open", "CU-1010 米白 140×260 800"),
    story("delivered merch2 US-HARBOR due=2 rest=6 plan=8 +after_sales_investigating",
          "PL-2002 黑色 S-XXL 3000"),
    story("delivered merch1 CN-HENGXIN due=7 rest=2 plan=6", "SK-1111 灰色 M/L 2500"),
    story("closed merch2 JP-SAKURA due=5 rest=6 +after_sales_closed",
          "TS-1001 白色 S-L 2000, TS-1001 藏青 S-L 2000"),
    story("closed merch1 AU-SOUTHX due=8 rest=20 plan=6 +outside", "HD-3003 藏青 S-XXL 1000"),
    # produced late, shipped four days after the contract delivery date
    story("closed merch2 UK-THISTLE due=-4 rest=10 +behind +incident_resolved",
          "TB-8008 藏青 38×42 5000"),
    story("closed merch1 FR-LUMIERE due=6 rest=3 +split +after_sales_closed",
          "BS-6006 白色 1.8m 400, BS-6006 浅灰 1.5m 300"),
    story("cancelled merch2 US-HARBOR due=40 rest=3 from=draft", "JK-5005 卡其 S-XL 800"),
    story("cancelled merch1 DE-MUELLER due=30 rest=5 from=awaiting_deposit +partial_deposit",
          "AP-9009 灰色 均码 2000"),
    # cancelled by the supervisor after production started: sheets recalled, deposit refunded
    story("cancelled merch2 AE-ALNOOR due=25 rest=2 plan=9 done=3 from=in_production",
          "PL-2002 白色 S-XL 2000"),
)  # fmt: skip


def po_of(index: int) -> str:
    return f"DEMO-{index:03d}"
