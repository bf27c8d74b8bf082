"""kpi.scoring: the arithmetic of kpi-and-pay.md as pure functions."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi import scoring
from kpi.scoring import Bracket, DeclarationMonth

M = Decimal
WEIGHTS = {"on_time": M(20), "completion": M(10), "complaints": M(10), "resolution": M(10)}
QUALITY_ACCIDENT = [
    Bracket(M("3000.00"), M("5")),
    Bracket(M("10000.00"), M("10")),
    Bracket(None, M("0"), M("1000.00"), "year_end_bonus_cancelled"),
]


def test_performance_with_every_metric():
    rates = {
        "on_time": M("0.8"),
        "completion": M(1),
        "complaints": M("0.8"),
        "resolution": M("0.8"),
    }
    result = scoring.performance(rates, WEIGHTS)
    assert result.points == {
        "on_time": M("16.00"),
        "completion": M("10.00"),
        "complaints": M("8.00"),
        "resolution": M("8.00"),
    }
    assert result.total == M("42.00")


def test_metrics_without_data_are_left_out_and_the_rest_scaled_to_50():
    rates = {"on_time": M(1), "completion": None, "complaints": M(1), "resolution": None}
    result = scoring.performance(rates, WEIGHTS)
    assert result.points["completion"] is None and result.points["resolution"] is None
    assert result.points["on_time"] == M("33.33")  # 20 × 50/30
    assert result.points["complaints"] == M("16.67")
    assert result.total == M("50.00")


def test_no_metric_with_data_means_no_performance():
    result = scoring.performance(dict.fromkeys(WEIGHTS), WEIGHTS)
    assert result.total is None and not result.has_data


@given(
    rates=st.lists(
        st.one_of(st.none(), st.fractions(0, 1).map(lambda f: M(f.numerator) / M(f.denominator))),
        min_size=4,
        max_size=4,
    )
)
def test_performance_stays_between_0_and_50_and_its_parts_add_up_to_the_cent(rates):
    result = scoring.performance(dict(zip(WEIGHTS, rates, strict=True)), WEIGHTS)
    if result.total is not None:
        assert M(0) <= result.total <= M(50)
        parts = sum(p for p in result.points.values() if p is not None)
        assert abs(result.total - parts) <= M("0.02")  # one rounding per part


def test_three_full_metrics_scaled_up_are_50_not_50_01():
    rates = {"on_time": None, "completion": M(1), "complaints": M(1), "resolution": M(1)}
    result = scoring.performance(rates, WEIGHTS)
    assert set(result.points.values()) == {None, M("16.67")}
    assert result.total == M("50.00")


@pytest.mark.parametrize(
    ("complaints", "shipped", "rate"),
    [(0, 4, M(1)), (2, 4, M("0.5")), (4, 4, M(0)), (9, 4, M(0)), (1, 0, None)],
)
def test_complaints_rate_is_capped_at_zero(complaints, shipped, rate):
    assert scoring.complaints_rate(complaints, shipped) == rate


def test_total_score_needs_all_three_parts():
    assert scoring.total_score(M("42.00"), M("26"), M("18")) == M("86.00")
    assert scoring.total_score(None, M("26"), M("18")) is None
    assert scoring.total_score(M("42.00"), None, M("18")) is None


def test_commission_scaled_by_score_example_a():
    base = scoring.commission(M("1860000.00"), M("0.5"))
    assert base == M("930.00")
    assert scoring.scaled_by_score(base, M("86.00")) == M("799.80")


def test_rounding_is_half_up_at_each_component():
    assert scoring.commission(M("1001.00"), M("0.5")) == M("0.50")  # 0.5005
    assert scoring.commission(M("1010.00"), M("0.5")) == M("0.51")  # 0.505
    assert scoring.processing_fee_pay(M("1.00"), M("50")) == M("0.01")  # 0.005
    assert scoring.hourly(M("0.25"), M("2.02")) == M("0.51")  # 0.505


@pytest.mark.parametrize(
    ("loss", "amount", "flag"),
    [
        ("0.01", "0.00", ""),
        ("2400.00", "120.00", ""),
        ("3000.00", "150.00", ""),
        ("3000.01", "300.00", ""),
        ("10000.00", "1000.00", ""),
        ("10000.01", "1000.00", "year_end_bonus_cancelled"),
        ("250000.00", "1000.00", "year_end_bonus_cancelled"),
    ],
)
def test_percent_of_loss_brackets_example_c(loss, amount, flag):
    result = scoring.penalty_amount("percent_of_loss", loss=M(loss), brackets=QUALITY_ACCIDENT)
    assert (result.amount, result.flag) == (M(amount), flag)


def test_brackets_are_found_whatever_their_order():
    assert scoring.bracket_for(M("5000"), list(reversed(QUALITY_ACCIDENT))).percent == M(10)


def test_fixed_and_range_rules():
    assert scoring.penalty_amount("fixed", fixed=M("100")).amount == M("100.00")
    ranged = {"minimum": M("100"), "maximum": M("500")}
    assert scoring.penalty_amount("range", chosen=M("300"), **ranged).amount == M("300.00")
    assert scoring.penalty_amount("range", chosen=M("100"), **ranged).amount == M("100.00")
    for chosen in (None, M("99.99"), M("500.01")):
        with pytest.raises(scoring.PenaltyInputError):
            scoring.penalty_amount("range", chosen=chosen, **ranged)
    with pytest.raises(scoring.PenaltyInputError):
        scoring.penalty_amount("percent_of_loss", loss=None, brackets=QUALITY_ACCIDENT)


def test_quality_award_thresholds_are_strict_and_attendance_pro_rates():
    award = {"penalty_threshold": M(200), "loss_threshold": M(1000)}
    assert scoring.quality_award(M(250), penalties=M(220), company_loss=M(0), **award).amount == 0
    assert not scoring.quality_award(M(250), penalties=M(200), company_loss=M(0), **award).granted
    assert not scoring.quality_award(M(250), penalties=M(0), company_loss=M(1000), **award).granted
    granted = scoring.quality_award(M(250), penalties=M(100), company_loss=M(999.99), **award)
    assert (granted.amount, granted.granted) == (M("250.00"), True)
    ratio = scoring.attendance_ratio(22, M("2"))
    assert scoring.quality_award(
        M(250), penalties=M(0), company_loss=M(0), attendance=ratio, **award
    ).amount == M("227.27")  # 250 × 20/22
    assert scoring.attendance_ratio(22, M(30)) == 0
    assert scoring.attendance_ratio(0, M(1)) == 1


def test_example_b_pay():
    assert scoring.processing_fee_pay(M("236000.00"), M("50")) == M("1180.00")
    assert scoring.monthly_pay([M("700"), M("1180.00"), M("24.00")], [M("6.00"), M("220.00")]) == M(
        "1678.00"
    )


def test_declaration_bonus_example_d():
    months = {
        1: DeclarationMonth(eligible=13, faults=1),
        2: DeclarationMonth(eligible=8, faults=2),
        3: DeclarationMonth(eligible=9, faults=0),
    }
    year = scoring.declaration_bonus_year(months, M("30"), through=3)
    assert year.months == {1: M("390.00"), 2: M("0.00"), 3: M("270.00")}
    assert year.cancelled == {2: "month"}
    assert year.quarter_of(3) == M("660.00") == year.total

    months[3] = DeclarationMonth(eligible=6, faults=3)
    year = scoring.declaration_bonus_year(months, M("30"), through=3)
    assert year.quarter_of(1) == M("0.00")
    assert year.cancelled == {1: "year", 2: "year", 3: "year"}  # 6 faults in the quarter


def test_three_faults_in_a_month_cancel_only_that_quarter():
    months = {
        1: DeclarationMonth(eligible=10),
        3: DeclarationMonth(eligible=5, faults=3),
        4: DeclarationMonth(eligible=10, faults=1),
    }
    year = scoring.declaration_bonus_year(months, M("30"), through=4)
    assert year.cancelled == {1: "quarter", 2: "quarter", 3: "quarter"}
    assert year.months[4] == M("300.00") and year.total == M("300.00")


def test_five_faults_in_a_quarter_cancel_the_year_and_eight_raise_the_flag():
    spread = {m: DeclarationMonth(eligible=10, faults=1) for m in range(4, 9)}  # 4,5,6 | 7,8
    year = scoring.declaration_bonus_year(spread, M("30"), through=9)
    assert year.total == M("1500.00") and not year.resignation_review  # 3 + 2: no cancel
    spread[9] = DeclarationMonth(eligible=10, faults=1)  # Q3: 7, 8, 9 → 3 faults
    spread[10] = DeclarationMonth(faults=2)
    year = scoring.declaration_bonus_year(spread, M("30"), through=10)
    assert year.faults == 8 and year.resignation_review
    assert year.total == M("1800.00")  # quarters of 3 faults each: only October cancelled
