"""Reference data of a generated company: staff in their role groups, customers
and products, plus the fixed texts the order stories draw from."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from gendan.roles import Role

from .clock import MINUTES_PER_DAY, Clock

USERNAME_PREFIX = "gen-"
# Every generated user logs in with this password (hashed once per run).
PASSWORD = "gendan-bench"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
GIVEN_NAMES = """伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚
桂英 建华 晓明 海燕 文博 思远 雨涵 子轩 欣怡 佳琪 浩然 梓涵 一鸣 晨曦 嘉怡
俊杰 婷婷 志强 丹丹 建国 立新 红梅"""
GIVEN = tuple(GIVEN_NAMES.split())


@dataclass(frozen=True)
class Market:
    country: str
    currency: str
    # CNY per unit of the currency: products' default prices are in CNY.
    fx: float
    deposit_ratios: tuple[str, ...]  # drawn from, most common first
    terms: tuple[int, ...]
    domestic: bool
    names: tuple[str, ...]
    suffixes: tuple[str, ...]
    weight: int


MARKETS = (
    Market("美国", "USD", 7.10, ("0.3000", "0.3000", "0.5000", "0.2000"), (7, 15, 30), False,
           ("Harbor", "Lakeside", "Summit", "Pioneer", "Golden Gate", "Bluebird", "Evergreen",
            "Liberty", "Prairie", "Redwood", "Atlantic", "Keystone"),
           ("Home Goods Inc.", "Apparel LLC", "Trading Co.", "Outfitters Inc."), 24),
    Market("德国", "EUR", 7.70, ("0.3000", "0.3000", "0.2000"), (15, 30), False,
           ("Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Nordwind", "Rhein"),
           ("Textilhandel GmbH", "Import GmbH", "Handels AG", "Mode KG"), 12),
    Market("日本", "USD", 7.10, ("0.5000", "0.3000"), (7, 15), False,
           ("さくら", "みどり", "あおば", "ひかり", "やまと", "ふじ", "なごみ"),
           ("商事株式会社", "物産株式会社", "貿易株式会社"), 10),
    Market("英国", "USD", 7.10, ("0.3000", "0.5000"), (7, 15, 30), False,
           ("Thistle & Rose", "Kingsway", "Oxford Lane", "Highland", "Brighton", "Windsor"),
           ("Apparel Ltd.", "Retail Ltd.", "Trading Ltd."), 8),
    Market("法国", "EUR", 7.70, ("0.5000", "0.3000"), (7, 15), False,
           ("Lumière", "Provence", "Belle Rive", "Montmartre", "Bastide"),
           ("SARL", "SAS", "Distribution SA"), 6),
    Market("澳大利亚", "USD", 7.10, ("0.0000", "0.3000"), (15, 30), False,
           ("Southern Cross", "Coral Bay", "Outback", "Tasman", "Wattle"),
           ("Outfitters Pty Ltd", "Trading Pty Ltd"), 5),
    Market("阿联酋", "USD", 7.10, ("0.5000", "1.0000", "0.3000"), (7, 15), False,
           ("Al Noor", "Al Waha", "Gulf Star", "Desert Rose", "Al Fajr"),
           ("Trading LLC", "General Trading LLC"), 6),
    Market("中国", "CNY", 1.0, ("0.3000", "0.3000", "0.5000", "0.0000"), (7, 7, 15, 30), True,
           ("上海恒信", "宁波海达", "杭州锦绣", "广州永盛", "深圳华联", "苏州正源", "青岛东方",
            "厦门嘉禾", "南京金陵", "天津北洋"),
           ("贸易有限公司", "服饰有限公司", "进出口有限公司", "实业有限公司"), 29),
)  # fmt: skip


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    spec: str
    unit: str
    price: tuple[int, int]  # default price range in CNY cents
    sizes: tuple[str, ...]


CATEGORIES = (
    Category("TS", "圆领T恤", "180g 精梳棉汗布", "pcs", (1200, 3500), ("S-XL", "S-XXL", "M-XXL")),
    Category("PL", "珠地Polo衫", "220g 珠地棉", "pcs", (2500, 5500), ("S-XL", "S-XXL")),
    Category("HD", "连帽卫衣", "320g 抓绒", "pcs", (4500, 9000), ("S-XL", "M-XXL")),
    Category("DN", "弹力牛仔裤", "12oz 弹力牛仔", "pcs", (5500, 12000), ("28-36", "30-38")),
    Category("JK", "防风夹克", "涤纶塔丝隆", "pcs", (7000, 16000), ("S-XL", "S-XXL")),
    Category("BS", "床品四件套", "40支 200T 斜纹", "set", (12000, 26000), ("1.5m", "1.8m")),
    Category("TW", "毛巾", "34×76cm 120g", "pcs", (600, 1800), ("34×76", "70×140")),
    Category("TB", "帆布购物袋", "12oz 帆布 丝印", "pcs", (800, 2200), ("38×42", "40×45")),
    Category("AP", "围裙", "PVC 涂层 70×90cm", "pcs", (1000, 2500), ("均码",)),
    Category("CU", "遮光窗帘", "140×260cm 打孔款", "pcs", (6000, 15000), ("140×260", "200×260")),
    Category("SK", "运动袜", "毛圈底 6双装", "pack", (1500, 3500), ("S/M", "M/L")),
    Category("SW", "针织毛衫", "12针 羊毛混纺", "pcs", (6000, 14000), ("S-XL", "M-XXL")),
)
STYLES = ("基础款", "商务款", "秋冬款", "修身款", "户外款", "家纺", "环保款", "儿童款", "经典款")
COLOUR_NAMES = """白色 黑色 藏青 麻灰 炭灰 酒红 军绿 卡其 米白 浅蓝 深蓝
樱花粉 燕麦色 雾蓝 橙色 本白 条纹 红色"""
COLOURS = tuple(COLOUR_NAMES.split())
FACTORIES = ("一车间", "二车间", "三车间", "四车间")
OUTSIDE_FACTORIES = (
    "绍兴柯桥华美服装厂（外协）",
    "南通海门家纺加工厂（外协）",
    "湖州织里童装厂（外协）",
    "石狮鸿达制衣厂（外协）",
)
QUALITY_REQUIREMENTS = (
    "按 AQL 2.5 抽检；色差不低于 4 级。",
    "按确认样生产；缩水率不超过 3%。",
    "面料须提供 OEKO-TEX 证书；AQL 1.5。",
    "",
)
PACKING_REQUIREMENTS = (
    "单件入袋，每箱 50 件，箱唛按客户要求。",
    "每箱 24 件混码，外箱五层瓦楞。",
    "挂装出货，吊牌条码按客户清单。",
    "",
)


@dataclass(frozen=True)
class Staff:
    """The generated users' ids by role, and the teams: merchandiser i reports to
    supervisors[i % len(supervisors)]."""

    merchandisers: tuple[int, ...]
    supervisors: tuple[int, ...]
    finance: tuple[int, ...]
    production: tuple[int, ...]
    integration: tuple[int, ...]

    def supervisor_of(self, merchandiser_id: int) -> int:
        return self.supervisors[merchandiser_id % len(self.supervisors)]


@dataclass(frozen=True)
class CustomerInfo:
    id: int
    owner_id: int
    currency: str
    fx: float
    deposit_ratio: str
    terms: int
    domestic: bool
    client_id: int | None  # the ERP client that sends this customer's orders, if any
    slow_payer: bool


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str
    series: str
    spec: str
    unit: str
    price_cents: int
    sizes: tuple[str, ...]


class Picker:
    """Draws items with fixed weights in O(log n): ``pick(r)`` for r in [0, 1)."""

    def __init__(self, items, weights) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, r: float):
        return self.items[bisect.bisect_right(self.cumulative, r * self.total)]


def counts_for(orders: int, merchandisers: int | None) -> dict[str, int]:
    """How many of each reference row a run of ``orders`` makes (1M orders: 300
    merchandisers, 3,000 customers, 5,000 products)."""
    m = merchandisers or max(3, min(300, round(orders / 3333)))
    return {
        "merchandisers": m,
        "supervisors": max(2, -(-m // 30)),
        "finance": max(2, -(-m // 60)),
        "production": max(2, -(-m // 20)),
        "integration": 2,
        "customers": max(12, min(3000, orders // 300)),
        "products": max(30, min(5000, orders // 200)),
    }


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class ReferenceData:
    """Builds the reference rows (appended to ``rows``) and what the stories need of them."""

    def __init__(
        self,
        *,
        rng: random.Random,
        clock: Clock,
        counts: dict[str, int],
        first_ids: dict[str, int],
        group_ids: dict[str, int],
        password_hash: str,
        rows: dict[str, list[tuple]],
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.rows = rows
        created = clock.timestamp(1 * MINUTES_PER_DAY + 9 * 60)  # day 1 of the lead-in, 09:00
        self.created = created
        self.staff = self._users(counts, first_ids, group_ids, password_hash)
        self.customers = self._customers(counts["customers"], first_ids["customer"])
        self.products = self._products(counts["products"], first_ids["product"])
        # A few big customers and many small ones; best-sellers likewise.
        self.customer_picker = Picker(
            self.customers, [1 / (i + 8) for i in range(len(self.customers))]
        )
        self.product_picker = Picker(
            self.products, [1 / (i + 15) for i in range(len(self.products))]
        )

    def _users(self, counts, first_ids, group_ids, password_hash) -> Staff:
        rng, rows = self.rng, self.rows
        next_id = itertools.count(first_ids["user"])
        next_membership = itertools.count(first_ids["user_groups"])
        by_role: dict[str, list[int]] = {}
        plan = (
            (Role.MERCHANDISER, "merch", counts["merchandisers"]),
            (Role.SUPERVISOR, "sup", counts["supervisors"]),
            (Role.FINANCE, "fin", counts["finance"]),
            (Role.PRODUCTION, "pmc", counts["production"]),
            (Role.INTEGRATION, "erp", counts["integration"]),
        )
        for role, short, count in plan:
            ids = by_role.setdefault(role, [])
            for i in range(1, count + 1):
                user_id = next(next_id)
                username = f"{USERNAME_PREFIX}{short}-{i:03d}"
                display = f"ERP 接口 {i}" if role == Role.INTEGRATION else person_name(rng)
                rows["user"].append(
                    (
                        user_id,
                        password_hash,
                        None,
                        False,
                        username,
                        "",
                        "",
                        f"{username}@gendan-bench.example",
                        False,
                        True,
                        self.created,
                        display,
                        f"138{rng.randrange(10**8):08d}",
                    )
                )
                rows["user_groups"].append((next(next_membership), user_id, group_ids[role]))
                ids.append(user_id)
        return Staff(
            merchandisers=tuple(by_role[Role.MERCHANDISER]),
            supervisors=tuple(by_role[Role.SUPERVISOR]),
            finance=tuple(by_role[Role.FINANCE]),
            production=tuple(by_role[Role.PRODUCTION]),
            integration=tuple(by_role[Role.INTEGRATION]),
        )

    def _customers(self, count: int, first_id: int) -> list[CustomerInfo]:
        rng, rows, staff = self.rng, self.rows, self.staff
        market_picker = Picker(MARKETS, [m.weight for m in MARKETS])
        infos = []
        for i in range(count):
            customer_id = first_id + i
            market: Market = market_picker.pick(rng.random())
            name = f"{rng.choice(market.names)} {rng.choice(market.suffixes)}"
            if market.domestic:
                name = name.replace(" ", "")
            owner_id = staff.merchandisers[i % len(staff.merchandisers)]
            ratio = rng.choice(market.deposit_ratios)
            terms = rng.choice(market.terms)
            contact = person_name(rng) if market.domestic else f"{rng.choice(market.names)} Buyer"
            code = f"C{i + 1:05d}"
            rows["customer"].append(
                (
                    customer_id,
                    self.created,
                    self.created,
                    code,
                    f"{name} ({code})",
                    contact,
                    f"+{rng.randrange(10**9, 10**10)}",
                    f"purchase@{code.lower()}.example",
                    f"{rng.randrange(1, 999)} {rng.choice(market.names)} Road",
                    market.country,
                    ratio,
                    terms,
                    True,
                    owner_id,
                )
            )
            # Big accounts (the first fifth) often send orders from their ERP.
            erp = i < count // 5 and rng.random() < 0.5
            infos.append(
                CustomerInfo(
                    id=customer_id,
                    owner_id=owner_id,
                    currency=market.currency,
                    fx=market.fx,
                    deposit_ratio=ratio,
                    terms=terms,
                    domestic=market.domestic,
                    client_id=rng.choice(staff.integration) if erp else None,
                    slow_payer=rng.random() < 0.06,
                )
            )
        return infos

    def _products(self, count: int, first_id: int) -> list[ProductInfo]:
        rng, rows = self.rng, self.rows
        infos = []
        for i in range(count):
            product_id = first_id + i
            category = CATEGORIES[i % len(CATEGORIES)]
            number = i // len(CATEGORIES) + 1
            lo, hi = category.price
            price = (lo + int(rng.random() * (hi - lo))) // 10 * 10
            series = f"{category.code}-{100 + number % 90} {rng.choice(STYLES)}"
            name = f"{category.name} {number:03d}"
            rows["product"].append(
                (
                    product_id,
                    self.created,
                    self.created,
                    f"{category.code}-{number:05d}",
                    name,
                    series,
                    category.spec,
                    category.unit,
                    f"{price // 100}.{price % 100:02d}",
                    True,
                )
            )
            infos.append(
                ProductInfo(
                    id=product_id,
                    name=name,
                    series=series,
                    spec=category.spec,
                    unit=category.unit,
                    price_cents=price,
                    sizes=category.sizes,
                )
            )
        return infos
