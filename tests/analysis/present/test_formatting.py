"""People read these strings: pin the exact formats."""

import pandas as pd

from analysis.present import formatting


def test_scores_use_one_decimal_and_a_true_minus_sign():
    assert formatting.score(-4.149) == "−4.1"
    assert formatting.score(2, signed=True) == "+2.0"


def test_percent_money_and_p_values():
    assert formatting.percent(0.364) == "36%"
    assert formatting.percent(-0.039, 1, signed=True) == "−3.9%"
    assert formatting.money(1_125_000) == "$1,125,000"
    assert formatting.money(-2500.4) == "−$2,500"
    assert formatting.p_value(0.0004) == "p < 0.001"
    assert formatting.p_value(0.0456) == "p = 0.046"


def test_missing_values_never_print_as_nan():
    for value in (None, pd.NA, float("nan")):
        assert formatting.score(value) == "–"
        assert formatting.percent(value) == "–"
        assert formatting.money(value) == "–"
        assert formatting.interval(value, 1.0) == "–"
