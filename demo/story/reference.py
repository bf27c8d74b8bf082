"""The demo company's reference data: customers (with their currencies and terms) and
products (with default prices in CNY)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from gendan.models import User
from orders import services as order_services
from orders.models import Customer, Product

CENT = Decimal("0.01")


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


PRODUCTS = tuple(
    DemoProduct(*row)
    for row in (
        ("TS-1001", "纯棉圆领T恤", "TS-100 基础款", "180g 精梳棉汗布", "pcs", Decimal("18.50")),
        ("PL-2002", "珠地网眼Polo衫", "PL-200 商务款", "220g 珠地棉", "pcs", Decimal("32.00")),
        ("HD-3003", "抓绒连帽卫衣", "HD-300 秋冬款", "320g 抓绒 双层帽", "pcs", Decimal("58.00")),
        ("DN-4004", "水洗弹力牛仔裤", "DN-400 修身款", "12oz 弹力牛仔", "pcs", Decimal("75.00")),
        ("JK-5005", "防风防泼水夹克", "JK-500 户外款", "涤纶塔丝隆", "pcs", Decimal("96.00")),
        ("BS-6006", "纯棉床品四件套", "BS-600 家纺", "40支 200T 斜纹", "set", Decimal("168.00")),
        ("TW-7007", "竹纤维毛巾", "TW-700 家纺", "34×76cm 120g", "pcs", Decimal("9.80")),
        ("TB-8008", "帆布购物袋", "TB-800 环保袋", "12oz 帆布 丝印", "pcs", Decimal("12.50")),
        ("AP-9009", "防水厨房围裙", "AP-900 家居", "PVC 涂层 70×90cm", "pcs", Decimal("15.00")),
        ("CU-1010", "三层遮光窗帘", "CU-101 家纺", "140×260cm 打孔款", "pcs", Decimal("88.00")),
        ("SK-1111", "精梳棉运动袜", "SK-111 袜类", "毛圈底 6双装", "pack", Decimal("22.00")),
    )
)


def _seeded(model, key: str, demos: tuple, create: Callable) -> tuple[dict, tuple[int, int]]:
    """The demo rows by their ``key``, each made by ``create(demo)`` when missing; and how
    many were created, how many were there already."""
    rows, created = {}, 0
    for demo in demos:
        value = getattr(demo, key)
        row = model.objects.filter(**{key: value}).first()
        if row is None:
            row, created = create(demo), created + 1
        rows[value] = row
    return rows, (created, len(demos) - created)


def seed_customers(cast: dict[str, User]) -> tuple[dict[str, Customer], tuple[int, int]]:
    """The demo customers by code, made through the service when missing."""

    def create(demo: DemoCustomer) -> Customer:
        # What the customer record holds of the demo customer (its currency and the
        # certificate of origin are the story's own), the owner a user.
        fields = {k: v for k, v in asdict(demo).items() if k in order_services.CUSTOMER_FIELDS}
        return order_services.customer_create(
            actor=cast["supervisor"], **fields | {"owner": cast[demo.owner]}
        )

    return _seeded(Customer, "code", CUSTOMERS, create)


def seed_products(cast: dict[str, User]) -> tuple[dict[str, Product], tuple[int, int]]:
    """The demo products by item number, made through the service when missing."""

    def create(demo: DemoProduct) -> Product:
        return order_services.product_create(actor=cast["supervisor"], **asdict(demo))

    return _seeded(Product, "item_number", PRODUCTS, create)
