"""Excel import of customers, products and orders with their lines (openpyxl).

A workbook has one sheet: a header row (each column named in Chinese, in English, or
both as the template writes them: "数量 / Quantity"), then one row per record — for
orders one row per order line, the rows of one order sharing the customer code and
the customer PO (客户订单号).

``read`` turns the sheet into typed values and collects every cell error with its row,
column and message: a missing required value, text in a number column, a bad date, a
negative quantity, a formula (never evaluated, always refused), text with a NUL.
``run`` then groups the rows and hands each record to the services (``customer_create``,
``product_update``, ``order_create``: drafts with their events) inside one
transaction: a dry run rolls it back and keeps the preview (per row: created, changed
or unchanged, and every error), the confirmed import commits it only if no record
failed — all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gendan import bounds
from gendan.excel import Sheet, workbook
from gendan.exceptions import DomainError
from gendan.models import User

from .models import Customer, ImportKind, Order, Product
from .services import (
    CUSTOMER_FIELDS,
    PRODUCT_FIELDS,
    customer_create,
    customer_update,
    order_create,
    product_create,
    product_update,
)
from .states import OrderStatus

# The largest sheet read (rows below the header).
MAX_ROWS = 20_000
TEXT, INTEGER, DECIMAL, RATIO, DATE = "text", "integer", "decimal", "ratio", "date"


@dataclass(frozen=True)
class Column:
    """A column of an import: its key (the service's field), names, type, whether it
    must be filled, and the longest text it takes."""

    key: str
    zh: Any
    en: str
    type: str = TEXT
    required: bool = False
    max_length: int = 200

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"

    def names(self) -> set[str]:
        return {_norm(str(self.zh)), _norm(self.en), _norm(self.header)}


def _norm(header: str) -> str:
    return " ".join(str(header).replace("*", " ").replace("\n", " / ").lower().split())


CUSTOMER_COLUMNS = (
    Column("code", gettext_lazy("客户编号"), "Customer code", required=True, max_length=32),
    Column("name", gettext_lazy("客户名称"), "Customer name", required=True),
    Column("contact_name", gettext_lazy("联系人"), "Contact", max_length=100),
    Column("contact_phone", gettext_lazy("电话"), "Phone", max_length=50),
    Column("contact_email", gettext_lazy("电子邮件"), "E-mail", max_length=254),
    Column("address", gettext_lazy("地址"), "Address", max_length=1000),
    Column("country", gettext_lazy("国家/地区"), "Country", max_length=64),
    Column("default_deposit_ratio", gettext_lazy("默认订金比例"), "Deposit ratio", RATIO),
    Column("payment_terms_days", gettext_lazy("付款期限（天）"), "Payment terms (days)", INTEGER),
)
PRODUCT_COLUMNS = (
    Column("item_number", gettext_lazy("货号"), "Item number", required=True, max_length=64),
    Column("name", gettext_lazy("品名"), "Name", required=True),
    Column("series", gettext_lazy("型号系列"), "Series", max_length=100),
    Column("spec", gettext_lazy("规格"), "Spec"),
    Column("unit", gettext_lazy("单位"), "Unit", max_length=16),
    Column("default_price", gettext_lazy("默认单价"), "Default price", DECIMAL),
)
# The order's columns (the same on every row of one order), then the line's.
ORDER_HEADER_KEYS = (
    "customer",
    "customer_po",
    "owner",
    "order_date",
    "contract_delivery_date",
    "planned_ship_date",
    "currency",
    "deposit_ratio",
    "quality_requirements",
    "packing_requirements",
)
ORDER_COLUMNS = (
    Column("customer", gettext_lazy("客户编号"), "Customer code", required=True, max_length=32),
    Column("customer_po", gettext_lazy("客户订单号"), "Customer PO", required=True, max_length=64),
    Column("owner", gettext_lazy("跟单员用户名"), "Merchandiser username", max_length=150),
    Column("order_date", gettext_lazy("下单日期"), "Order date", DATE),
    Column("contract_delivery_date", gettext_lazy("合同交期"), "Delivery date", DATE, True),
    Column("planned_ship_date", gettext_lazy("计划出货日期"), "Planned ship date", DATE),
    Column("currency", gettext_lazy("币种"), "Currency", max_length=3),
    Column("deposit_ratio", gettext_lazy("订金比例"), "Deposit ratio", RATIO),
    Column("quality_requirements", gettext_lazy("品质特殊要求"), "Quality", max_length=4000),
    Column("packing_requirements", gettext_lazy("包装要求"), "Packing", max_length=4000),
    Column("product", gettext_lazy("货号"), "Item number", max_length=64),
    Column("description", gettext_lazy("描述"), "Description"),
    Column("series", gettext_lazy("型号系列"), "Series", max_length=100),
    Column("colour", gettext_lazy("颜色"), "Colour", max_length=64),
    Column("spec", gettext_lazy("规格"), "Spec"),
    Column("size", gettext_lazy("尺码"), "Size", max_length=32),
    Column("quantity", gettext_lazy("数量"), "Quantity", INTEGER, True),
    Column("unit", gettext_lazy("单位"), "Unit", max_length=16),
    Column("unit_price", gettext_lazy("单价"), "Unit price", DECIMAL, True),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ORDERS: ORDER_COLUMNS,
    ImportKind.CUSTOMERS: CUSTOMER_COLUMNS,
    ImportKind.PRODUCTS: PRODUCT_COLUMNS,
}

# What each row becomes (the preview's "action").
CREATE, CHANGE, UNCHANGED, ERROR = "create", "change", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("新建"),
    CHANGE: gettext_lazy("修改"),
    UNCHANGED: gettext_lazy("无变化"),
    ERROR: gettext_lazy("错误"),
}


# --------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------

EXAMPLES: dict[str, list[Any]] = {
    ImportKind.CUSTOMERS: ["C-1001", "汉堡贸易公司", "Anna", "+49 40 123", "", "", "DE", "0.3", 30],
    ImportKind.PRODUCTS: ["HX-1001", "珠地棉 POLO 衫", "P-200", "220g", "pcs", "38.50"],
}


def template(kind: str) -> bytes:
    """The .xlsx template of ``kind``: the columns in Chinese and English (required
    ones marked *), and a sheet that explains them."""
    columns = COLUMNS[kind]
    headers = [f"{c.zh}{'*' if c.required else ''} / {c.en}" for c in columns]
    rows = [EXAMPLES[kind]] if kind in EXAMPLES else []
    kinds = {
        TEXT: _("文本"),
        INTEGER: _("整数"),
        DECIMAL: _("数字（两位小数）"),
        RATIO: _("0 到 1 之间的小数，如 0.3 或 30%"),
        DATE: _("日期，如 2026-03-31"),
    }
    help_rows = [
        [c.header, _("必填") if c.required else "", kinds[c.type], c.max_length] for c in columns
    ]
    notes = [_("每行一条记录；不接受公式。")]
    if kind == ImportKind.ORDERS:
        notes.append(_("每行一个订单行；客户编号和客户订单号相同的行是同一张订单（草稿）。"))
    help_rows += [[note, "", "", ""] for note in notes]
    return workbook(
        [
            Sheet(str(ImportKind(kind).label), headers, rows, freeze="A2"),
            Sheet(
                _("说明"),
                [_("列"), _("必填"), _("格式"), _("最长字符")],
                help_rows,
                freeze=None,
            ),
        ]
    )


# --------------------------------------------------------------------------
# Reading the sheet
# --------------------------------------------------------------------------


@dataclass
class Problem:
    """One error: the sheet's row number, the column (letter and header), the message."""

    row: int
    column: str
    header: str
    message: str

    def as_list(self) -> list:
        return [self.row, self.column, self.header, self.message]


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Table:
    kind: str
    rows: list[Row]
    letters: dict[str, str]  # column key -> letter
    problems: list[Problem]  # of the sheet as a whole (a missing column, …)

    def problem(self, row: Row, key: str, message: str) -> None:
        header = next(str(c.header) for c in COLUMNS[self.kind] if c.key == key)
        row.problems.append(Problem(row.number, self.letters.get(key, ""), header, message))


class _CellError(ValueError):
    pass


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read(file, kind: str) -> Table:
    """The first sheet of ``file`` as typed rows of ``kind``, every cell error noted."""
    from openpyxl import load_workbook

    columns = COLUMNS[kind]
    try:
        file.seek(0)
        book = load_workbook(file, read_only=True, data_only=False)
    except Exception as exc:  # a broken package: openpyxl raises many kinds
        message = _("无法读取此 Excel 文件：%(e)s") % {"e": type(exc).__name__}
        return Table(kind, [], {}, [Problem(0, "", "", message)])
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows()
        header = next(cells, ())
        by_name = {name: c for c in columns for name in c.names()}
        positions: dict[int, Column] = {}
        problems: list[Problem] = []
        for index, cell in enumerate(header):
            if cell.value is None or str(cell.value).strip() == "":
                continue
            column = by_name.get(_norm(str(cell.value)))
            if column is None:
                problems.append(
                    Problem(1, _letter(index), str(cell.value), _("不认识的列（请用模板的列名）。"))
                )
            else:
                positions[index] = column
        letters = {c.key: _letter(i) for i, c in positions.items()}
        for column in columns:
            if column.required and column.key not in letters:
                problems.append(Problem(1, "", str(column.header), _("缺少必填的列。")))
        table = Table(kind, [], letters, problems)
        for number, row_cells in enumerate(cells, start=2):
            if number - 1 > MAX_ROWS:
                message = _("行数超过上限 %(n)s。") % {"n": MAX_ROWS}
                table.problems.append(Problem(number, "", "", message))
                break
            if all(c.value is None or str(c.value).strip() == "" for c in row_cells):
                continue
            table.rows.append(_read_row(table, number, row_cells, positions))
        return table
    finally:
        book.close()


def _read_row(table: Table, number: int, cells: Sequence, positions: dict[int, Column]) -> Row:
    row = Row(number, {})
    for index, column in positions.items():
        cell = cells[index] if index < len(cells) else None
        value = getattr(cell, "value", None)
        if cell is not None and getattr(cell, "data_type", None) == "f":
            table.problem(
                row, column.key, _("单元格含公式（%(f)s），请填写数值。") % {"f": str(value)[:40]}
            )
            continue
        try:
            row.values[column.key] = _typed(column, value)
        except _CellError as exc:
            table.problem(row, column.key, str(exc))
    noted = {p.header for p in row.problems}
    for column in positions.values():
        missing = row.values.get(column.key) in (None, "")
        if column.required and missing and str(column.header) not in noted:
            table.problem(row, column.key, _("必填。"))
    return row


def _typed(column: Column, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if bounds.unstorable_fields(value):
            raise _CellError(str(bounds.UNSTORABLE_TEXT))
    if value is None or value == "":
        return None if column.type != TEXT else ""
    return _PARSERS[column.type](column, value)


def _text(column: Column, value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = str(value)
    if len(text) > column.max_length:
        raise _CellError(_("最多 %(n)s 个字符。") % {"n": column.max_length})
    return text


def _decimal(column: Column, value: Any) -> Decimal:
    if isinstance(value, bool | dt.date):
        raise _CellError(_("应为数字。"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(str(value).replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise _CellError(_("应为数字，不是文本“%(v)s”。") % {"v": str(value)[:40]}) from None
    if not number.is_finite():
        raise _CellError(_("应为数字。"))
    if number < 0:
        raise _CellError(_("不能为负数。"))
    return number


def _integer(column: Column, value: Any) -> int:
    number = _decimal(column, value)
    if number != number.to_integral_value():
        raise _CellError(_("应为整数。"))
    if column.key == "quantity" and number <= 0:
        raise _CellError(_("数量须大于 0。"))
    return int(number)


def _ratio(column: Column, value: Any) -> Decimal:
    text = str(value).strip()
    percent = text.endswith("%")
    number = _decimal(column, text.rstrip("%") if percent else value)
    if percent:
        number = number / 100
    if number > 1:
        raise _CellError(_("应在 0 到 1 之间（如 0.3 或 30%）。"))
    return number.quantize(Decimal("0.0001"))


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def _date(column: Column, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif not isinstance(value, dt.date):
        if not isinstance(value, str):
            raise _CellError(_("不是有效的日期（应为 2026-03-31 这样的日期）。"))
        for pattern in DATE_FORMATS:
            try:
                value = dt.datetime.strptime(value, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise _CellError(
                _("“%(v)s”不是有效的日期（应为 2026-03-31 这样的日期）。") % {"v": value[:40]}
            )
    errors: dict[str, list] = {}
    if bounds.check_date(errors, column.key, value) is None:
        raise _CellError(errors[column.key][0])
    return value


_PARSERS: dict[str, Callable[[Column, Any], Any]] = {
    TEXT: _text,
    INTEGER: _integer,
    DECIMAL: _decimal,
    RATIO: _ratio,
    DATE: _date,
}


# --------------------------------------------------------------------------
# Running: each record through its service, in one transaction
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run found: per row (number, action, text), every error, what it created."""

    rows: list[list] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, list[int]] = field(default_factory=dict)

    def as_result(self) -> dict[str, Any]:
        self.rows.sort(key=lambda r: r[0])
        self.problems.sort(key=lambda p: (p.row, p.column))
        return {
            "rows": self.rows,
            "errors": [p.as_list() for p in self.problems],
            "created": self.created,
        }


class _Rollback(Exception):
    pass


Progress = Callable[[int, int], None]


def run(table: Table, actor: User, *, commit: bool, progress: Progress | None = None) -> Outcome:
    """Hand every record of ``table`` to its service in one transaction; roll it back
    when ``commit`` is False (the dry run) or when any row has an error."""
    outcome = Outcome(problems=list(table.problems))
    records = RECORDS[table.kind](table)
    try:
        with transaction.atomic():
            for done, record in enumerate(records, start=1):
                record.apply(table, actor, outcome)
                if progress is not None and (done % 25 == 0 or done == len(records)):
                    progress(done, len(records))
            if outcome.problems or not commit:
                raise _Rollback
    except _Rollback:
        outcome.created = {}
    return outcome


def _service_call(
    record: Record, table: Table, outcome: Outcome, call: Callable[[], Any]
) -> Any | None:
    """``call()`` (a service: atomic, so a refusal rolls back its savepoint alone); a
    refusal is noted on the record's rows, the rest of the run goes on (to find every
    error)."""
    try:
        return call()
    except DomainError as exc:
        record.refused(table, exc)
        return None


@dataclass
class Record:
    """One record of the sheet (a customer, a product, an order) and its rows."""

    key: str
    rows: list[Row]

    @property
    def first(self) -> Row:
        return self.rows[0]

    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    def apply(self, table: Table, actor: User, outcome: Outcome) -> None:
        raise NotImplementedError

    def refused(self, table: Table, exc: DomainError) -> None:
        """A service's refusal on the record's rows: each field error at its cell."""
        keys = {c.key for c in COLUMNS[table.kind]}
        for name, messages in (exc.fields or {"": [exc.message]}).items():
            row, key = self.place(name)
            if key not in keys:
                key = next(iter(table.letters), "")
            for message in messages:
                if key:
                    table.problem(row, key, str(message))
                else:
                    row.problems.append(Problem(row.number, "", "", str(message)))

    def place(self, name: str) -> tuple[Row, str]:
        return self.first, name

    def finish(self, outcome: Outcome, action: str, text: str) -> None:
        problems = self.problems()
        outcome.problems += problems
        failed = {p.row for p in problems}
        for row in self.rows:
            outcome.rows.append([row.number, ERROR if row.number in failed else action, text])


def _by_key(table: Table, key: str, record_class: type[Record]) -> list[Record]:
    records: dict[str, Record] = {}
    for row in table.rows:
        value = str(row.values.get(key) or "")
        if value in records and value:
            first = records[value].first.number
            table.problem(row, key, _("与第 %(n)s 行重复。") % {"n": first})
            records[f"#{row.number}"] = record_class(f"#{row.number}", [row])
        else:
            records[value or f"#{row.number}"] = record_class(value, [row])
    return list(records.values())


class _Reference(Record):
    """A customer or a product: created, or changed when its code exists."""

    model: type
    code_field: str
    fields: tuple[str, ...]
    create: Callable[..., Any]
    update: Callable[..., Any]
    id_keyword: str

    def apply(self, table: Table, actor: User, outcome: Outcome) -> None:
        values = {
            k: v for k, v in self.first.values.items() if k in self.fields and v not in (None, "")
        }
        existing = self.model.objects.filter(**{self.code_field: self.key}).first()
        text = f"{self.key} {values.get('name', '')}"
        if self.problems():
            return self.finish(outcome, ERROR, text)
        if existing is None:
            created = _service_call(
                self, table, outcome, lambda: type(self).create(actor=actor, **values)
            )
            if created is not None:
                outcome.created.setdefault(table.kind, []).append(created.pk)
            return self.finish(outcome, CREATE, text)
        changed = {k: v for k, v in values.items() if _differs(getattr(existing, k), v)}
        if not changed:
            return self.finish(outcome, UNCHANGED, text)
        _service_call(
            self,
            table,
            outcome,
            lambda: type(self).update(actor=actor, **{self.id_keyword: existing.pk}, **changed),
        )
        names = "、".join(str(existing._meta.get_field(k).verbose_name) for k in changed)
        return self.finish(outcome, CHANGE, f"{text}：{names}")


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and new is not None:
        return old != Decimal(new)
    return old != new


class CustomerRecord(_Reference):
    model = Customer
    code_field = "code"
    fields = CUSTOMER_FIELDS
    create = customer_create
    update = customer_update
    id_keyword = "customer_id"


class ProductRecord(_Reference):
    model = Product
    code_field = "item_number"
    fields = PRODUCT_FIELDS
    create = product_create
    update = product_update
    id_keyword = "product_id"


@dataclass
class OrderRecord(Record):
    """The rows of one order: same customer code and customer PO."""

    customer: Customer | None = None
    products: dict[str, Product] = field(default_factory=dict)
    owner_id: int | None = None

    def place(self, name: str) -> tuple[Row, str]:
        # "lines[2].quantity" → the third row, column quantity.
        if name.startswith("lines[") and "]" in name:
            index = int(name[6 : name.index("]")])
            row = self.rows[index] if index < len(self.rows) else self.first
            return row, name.rsplit(".", 1)[-1] if "." in name else "quantity"
        return self.first, {"lines": "quantity"}.get(name, name)

    def apply(self, table: Table, actor: User, outcome: Outcome) -> None:
        header = self.first.values
        text = _("订单 %(po)s（客户 %(c)s，%(n)s 行）") % {
            "po": header.get("customer_po", ""),
            "c": header.get("customer", ""),
            "n": len(self.rows),
        }
        if self.problems():
            return self.finish(outcome, ERROR, text)
        lines = [
            {
                "product": self.products[row.values["product"]].pk
                if row.values.get("product")
                else None,
                **{
                    k: row.values.get(k) or ""
                    for k in ("description", "series", "colour", "spec", "size", "unit")
                },
                "quantity": row.values["quantity"],
                "unit_price": row.values["unit_price"],
            }
            for row in self.rows
        ]
        kwargs = {
            k: header[k]
            for k in (
                "order_date",
                "planned_ship_date",
                "currency",
                "deposit_ratio",
                "quality_requirements",
                "packing_requirements",
            )
            if header.get(k) not in (None, "")
        }
        order = _service_call(
            self,
            table,
            outcome,
            lambda: order_create(
                actor=actor,
                customer_id=self.customer.pk,
                owner_id=self.owner_id,
                customer_po=header["customer_po"],
                contract_delivery_date=header["contract_delivery_date"],
                lines=lines,
                **kwargs,
            ),
        )
        if order is not None:
            outcome.created.setdefault(table.kind, []).append(order.pk)
        return self.finish(outcome, CREATE, text)


def _order_records(table: Table) -> list[Record]:
    groups: dict[tuple[str, str], OrderRecord] = {}
    for row in table.rows:
        key = (str(row.values.get("customer") or ""), str(row.values.get("customer_po") or ""))
        if not all(key):
            groups[(f"#{row.number}", "")] = OrderRecord(f"#{row.number}", [row])
            continue
        if key in groups:
            record = groups[key]
            _same_header(table, record.first, row)
            record.rows.append(row)
        else:
            groups[key] = OrderRecord("/".join(key), [row])
    records = list(groups.values())
    _resolve_orders(table, records)
    return records


def _same_header(table: Table, first: Row, row: Row) -> None:
    """The order's columns of a later row: empty, or the same as on the order's first."""
    for key in ORDER_HEADER_KEYS:
        value = row.values.get(key)
        if value in (None, "") or value == first.values.get(key):
            continue
        if first.values.get(key) in (None, ""):
            first.values[key] = value
            continue
        table.problem(row, key, _("与同一订单第 %(n)s 行不一致。") % {"n": first.number})


def _resolve_orders(table: Table, records: Iterable[OrderRecord]) -> None:
    """Customers, products, owners and existing customer POs: one query each."""
    records = list(records)
    rows = [row for record in records for row in record.rows]
    codes = {str(r.values.get("customer") or "") for r in rows} - {""}
    customers = {c.code: c for c in Customer.objects.filter(code__in=codes)}
    numbers = {str(r.values.get("product") or "") for r in rows} - {""}
    products = {p.item_number: p for p in Product.objects.filter(item_number__in=numbers)}
    usernames = {str(r.values.get("owner") or "") for r in rows} - {""}
    owners = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    existing = {
        (customer_id, po): number
        for customer_id, po, number in Order.objects.filter(
            customer__in=customers.values(),
            customer_po__in={str(r.values.get("customer_po") or "") for r in rows},
        )
        .exclude(status=OrderStatus.CANCELLED)
        .values_list("customer_id", "customer_po", "number")
    }
    for record in records:
        first = record.first
        code = str(first.values.get("customer") or "")
        record.customer = customers.get(code)
        if code and record.customer is None:
            table.problem(first, "customer", _("客户 %(c)s 不存在。") % {"c": code})
        if record.customer is not None:
            number = existing.get((record.customer.pk, first.values.get("customer_po")))
            if number:
                table.problem(
                    first,
                    "customer_po",
                    _("客户订单号 %(po)s 已有订单 %(n)s。")
                    % {"po": first.values.get("customer_po"), "n": number},
                )
        username = str(first.values.get("owner") or "")
        record.owner_id = owners.get(username)
        if username and record.owner_id is None:
            table.problem(first, "owner", _("用户 %(u)s 不存在。") % {"u": username})
        for row in record.rows:
            number = str(row.values.get("product") or "")
            if number and number not in products:
                table.problem(row, "product", _("货号 %(p)s 不存在。") % {"p": number})
            elif number and not products[number].is_active:
                table.problem(row, "product", _("产品 %(p)s 已停用。") % {"p": number})
            elif not number and not row.values.get("description") and "product" in table.letters:
                table.problem(row, "product", _("请填写货号或描述。"))
        record.products = products


RECORDS: dict[str, Callable[[Table], list[Record]]] = {
    ImportKind.ORDERS: _order_records,
    ImportKind.CUSTOMERS: lambda table: _by_key(table, "code", CustomerRecord),
    ImportKind.PRODUCTS: lambda table: _by_key(table, "item_number", ProductRecord),
}
