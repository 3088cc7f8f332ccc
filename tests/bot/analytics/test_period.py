from __future__ import annotations

from datetime import date

import pytest

from bot.analytics.experience import parse_rating, percentiles_from_histogram
from bot.analytics.period import Filters, Quarter


def test_quarter_parsing_and_neighbours() -> None:
    q = Quarter.parse("2025Q1")
    assert (q.start, q.end) == (date(2025, 1, 1), date(2025, 4, 1))
    assert q.previous() == Quarter(2024, 4)
    assert Quarter.parse("2024-q4").next() == q
    assert Quarter.parse("2025Q4").end == date(2026, 1, 1)
    assert Quarter.containing(date(2026, 11, 25)) == Quarter(2026, 4)
    assert Quarter.containing(date(2025, 3, 31)).label == "2025Q1"


@pytest.mark.parametrize("text", ["2025", "2025Q5", "Q1 2025", "", "1999Q1"])
def test_bad_quarters_are_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(text)


def test_filters_refuse_unknown_channel_cohort_and_empty_range() -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        Filters(0, 10, channel="fax")
    with pytest.raises(ValueError, match="unknown cohort"):
        Filters(0, 10, cohort="vip")
    with pytest.raises(ValueError, match="after its start"):
        Filters(10, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5", 5), ("4 stars", 4), ("five", 5), ("Two", 2), ("0", None), ("7", None), ("meh", None)],
)
def test_rating_answers(text: str, expected: int | None) -> None:
    assert parse_rating(text) == expected


def test_percentiles_from_histogram_use_nearest_rank() -> None:
    # 10 samples: buckets 0 (x4), 5 (x5), 20 (x1), bucket width 0.01 s
    histogram = [(20, 1), (0, 4), (5, 5)]
    p = percentiles_from_histogram(histogram, (40, 50, 90, 99), 0.01)
    assert p == {40: 0.01, 50: 0.06, 90: 0.06, 99: 0.21}
    assert percentiles_from_histogram([], (50,), 0.01) == {}
