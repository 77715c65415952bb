"""People read these strings: pin the exact formats."""

import re
from pathlib import Path

import pandas as pd

from analysis.present import formatting


def test_scores_use_one_decimal_and_a_true_minus_sign():
    assert formatting.score(-4.149) == "−4.1"
    assert formatting.score(2, signed=True) == "+2.0"


def test_percent_money_and_p_values():
    assert formatting.percent(0.364) == "36 %"
    assert formatting.percentage(-1789.4) == "−1,789 %"
    assert formatting.percent(-0.039, 1, signed=True) == "−3.9 %"
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


def test_percentages_share_one_style_and_axes_say_it_too():
    assert formatting.percentage(566.4) == "566 %"
    assert formatting.percentage(None) == "–"
    values, labels = formatting.percent_ticks(0.0, 0.3, 0.1)
    assert values == [0.0, 0.1, 0.2, 0.3]
    assert labels == ["0 %", "10 %", "20 %", "30 %"]


# "36%" written by an f-string ("{x:.0%}", "{x}%") or a plotly format (".0%") instead
# of the one style ("36 %", formatting.percent / percentage / percent_ticks).
UNSPACED_PERCENT = re.compile(r"\}%(?![{%])|:\.\d%")


def test_no_module_writes_a_percentage_in_another_style():
    root = Path(__file__).resolve().parents[3]
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("analysis", "dashboard")
        for path in sorted((root / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSPACED_PERCENT.search(line)
    ]
    assert not offenders, "\n".join(offenders)
