"""The arithmetic of kpi-and-pay.md as pure functions: data in, Decimal out.

No database, no Django: every rule here can be checked against the spec by
reading it. Money is rounded half-up to 0.01 at each component, scores to 0.01.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gendan.money import CENT, ZERO

ONE = Decimal(1)
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
TEN_THOUSAND = Decimal(10000)
PERFORMANCE_MAX = Decimal(50)
TEAMWORK_MAX = Decimal(30)
ATTITUDE_MAX = Decimal(20)

METRICS = ("on_time", "completion", "complaints", "resolution")


def cents(value: Decimal | int) -> Decimal:
    """Round half-up to 0.01 (money and scores alike)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------
# The assessment score (§1)
# --------------------------------------------------------------------------


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator, or None when there is nothing to measure."""
    if denominator <= 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def on_time_rate(on_time: int, shipped: int) -> Decimal | None:
    """Orders fully shipped in M on or before their contract date ÷ orders fully shipped in M."""
    return ratio(on_time, shipped)


def completion_rate(completed: int, due: int) -> Decimal | None:
    """Orders due in M and fully shipped by its end ÷ orders due in M."""
    return ratio(completed, due)


def complaints_rate(complaints: int, shipped: int) -> Decimal | None:
    """1 − min(1, complaints received in M ÷ orders fully shipped in M)."""
    share = ratio(complaints, shipped)
    return None if share is None else ONE - min(ONE, share)


def resolution_rate(in_time: int, total: int) -> Decimal | None:
    """Items resolved within their limit ÷ items resolved in M or open past their limit."""
    return ratio(in_time, total)


@dataclass(frozen=True)
class Performance:
    """The performance part: points per metric (None = no data) and their sum."""

    points: dict[str, Decimal | None]
    total: Decimal | None

    @property
    def has_data(self) -> bool:
        return self.total is not None


def performance(rates: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Performance:
    """Weighted sum of the rates, out of 50.

    A metric without data (rate None) is left out and the remaining weights are
    scaled up to 50; without any data the performance is None (entered by hand).
    Each metric's points and the total are rounded to 0.01 separately (the total
    from the exact sum, so it never passes 50: three scaled thirds of 16.666…
    are 16.67 each but 50.00 together).
    """
    measured = {name: rate for name, rate in rates.items() if rate is not None}
    weight_with_data = sum((Decimal(weights[name]) for name in measured), Decimal(0))
    if not measured or weight_with_data == 0:
        return Performance(points=dict.fromkeys(rates), total=None)
    scale = PERFORMANCE_MAX / weight_with_data
    exact = {name: rate * Decimal(weights[name]) * scale for name, rate in measured.items()}
    points: dict[str, Decimal | None] = {
        name: (cents(exact[name]) if name in exact else None) for name in rates
    }
    return Performance(points=points, total=cents(sum(exact.values(), Decimal(0))))


def total_score(
    performance_points: Decimal | None, teamwork: Decimal | None, attitude: Decimal | None
) -> Decimal | None:
    """Performance (50) + teamwork (30) + attitude (20), or None while a part is missing."""
    if performance_points is None or teamwork is None or attitude is None:
        return None
    return cents(performance_points + teamwork + attitude)


# --------------------------------------------------------------------------
# Pay components (§2)
# --------------------------------------------------------------------------


def commission(basis: Decimal, rate_permille: Decimal) -> Decimal:
    """rate ‰ × sales basis."""
    return cents(basis * rate_permille / THOUSAND)


def scaled_by_score(amount: Decimal, score: Decimal) -> Decimal:
    """commission × total score ÷ 100 (提成 × 绩效考核得分%)."""
    return cents(amount * score / HUNDRED)


def processing_fee_pay(processing_fees: Decimal, amount_per_10k: Decimal) -> Decimal:
    """amount per 10,000 × processing fees ÷ 10,000 (延时工资, 50 元/万元)."""
    return cents(processing_fees * amount_per_10k / TEN_THOUSAND)


def hourly(hours: Decimal, rate: Decimal) -> Decimal:
    """Overtime or missing hours × the rate per hour."""
    return cents(hours * rate)


def attendance_ratio(working_days: int, days_absent: Decimal) -> Decimal:
    """Share of the month's working days attended, between 0 and 1."""
    if working_days <= 0:
        return ONE
    share = (Decimal(working_days) - Decimal(days_absent)) / Decimal(working_days)
    return max(Decimal(0), min(ONE, share))


@dataclass(frozen=True)
class Award:
    amount: Decimal
    granted: bool
    reason: str  # "granted", "penalties", "loss"


def quality_award(
    amount: Decimal,
    *,
    penalties: Decimal,
    company_loss: Decimal,
    penalty_threshold: Decimal,
    loss_threshold: Decimal,
    attendance: Decimal = ONE,
) -> Award:
    """Granted when the month's penalties are below one threshold and the company
    loss the person caused below the other; pro-rated by attendance."""
    if penalties >= penalty_threshold:
        return Award(ZERO, False, "penalties")
    if company_loss >= loss_threshold:
        return Award(ZERO, False, "loss")
    return Award(cents(amount * attendance), True, "granted")


# --------------------------------------------------------------------------
# Penalty rules
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # inclusive; None = no upper bound
    percent: Decimal
    fixed_amount: Decimal = ZERO
    flag: str = ""


