"""``python manage.py seed_demo``: a demo company to click through.

Demo users, all with the password ``gendan-demo``:

==========  ==========  ===============================  =========
username    name        role                             admin
==========  ==========  ===============================  =========
merch1      张跟单      merchandiser (跟单员)            no
merch2      李跟单      merchandiser (跟单员)            no
supervisor  王主管      supervisor (跟单主管)            no
finance     赵财务      finance (财务)                   no
production  陈计划      production (生产计划)            no
erp         ERP 接口    integration (ERP 接口)           no
admin       系统管理员  superuser                        yes
==========  ==========  ===============================  =========

Then 8 customers, 11 products and 42 orders (customer PO ``DEMO-001`` …
``DEMO-042``) spread over every status of the lifecycle, with payments,
production orders, daily progress reports, inspections, incidents, shipments
and after-sales cases.

Everything is made through the services, never by writing domain rows
directly. Each order is a *story*: the steps that bring it to its status,
spread over the working days before today. All stories' steps run in date
order, each at its own simulated time (time-machine travels the clock back),
so the services' date guards hold as they would have on the day (a contract
delivery date is not in the past when the order is confirmed, a progress
report is not dated in the future), and timestamps, timelines and document
numbers read like a few months of real work. Steps dated today run at the
real time. (time-machine, pinned in requirements.lock, moves the clock.)

Deterministic (one ``random.Random`` per story, seeded with its PO) and
idempotent: users, customers and products are looked up by their unique key,
orders by their demo customer PO; what exists is left alone. The whole seed
is one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import time_machine
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from gendan.models import Holiday, User
from gendan.roles import Role
from orders import services as order_services
from orders.models import Customer, Order, PaymentKind, PaymentStatus, Product
from orders.states import HAPPY_PATH, PRODUCTION_STARTED, OrderStatus
from production import services as production_services
from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder, Stage
from shipping import services as shipping_services
from shipping.models import DocumentKind, Shipment

DEMO_PASSWORD = "gendan-demo"
S = OrderStatus

# --------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str | None
    is_superuser: bool = False


USERS = (
    DemoUser("merch1", "张跟单", Role.MERCHANDISER),
    DemoUser("merch2", "李跟单", Role.MERCHANDISER),
    DemoUser("supervisor", "王主管", Role.SUPERVISOR),
    DemoUser("finance", "赵财务", Role.FINANCE),
    DemoUser("production", "陈计划", Role.PRODUCTION),
    DemoUser("erp", "ERP 接口", Role.INTEGRATION),
    DemoUser("admin", "系统管理员", None, is_superuser=True),
)


@dataclass(frozen=True)
class DemoCustomer:
    code: str
    name: str
    country: str
    contact_name: str
    contact_email: str
    contact_phone: str
    address: str
    default_deposit_ratio: Decimal
    payment_terms_days: int
    owner: str
    currency: str
    # Certificate of origin needed for customs on arrival (EU GSP, Japan).
    needs_origin_certificate: bool = False


CUSTOMERS = (
    DemoCustomer(
        "DE-MUELLER",
        "Müller Textilhandel GmbH",
        "德国",
        "Katrin Müller",
        "einkauf@mueller-textil.example",
        "+49 40 3861 2200",
        "Speicherstadt 12, 20457 Hamburg",
        Decimal("0.3000"),
        30,
        "merch1",
        "EUR",
        needs_origin_certificate=True,
    ),
    DemoCustomer(
        "US-HARBOR",
        "Harbor Home Goods Inc.",
        "美国",
        "Jennifer Walsh",
        "sourcing@harborhome.example",
        "+1 206 555 0142",
        "2200 Alaskan Way, Seattle, WA 98121",
        Decimal("0.3000"),
        30,
        "merch2",
        "USD",
    ),
    DemoCustomer(
        "JP-SAKURA",
        "株式会社さくら商事",
        "日本",
        "佐藤 健一",
        "boeki@sakura-shoji.example",
        "+81 6 6231 4470",
        "大阪市中央区本町 2-3-8",
        Decimal("0.5000"),
        15,
        "merch1",
        "USD",
        needs_origin_certificate=True,
    ),
    DemoCustomer(
        "UK-THISTLE",
        "Thistle & Rose Apparel Ltd.",
        "英国",
        "Fiona Campbell",
        "buying@thistlerose.example",
        "+44 131 496 0731",
        "14 Leith Walk, Edinburgh EH6 5DT",
        Decimal("0.3000"),
        30,
        "merch2",
        "USD",
    ),
    DemoCustomer(
        "AU-SOUTHX",
        "Southern Cross Outfitters Pty Ltd",
        "澳大利亚",
        "Liam O'Brien",
        "orders@southerncross.example",
        "+61 3 9015 6620",
        "88 Flinders Lane, Melbourne VIC 3000",
        Decimal("0.0000"),
        45,
        "merch1",
        "USD",
    ),
    DemoCustomer(
        "FR-LUMIERE",
        "Maison Lumière SARL",
        "法国",
        "Camille Durand",
        "achats@maison-lumiere.example",
        "+33 1 84 88 31 20",
        "27 rue du Faubourg Saint-Antoine, 75011 Paris",
        Decimal("0.5000"),
        15,
        "merch2",
        "EUR",
        needs_origin_certificate=True,
    ),
    DemoCustomer(
        "AE-ALNOOR",
        "Al Noor Trading LLC",
        "阿联酋",
        "Omar Haddad",
        "purchase@alnoor-trading.example",
        "+971 4 555 0198",
        "Al Ras, Deira, Dubai",
        Decimal("0.5000"),
        7,
        "merch1",
        "USD",
    ),
    DemoCustomer(
        "CN-HENGXIN",
        "上海恒信贸易有限公司",
        "中国",
        "刘海燕",
        "caigou@hengxin-trade.example",
        "021-6258 3317",
        "上海市长宁区仙霞路 318 号",
        Decimal("0.3000"),
        7,
        "merch2",
        "CNY",
    ),
)
CUSTOMER_BY_CODE = {c.code: c for c in CUSTOMERS}
# CNY per unit of the order currency: default prices are in CNY.
FX = {"CNY": Decimal("1"), "USD": Decimal("7.10"), "EUR": Decimal("7.70")}


@dataclass(frozen=True)
class DemoProduct:
    item_number: str
    name: str
    series: str
    spec: str
    unit: str
    default_price: Decimal


PRODUCTS = (
    DemoProduct(
        "TS-1001", "纯棉圆领T恤", "TS-100 基础款", "180g 精梳棉汗布", "pcs", Decimal("18.50")
    ),
    DemoProduct(
        "PL-2002", "珠地网眼Polo衫", "PL-200 商务款", "220g 珠地棉", "pcs", Decimal("32.00")
    ),
    DemoProduct(
        "HD-3003", "抓绒连帽卫衣", "HD-300 秋冬款", "320g 抓绒 双层帽", "pcs", Decimal("58.00")
    ),
    DemoProduct(
        "DN-4004", "水洗弹力牛仔裤", "DN-400 修身款", "12oz 弹力牛仔", "pcs", Decimal("75.00")
    ),
    DemoProduct(
        "JK-5005", "防风防泼水夹克", "JK-500 户外款", "涤纶塔丝隆", "pcs", Decimal("96.00")
    ),
    DemoProduct(
        "BS-6006", "纯棉床品四件套", "BS-600 家纺", "40支 200T 斜纹", "set", Decimal("168.00")
    ),
    DemoProduct("TW-7007", "竹纤维毛巾", "TW-700 家纺", "34×76cm 120g", "pcs", Decimal("9.80")),
    DemoProduct(
        "TB-8008", "帆布购物袋", "TB-800 环保袋", "12oz 帆布 丝印", "pcs", Decimal("12.50")
    ),
    DemoProduct(
        "AP-9009", "防水厨房围裙", "AP-900 家居", "PVC 涂层 70×90cm", "pcs", Decimal("15.00")
    ),
    DemoProduct(
        "CU-1010", "三层遮光窗帘", "CU-101 家纺", "140×260cm 打孔款", "pcs", Decimal("88.00")
    ),
    DemoProduct("SK-1111", "精梳棉运动袜", "SK-111 袜类", "毛圈底 6双装", "pack", Decimal("22.00")),
)

# --------------------------------------------------------------------------
# The orders: one story each
# --------------------------------------------------------------------------

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

PATH = HAPPY_PATH
GOODS_LEFT = (S.SHIPPED, S.DELIVERED, S.CLOSED)
# The default stages and how many working days each runs ahead of packing (the output).
STAGE_LEAD = {"cutting": 3, "sewing": 2, "finishing": 1, "packing": 0}
# Output per working day as a share of the plan's: a little ahead, or well behind.
ON_TRACK_PACE, BEHIND_PACE = 1.1, 0.6
BEHIND_REASONS = ("material_late", "staffing", "equipment_failure", "upstream_delay")
CENT = Decimal("0.01")


def po_of(index: int) -> str:
    return f"DEMO-{index:03d}"


# --------------------------------------------------------------------------
# Simulated time
# --------------------------------------------------------------------------


class Clock:
    """Working days counted from today (Monday to Friday and the configured holiday
    calendar, as ``gendan.workdays``), and acting on one of them."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        # The calendar around the stories' span (about three months back), in one query.
        self.exceptions = dict(
            Holiday.objects.filter(
                date__range=(today - dt.timedelta(days=240), today + dt.timedelta(days=120))
            ).values_list("date", "is_working_day")
        )

    def is_working_day(self, day: dt.date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def day(self, working_days_ago: int) -> dt.date:
        """The date ``working_days_ago`` working days before today (after, when negative)."""
        day, step = self.today, (-1 if working_days_ago > 0 else 1)
        for _ in range(abs(working_days_ago)):
            day += dt.timedelta(days=step)
            while not self.is_working_day(day):
                day += dt.timedelta(days=step)
        return day

    def at(self, moment: dt.datetime) -> AbstractContextManager:
        """Run at ``moment``: travel there when it is before today, else stay in real time."""
        if timezone.localdate(moment) >= self.today:
            return nullcontext()
        return time_machine.travel(moment, tick=True)


@dataclass
class Step:
    t: int  # working days after the story began
    minute: int  # minutes after midnight, local time
    action: Callable[[dt.date], Any]
    moment: dt.datetime | None = None


# --------------------------------------------------------------------------
# One order's story
# --------------------------------------------------------------------------


@dataclass
class OrderStory:
    index: int
    story: Story
    cast: dict[str, User]
    products: dict[str, Product]
    customers: dict[str, Customer]
    stages: dict[str, Stage]
    clock: Clock
    rng: random.Random = field(init=False)
    steps: list[Step] = field(default_factory=list)
    order_id: int | None = None
    owner: User | None = None
    start: int = 0
    t_confirm: int = 0
    t_last_ship: int | None = None
    t_issue: int = 0
    current_t: int = 0  # the story day of the step running now

    def __post_init__(self) -> None:
        self.rng = random.Random(self.po)
        self.owner = self.cast[self.story.owner]

    @property
    def po(self) -> str:
        return po_of(self.index)

    @property
    def target(self) -> str:
        return self.story.cancel_from or self.story.status

    def reaches(self, status: str) -> bool:
        return PATH.index(status) <= PATH.index(self.target)

    def has(self, flag: str) -> bool:
        return flag in self.story.flags

    @property
    def customer(self) -> DemoCustomer:
        return CUSTOMER_BY_CODE[self.story.customer]

    def when(self, t: int) -> dt.date:
        return self.clock.day(self.start - t)

    # -- planning ----------------------------------------------------------

    def add(self, t: int, hour: int, action: Callable[[dt.date], Any], minute: int = 0) -> None:
        at = hour * 60 + minute
        if self.steps and self.steps[-1].t == t:
            at = max(at, self.steps[-1].minute + 7)  # same day: keep the story's order
        self.steps.append(Step(t, at, action))

    def plan(self) -> list[Step]:
        """The story's steps, each on its working day; then dated back from today."""
        s, t = self.story, 0
        self.add(t, 9, self.create)
        if self.reaches(S.CONFIRMED):
            t += 1
            self.t_confirm = t
            self.add(t, 10, self.confirm)
        deposit = self.customer.default_deposit_ratio > 0
        if self.reaches(S.AWAITING_DEPOSIT) and deposit:
            self.add(t, 11, self.request_deposit)
            if self.has("waiver"):
                t += 2
                self.add(t, 15, self.waive_deposit)
            else:
                if self.has("partial_deposit"):
                    t += 2
                    self.add(t, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT, Decimal("0.4")))
                if self.reaches(S.DEPOSIT_PAID):
                    t += 3
                    self.add(t, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT))
        if self.reaches(S.IN_PRODUCTION):
            t = self.plan_production(t + 1)
        if self.reaches(S.AWAITING_BALANCE):
            t += 1
            self.add(t, 10, self.request_balance)
            if self.has("partial_balance"):
                t += 2
                self.add(t, 14, lambda day: self.pay(day, PaymentKind.BALANCE, Decimal("0.5")))
            if self.has("credit"):
                t += 1
                self.add(t, 16, self.release_on_credit)
            elif self.reaches(S.PAID):
                t += 3
                self.add(t, 14, lambda day: self.pay(day, PaymentKind.BALANCE))
        if self.has("planned_shipment") or self.reaches(S.PARTIALLY_SHIPPED):
            t = self.plan_shipments(t)
        if self.reaches(S.DELIVERED):
            t += 8  # sea freight and customs
            self.add(t, 11, self.confirm_delivery)
            t = self.plan_after_sales(t)
        if self.reaches(S.CLOSED):
            t += 3
            self.add(t, 17, self.close)
        if s.cancel_from:
            t += 2
            self.add(t, 16, self.cancel)
        self.start = t + s.rest
        for step in self.steps:
            day = self.when(step.t)
            naive = dt.datetime.combine(day, dt.time(step.minute // 60, step.minute % 60))
            step.moment = timezone.make_aware(naive)
        return self.steps

    def plan_production(self, t: int) -> int:
        self.t_issue = t
        self.add(t, 10, self.issue_production)
        if self.has("amend"):
            t += 1
            self.add(t, 11, self.amend)
            self.add(t + 3, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT))
        days = self.actual_production_days()
        incident_day = self.middle_day() if self.has("qc_fail") else 2
        for i in range(1, days + 1):
            t += 1
            if i == 1:
                self.add(t, 8, self.start_production, minute=30)
            self.add(t, 9, lambda day, i=i: self.inspect_on(day, i))
            if self.has("reassign") and i == 1:
                self.add(t, 10, self.reassign)
            if i == incident_day and (self.has("incident") or self.has("incident_resolved")):
                self.add(t, 11, self.open_incident)
            if i == incident_day + 2 and self.has("incident_resolved"):
                self.add(t, 15, self.resolve_incident)
            self.add(t, 17, lambda day, i=i: self.report(day, i, last=i == days))
        completes = self.reaches(S.PRODUCED)
        if completes:
            self.add(t, 17, self.final_inspection, minute=30)
            if self.has("shortfall"):
                self.add(t, 18, self.accept_shortfall)
            self.add(t, 18, self.complete_production, minute=30)
        return t

    def actual_production_days(self) -> int:
        """Working days with progress reports: the plan at the story's pace (a day or so
        early, or late when behind); the days so far when the order is still in production."""
        s = self.story
        if not self.reaches(S.PRODUCED):
            return s.produced_days
        return math.ceil(s.production_days / self.pace)

    @property
    def pace(self) -> float:
        return BEHIND_PACE if self.has("behind") else ON_TRACK_PACE

    def middle_day(self) -> int:
        return max(self.story.production_days // 2, 2)

    def plan_shipments(self, t: int) -> int:
        s = self.story
        if s.status == S.PAID:  # booked with the forwarder, documents not ready yet
            t += 1
            self.add(t, 10, lambda day: self.create_shipment(day, part=None, ready=False))
            return t
        two = s.status == S.PARTIALLY_SHIPPED or self.has("split")
        t += 1
        self.add(t, 10, lambda day: self.create_shipment(day, part="first" if two else None))
        t += 2
        self.add(t, 15, self.ship)
        if two:
            booked_only = s.status == S.PARTIALLY_SHIPPED  # the rest waits for the next vessel
            t += 1 if booked_only else 3
            self.add(
                t, 10, lambda day: self.create_shipment(day, part="rest", ready=not booked_only)
            )
            if not booked_only:
                t += 2
                self.add(t, 15, self.ship)
        self.t_last_ship = t
        return t

    def plan_after_sales(self, t: int) -> int:
        if self.has("after_sales_open"):
            t += 3
            self.add(t, 10, self.open_after_sales)
        elif self.has("after_sales_investigating"):
            t += 2
            self.add(t, 10, self.open_after_sales)
            t += 1
            self.add(t, 14, self.investigate_after_sales)
        elif self.has("after_sales_closed"):
            t += 2
            self.add(t, 10, self.open_after_sales)
            t += 1
            self.add(t, 14, self.investigate_after_sales)
            t += 4
            self.add(t, 16, self.resolve_after_sales)
            t += 3
            self.add(t, 11, self.close_after_sales)
        return t

    # -- helpers -------------------------------------------------------------

    @property
    def merch(self) -> User:
        assert self.owner is not None
        return self.owner

    def role(self, name: str) -> User:
        return self.cast[name]

    def order(self) -> Order:
        return Order.objects.get(pk=self.order_id)

    def live_production_order(self) -> ProductionOrder:
        return ProductionOrder.objects.get(
            order_id=self.order_id, status__in=ACTIVE_PRODUCTION_STATUSES
        )

    def contract_delivery_date(self) -> dt.date:
        if self.story.status in GOODS_LEFT:
            assert self.t_last_ship is not None
            date = self.when(self.t_last_ship) + dt.timedelta(days=self.story.due)
        else:
            date = self.clock.today + dt.timedelta(days=self.story.due)
        if self.has("amend"):
            date -= dt.timedelta(days=7)  # the amendment moves it to ``due``
        confirmed_on = self.when(self.t_confirm)
        if self.reaches(S.CONFIRMED) and date < confirmed_on:
            raise CommandError(f"{self.po}: contract delivery date {date} before {confirmed_on}")
        return date

    def line_input(self, line: Line) -> dict[str, Any]:
        item_number, colour, size, quantity = line
        product = self.products[item_number]
        price = (product.default_price / FX[self.customer.currency]).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        return {
            "product": product.pk,
            "colour": colour,
            "size": size,
            "quantity": quantity,
            "unit_price": price,
        }

    # -- the steps -------------------------------------------------------------

    def create(self, day: dt.date) -> None:
        customer = self.customers[self.story.customer]
        due = self.contract_delivery_date()
        kwargs: dict[str, Any] = {}
        if self.has("erp"):
            actor = self.role("erp")
            kwargs = {"owner_id": self.merch.pk, "external_ref": f"ERP-SO-{7100 + self.index}"}
        else:
            actor = self.merch
        order = order_services.order_create(
            actor=actor,
            customer_id=customer.pk,
            lines=[self.line_input(line) for line in self.story.lines],
            contract_delivery_date=due,
            planned_ship_date=due - dt.timedelta(days=5),
            currency=self.customer.currency,
            customer_po=self.po,
            quality_requirements="按 AQL 2.5 抽检；色差不低于 4 级。",
            packing_requirements="单件入袋，每箱 50 件，箱唛按客户要求。",
            **kwargs,
        )
        self.order_id = order.pk

    def confirm(self, day: dt.date) -> None:
        method = self.rng.choice(("email", "fax", "signed_order"))
        order_services.order_confirm(
            actor=self.merch,
            order_id=self.order_id,
            method=method,
            reference=f"{self.po} 客户回签 {day:%Y-%m-%d}",
        )

    def request_deposit(self, day: dt.date) -> None:
        order_services.order_request_deposit(actor=self.merch, order_id=self.order_id)

    def waive_deposit(self, day: dt.date) -> None:
        order_services.order_waive_deposit(
            actor=self.role("supervisor"),
            order_id=self.order_id,
            reason="老客户，合作五年信用良好，订金改为随尾款一并支付。",
        )

    def pay(self, day: dt.date, kind: str, share: Decimal | None = None) -> None:
        payment = (
            self.order()
            .payments.filter(
                kind=kind, status__in=(PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED)
            )
            .order_by("pk")
            .first()
        )
        if payment is None:
            return  # nothing requested (e.g. an amendment that asked for no more deposit)
        amount = payment.outstanding
        if share is not None:
            amount = (payment.amount_due * share).quantize(CENT, rounding=ROUND_HALF_UP)
        order_services.payment_confirm(
            actor=self.role("finance"),
            payment_id=payment.pk,
            amount_received=amount,
            received_on=day,
            method="tt" if self.customer.currency != "CNY" else "bank_transfer",
            reference=f"TT{day:%Y%m%d}{self.rng.randint(10000, 99999)}",
        )

    def issue_production(self, day: dt.date) -> None:
        planned_start = self.when(self.t_issue + 1)
        planned_finish = self.when(self.t_issue + self.story.production_days)
        outside = self.has("outside")
        quantity = self.order().total_quantity
        milestones = []
        if self.has("milestones"):
            # A slow start: a third of the time for a fifth of the quantity.
            days = self.story.production_days
            milestones = [
                {
                    "date": self.when(self.t_issue + max(days // 3, 1)),
                    "planned_cumulative_quantity": quantity // 5,
                },
                {
                    "date": self.when(self.t_issue + max(2 * days // 3, 2)),
                    "planned_cumulative_quantity": quantity * 3 // 5,
                },
            ]
        production_services.production_order_issue(
            actor=self.merch,
            order_id=self.order_id,
            factory="绍兴柯桥华美服装厂（外协）"
            if outside
            else self.rng.choice(("一车间", "二车间")),
            is_outside_processor=outside,
            processing_fee=(Decimal("3.20") * quantity).quantize(CENT) if outside else "0",
            planned_start=planned_start,
            planned_finish=planned_finish,
            milestones=milestones,
            note="请按确认样生产，产前样先寄客户确认。",
        )

    def amend(self, day: dt.date) -> None:
        order = self.order()
        lines = [self.line_input(line) for line in self.story.lines]
        lines[0]["quantity"] += 300
        lines.append({**lines[0], "colour": "雾粉", "quantity": 500})
        order_services.order_amend(
            actor=self.merch,
            order_id=order.pk,
            lines=lines,
            confirmation_method="email",
            confirmation_reference=f"{self.po} 改单确认邮件 {day:%Y-%m-%d}",
            reason="客户追加数量并新增雾粉色，交期顺延一周。",
            contract_delivery_date=order.contract_delivery_date + dt.timedelta(days=7),
        )

    def reassign(self, day: dt.date) -> None:
        new_owner = self.role("merch2" if self.merch.username == "merch1" else "merch1")
        order_services.order_reassign(
            actor=self.role("supervisor"),
            order_id=self.order_id,
            owner_id=new_owner.pk,
            note="原跟单员休假，转交跟进。",
        )
        self.owner = new_owner

    def start_production(self, day: dt.date) -> None:
        production_services.production_order_start(
            actor=self.role("production"), production_order_id=self.live_production_order().pk
        )

    def cumulative(self, quantity: int, day: int, stage: str) -> int:
        """A stage's cumulative good quantity after ``day`` production days: packing
        follows the plan at the story's pace, the stages before it run ahead."""
        share = (day + STAGE_LEAD[stage]) * self.pace / self.story.production_days
        return min(self.cap(quantity), math.floor(quantity * share)) if day > 0 else 0

    def cap(self, quantity: int) -> int:
        # With an accepted shortfall some 3 % is scrapped (dye lot); else all is produced.
        return quantity * 97 // 100 if self.has("shortfall") else quantity

    def report(self, day: dt.date, i: int, *, last: bool) -> None:
        production_order = self.live_production_order()
        quantity = production_order.quantity
        finishing = last and self.reaches(S.PRODUCED)
        for code in STAGE_LEAD:
            before = self.cumulative(quantity, i - 1, code)
            # The last day of a completed order brings every stage to the full quantity.
            now = self.cap(quantity) if finishing else self.cumulative(quantity, i, code)
            good = now - before
            if good <= 0:
                continue
            variance = ""
            if self.has("behind") and self.rng.random() < 0.6:
                variance = self.rng.choice(BEHIND_REASONS)
            production_services.progress_report_create(
                actor=self.role("production"),
                production_order_id=production_order.pk,
                date=day,
                stage_id=self.stages[code].pk,
                good_quantity=good,
                defective_quantity=int(good * self.rng.uniform(0.005, 0.03)),
                scrap_quantity=int(good * self.rng.uniform(0, 0.008)),
                variance_reason=variance,
            )

    def inspect_on(self, day: dt.date, i: int) -> None:
        production_order = self.live_production_order()
        middle = self.middle_day()
        if i == 1:
            self.inspect(production_order, "incoming_material", "pass", sample=32, defects=0)
            self.inspect(production_order, "first_article", "pass", sample=5, defects=0)
        elif i == middle:
            if self.has("qc_fail"):
                self.inspect(
                    production_order,
                    "inline_mid",
                    "fail",
                    sample=80,
                    defects=9,
                    note="车缝跳线、线头多，已要求返工并加强巡检。",
                    loss="1200.00",
                )
            else:
                self.inspect(production_order, "inline_mid", "pass", sample=80, defects=2)
        elif i == middle + 1 and self.has("qc_fail"):
            self.inspect(production_order, "inline_mid", "pass", sample=80, defects=1)

    def inspect(self, production_order, kind, result, *, sample, defects, note="", loss="0"):
        production_services.inspection_create(
            actor=self.role("production"),
            production_order_id=production_order.pk,
            kind=kind,
            result=result,
            sample_size=sample,
            defects_found=defects,
            defects="；".join(["线头", "污渍", "跳线"][: min(defects, 3)]),
            estimated_loss=loss,
            note=note,
        )

    def final_inspection(self, day: dt.date) -> None:
        self.inspect(
            self.live_production_order(),
            "final",
            "pass",
            sample=125,
            defects=self.rng.randint(0, 3),
        )

    def open_incident(self, day: dt.date) -> None:
        kind, description, loss = {
            "behind": ("material_shortage", "面料供应商延迟交货，车缝工序停工待料。", "3500.00"),
            "qc_fail": ("quality", "中期检验不合格：车缝跳线，需返工约 300 件。", "1200.00"),
        }.get(
            next((f for f in ("behind", "qc_fail") if self.has(f)), ""),
            ("equipment", "平车断针频繁，两台设备停机检修。", "800.00"),
        )
        production_services.incident_open(
            actor=self.role("production"),
            order_id=self.order_id,
            production_order_id=self.live_production_order().pk,
            kind=kind,
            description=description,
            loss_amount=loss,
            responsible_id=self.role("production").pk,
        )

    def resolve_incident(self, day: dt.date) -> None:
        incident = self.order().incidents.filter(status="open").order_by("pk").first()
        production_services.incident_resolve(
            actor=self.role("production"),
            incident_id=incident.pk,
            resolution="已调配备用设备并安排加班，进度追回。",
        )

    def accept_shortfall(self, day: dt.date) -> None:
        production_services.production_accept_shortfall(
            actor=self.role("supervisor"),
            order_id=self.order_id,
            reason="面料缸差报废约 3%，客户邮件同意按实际数量出货。",
        )

    def complete_production(self, day: dt.date) -> None:
        production_services.production_order_complete(
            actor=self.merch, production_order_id=self.live_production_order().pk
        )

    def request_balance(self, day: dt.date) -> None:
        order_services.order_request_balance(actor=self.merch, order_id=self.order_id)

    def release_on_credit(self, day: dt.date) -> None:
        order_services.order_release_on_credit(
            actor=self.role("supervisor"),
            order_id=self.order_id,
            reason="客户已付订金且信用良好，船期紧，同意赊销放行，尾款见提单副本后付。",
        )

    def create_shipment(self, day: dt.date, *, part: str | None, ready: bool = True) -> None:
        order = self.order()
        lines = None
        if part == "first":
            first = order.lines.order_by("position").first()
            lines = [{"order_line": first.pk, "quantity": first.quantity}]
        domestic = self.customer.currency == "CNY"
        required = [
            DocumentKind.COMMERCIAL_INVOICE,
            DocumentKind.PACKING_LIST,
        ]
        if not domestic:
            required.append(DocumentKind.CUSTOMS_DECLARATION)
        if self.customer.needs_origin_certificate:
            required.append(DocumentKind.CERTIFICATE_OF_ORIGIN)
        shipment = shipping_services.shipment_create(
            actor=self.merch,
            order_id=order.pk,
            planned_ship_date=self.when(self.current_t + 2),
            mode="truck" if domestic else "sea",
            lines=lines,
            forwarder="德邦物流" if domestic else "深圳中外运物流有限公司",
            carrier="" if domestic else self.rng.choice(("COSCO SHIPPING", "Maersk", "ONE")),
            required_documents=required,
        )
        if not ready:
            return
        for document in shipment.documents.filter(required=True).order_by("pk"):
            shipping_services.shipment_document_update(
                actor=self.merch, document_id=document.pk, is_ready=True
            )

    def ship(self, day: dt.date) -> None:
        shipment = (
            Shipment.objects.filter(order_id=self.order_id, status__in=("planned", "packed"))
            .order_by("pk")
            .first()
        )
        quantity = sum(line.quantity for line in shipment.lines.all())
        shipping_services.shipment_pack(
            actor=self.merch, shipment_id=shipment.pk, packages=math.ceil(quantity / 50)
        )
        domestic = self.customer.currency == "CNY"
        shipping_services.shipment_ship(
            actor=self.merch,
            shipment_id=shipment.pk,
            tracking_number=(
                f"DB{self.rng.randint(10**9, 10**10 - 1)}"
                if domestic
                else self.rng.choice(("COSU", "MAEU", "ONEY"))
                + str(self.rng.randint(10**8, 10**9 - 1))
            ),
            container="" if domestic else f"TGHU{self.rng.randint(10**6, 10**7 - 1)}",
            customs_declaration_number=(
                "" if domestic else f"5316{day:%Y}{self.rng.randint(10**9, 10**10 - 1)}"
            ),
        )

    def confirm_delivery(self, day: dt.date) -> None:
        order_services.order_confirm_delivery(actor=self.merch, order_id=self.order_id)

    def open_after_sales(self, day: dt.date) -> None:
        kind, description = {
            "after_sales_open": ("complaint", "客户反映部分纸箱受潮，约 20 件有水渍。"),
            "after_sales_investigating": ("return", "客户抽检发现约 2% 尺码标错位，要求退回更换。"),
        }.get(
            next((f for f in ("after_sales_open", "after_sales_investigating") if self.has(f)), ""),
            ("discount", "到货后客户发现个别色差，协商折让处理。"),
        )
        shipping_services.after_sales_case_open(
            actor=self.merch, order_id=self.order_id, kind=kind, description=description
        )

    def case(self):
        return self.order().after_sales_cases.order_by("pk").last()

    def investigate_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_investigate(
            actor=self.merch, case_id=self.case().pk, note="已联系工厂和货代调查原因。"
        )

    def resolve_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_resolve(
            actor=self.merch,
            case_id=self.case().pk,
            root_cause="后整工序抽检比例不足，个别批次色差未检出。",
            corrective_action="后整增加对色工位，出货前按批次留样。",
            cost=f"{self.rng.randint(8, 30) * 100}.00",
        )

    def close_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_close(
            actor=self.merch, case_id=self.case().pk, customer_satisfaction=self.rng.choice((3, 4))
        )

    def close(self, day: dt.date) -> None:
        order_services.order_close(actor=self.merch, order_id=self.order_id, note="资料归档。")

    def cancel(self, day: dt.date) -> None:
        late = self.story.cancel_from in PRODUCTION_STARTED
        reasons = {
            S.DRAFT: "客户取消采购计划。",
            S.AWAITING_DEPOSIT: "客户资金紧张，取消订单，已付订金退回。",
        }
        order_services.order_cancel(
            actor=self.role("supervisor") if late else self.merch,
            order_id=self.order_id,
            reason=reasons.get(
                self.story.cancel_from, "客户终端零售商取消订单，经主管批准停产，已付订金待退。"
            ),
        )


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Seed demo users, customers, products and about forty orders in every status."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            # One transaction: a failure leaves no half-seeded company behind.
            counts = self.seed()
        elapsed = time.monotonic() - started
        if options["verbosity"] >= 1:
            self.report(counts, elapsed)

    def seed(self) -> dict[str, tuple[int, int]]:
        cast, users = self.seed_users()
        customers, customer_counts = self.seed_customers(cast)
        products, product_counts = self.seed_products(cast)
        stages = {stage.code: stage for stage in Stage.objects.filter(code__in=STAGE_LEAD)}
        missing = set(STAGE_LEAD) - set(stages)
        if missing:
            raise CommandError(f"missing production stages {sorted(missing)}: run migrate first")
        clock = Clock(timezone.localdate())
        existing = set(
            Order.objects.filter(
                customer_po__in=[po_of(i) for i in range(1, len(STORIES) + 1)]
            ).values_list("customer_po", flat=True)
        )
        stories = [
            OrderStory(i, s, cast, products, customers, stages, clock)
            for i, s in enumerate(STORIES, start=1)
            if po_of(i) not in existing
        ]
        # Every story's steps in date order, so numbers and timelines read chronologically.
        queue = sorted(
            ((step.moment, story.index, n, story, step))
            for story in stories
            for n, step in enumerate(story.plan())
        )
        for moment, _index, _n, order_story, step in queue:
            order_story.current_t = step.t
            with clock.at(moment):
                step.action(timezone.localdate())
        return {
            "users": users,
            "customers": customer_counts,
            "products": product_counts,
            "orders": (len(stories), len(existing)),
        }

    def seed_users(self) -> tuple[dict[str, User], tuple[int, int]]:
        cast, created = {}, 0
        for demo in USERS:
            user, is_new = User.objects.get_or_create(
                username=demo.username,
                defaults={
                    "display_name": demo.display_name,
                    "email": f"{demo.username}@gendan-demo.example",
                    "is_staff": demo.is_superuser,
                    "is_superuser": demo.is_superuser,
                },
            )
            if is_new:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            if demo.role:
                user.groups.add(Group.objects.get(name=demo.role))
            cast[demo.username] = user
        return cast, (created, len(USERS) - created)

    def seed_customers(self, cast) -> tuple[dict[str, Customer], tuple[int, int]]:
        customers, created = {}, 0
        for demo in CUSTOMERS:
            customer = Customer.objects.filter(code=demo.code).first()
            if customer is None:
                customer = order_services.customer_create(
                    actor=cast["supervisor"],
                    code=demo.code,
                    name=demo.name,
                    country=demo.country,
                    contact_name=demo.contact_name,
                    contact_email=demo.contact_email,
                    contact_phone=demo.contact_phone,
                    address=demo.address,
                    default_deposit_ratio=demo.default_deposit_ratio,
                    payment_terms_days=demo.payment_terms_days,
                    owner=cast[demo.owner],
                )
                created += 1
            customers[demo.code] = customer
        return customers, (created, len(CUSTOMERS) - created)

    def seed_products(self, cast) -> tuple[dict[str, Product], tuple[int, int]]:
        products, created = {}, 0
        for demo in PRODUCTS:
            product = Product.objects.filter(item_number=demo.item_number).first()
            if product is None:
                product = order_services.product_create(
                    actor=cast["supervisor"],
                    item_number=demo.item_number,
                    name=demo.name,
                    series=demo.series,
                    spec=demo.spec,
                    unit=demo.unit,
                    default_price=demo.default_price,
                )
                created += 1
            products[demo.item_number] = product
        return products, (created, len(PRODUCTS) - created)

    def report(self, counts: dict[str, tuple[int, int]], elapsed: float) -> None:
        self.stdout.write(self.style.SUCCESS("Gendan demo data"))
        for name, (created, existing) in counts.items():
            self.stdout.write(f"  {name:<10} {created:>3} created, {existing:>3} already there")
        by_status = Counter(
            Order.objects.filter(customer_po__startswith="DEMO-").values_list("status", flat=True)
        )
        self.stdout.write(
            "  demo orders by status: "
            + ", ".join(f"{status} {by_status[status]}" for status in S.values)
        )
        self.stdout.write(
            f"  users: {', '.join(u.username for u in USERS)} (password {DEMO_PASSWORD!r})"
        )
        self.stdout.write(f"  took {elapsed:.1f} s")