@dataclass(frozen=True)
class PenaltyResult:
    amount: Decimal
    flag: str = ""
    bracket: Bracket | None = None


class PenaltyInputError(ValueError):
    """The input does not fit the rule (missing loss, amount outside the range)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def bracket_for(loss: Decimal, brackets: Sequence[Bracket]) -> Bracket | None:
    """The first bracket (by upper bound, unbounded last) that the loss falls in."""
    ordered = sorted(brackets, key=lambda b: (b.up_to is None, b.up_to or ZERO))
    return next((b for b in ordered if b.up_to is None or loss <= b.up_to), None)


def percent_of_loss(loss: Decimal, brackets: Sequence[Bracket]) -> PenaltyResult:
    """loss × the bracket's percent + its fixed amount, with its flag."""
    bracket = bracket_for(loss, brackets)
    if bracket is None:
        return PenaltyResult(ZERO)
    amount = cents(loss * bracket.percent / HUNDRED) + cents(bracket.fixed_amount)
    return PenaltyResult(amount, bracket.flag, bracket)


def penalty_amount(
    kind: str,
    *,
    loss: Decimal | None = None,
    brackets: Sequence[Bracket] = (),
    fixed: Decimal = ZERO,
    minimum: Decimal = ZERO,
    maximum: Decimal = ZERO,
    chosen: Decimal | None = None,
) -> PenaltyResult:
    """The amount of one penalty under a rule of ``kind`` (percent_of_loss, fixed, range).

    Raises PenaltyInputError when the loss is missing, or the chosen amount of a
    range rule is missing or outside the range.
    """
    if kind == "percent_of_loss":
        if loss is None or loss <= 0:
            raise PenaltyInputError("loss_amount", "loss required")
        return percent_of_loss(loss, brackets)
    if kind == "fixed":
        return PenaltyResult(cents(fixed))
    if kind == "range":
        if chosen is None:
            raise PenaltyInputError("chosen_amount", "amount required")
        if not minimum <= chosen <= maximum:
            raise PenaltyInputError("chosen_amount", "amount outside the range")
        return PenaltyResult(cents(chosen))
    raise ValueError(f"unknown penalty rule kind {kind!r}")


# --------------------------------------------------------------------------
# The per-declaration bonus and its cancellation cascade
# --------------------------------------------------------------------------

MONTH_CANCEL_FAULTS = 2  # in one month: that month's bonus
QUARTER_CANCEL_FAULTS = 3  # in one month: the quarter's bonus
YEAR_CANCEL_FAULTS = 5  # in one quarter: the year's bonus
RESIGNATION_FAULTS = 8  # in one year: flag for HR (视自动离职处理), never automatic


@dataclass(frozen=True)
class DeclarationMonth:
    """One month of declarations: how many earn (no fault, not on probation) and the faults."""

    eligible: int = 0
    faults: int = 0


@dataclass
class DeclarationYear:
    months: dict[int, Decimal] = field(default_factory=dict)  # month -> accrued after cascade
    cancelled: dict[int, str] = field(default_factory=dict)  # month -> "month"|"quarter"|"year"
    quarters: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO
    faults: int = 0
    resignation_review: bool = False

    def quarter_of(self, month: int) -> Decimal:
        return self.quarters.get((month - 1) // 3 + 1, ZERO)


def declaration_bonus_year(
    months: Mapping[int, DeclarationMonth], amount: Decimal, *, through: int = 12
) -> DeclarationYear:
    """Accrued per-declaration bonus (报关提成) of months 1..``through`` of a year.

    A shipment with a fault earns nothing (``eligible`` already excludes it);
    2 faults in a month cancel that month; 3 or more in a month cancel its
    quarter; 5 or more in a quarter cancel the year; 8 or more in the year
    raise the resignation flag for HR review.
    """
    result = DeclarationYear()
    counted = {m: months.get(m, DeclarationMonth()) for m in range(1, through + 1)}
    quarter_faults: dict[int, int] = {}
    cancelled_quarters = set()
    for m, data in counted.items():
        q = (m - 1) // 3 + 1
        quarter_faults[q] = quarter_faults.get(q, 0) + data.faults
        if data.faults >= QUARTER_CANCEL_FAULTS:
            cancelled_quarters.add(q)
    year_cancelled = any(n >= YEAR_CANCEL_FAULTS for n in quarter_faults.values())
    for m, data in counted.items():
        q = (m - 1) // 3 + 1
        if year_cancelled:
            result.cancelled[m] = "year"
        elif q in cancelled_quarters:
            result.cancelled[m] = "quarter"
        elif data.faults >= MONTH_CANCEL_FAULTS:
            result.cancelled[m] = "month"
        accrued = ZERO if m in result.cancelled else cents(Decimal(data.eligible) * amount)
        result.months[m] = accrued
        result.quarters[q] = result.quarters.get(q, ZERO) + accrued
    result.total = sum(result.months.values(), ZERO)
    result.faults = sum(d.faults for d in counted.values())
    result.resignation_review = result.faults >= RESIGNATION_FAULTS
    return result


# --------------------------------------------------------------------------
# The month's pay
# --------------------------------------------------------------------------


def monthly_pay(additions: Iterable[Decimal], deductions: Iterable[Decimal]) -> Decimal:
    """position salary + commission + processing-fee pay + award + overtime
    − absence − penalties (accrued yearly bonuses are not part of it)."""
    return cents(sum(additions, ZERO) - sum(deductions, ZERO))
