"""Query-parameter parsing for the charts page, and the metrics cache."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot.dashboard.cache import TtlCache
from bot.dashboard.filters import DEFAULT_DAYS, parse

LATEST = date(2025, 3, 31)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_defaults_to_the_days_up_to_the_newest_event() -> None:
    q = parse(None, None, None, LATEST)
    assert (q.first, q.last, q.channel, q.errors) == (
        LATEST - timedelta(days=DEFAULT_DAYS - 1), LATEST, None, [])


def test_a_valid_range_and_channel_become_filters() -> None:
    q = parse("2025-01-01", "2025-01-31", "twilio_sms", LATEST)
    assert q.errors == []
    f = q.filters
    assert f.channel == "twilio_sms"
    assert f.end - f.start == 31 * 86400


def test_errors_fall_back_to_the_default_range_and_say_why() -> None:
    q = parse("2025-13-01", "yesterday", "pigeon", LATEST)
    assert (q.first, q.last) == (LATEST - timedelta(days=DEFAULT_DAYS - 1), LATEST)
    assert len(q.errors) == 3
    assert q.channel is None


def test_only_an_end_date_gives_the_default_length_before_it() -> None:
    q = parse(None, "2025-02-28", "", LATEST)
    assert (q.first, q.last, q.channel) == (
        date(2025, 2, 28) - timedelta(days=DEFAULT_DAYS - 1), date(2025, 2, 28), None)


def test_cache_reuses_within_the_ttl_and_recomputes_after() -> None:
    cache: TtlCache[int] = TtlCache(timedelta(seconds=60), size=2)
    calls: list[str] = []

    def compute(key: str) -> int:
        calls.append(key)
        return len(calls)

    assert cache.get_or_compute("a", NOW, lambda: compute("a")) == 1
    assert cache.get_or_compute("a", NOW + timedelta(seconds=59), lambda: compute("a")) == 1
    assert cache.get_or_compute("a", NOW + timedelta(seconds=61), lambda: compute("a")) == 2
    cache.get_or_compute("b", NOW, lambda: compute("b"))
    cache.get_or_compute("c", NOW, lambda: compute("c"))  # evicts the oldest ("a")
    cache.get_or_compute("a", NOW + timedelta(seconds=62), lambda: compute("a"))
    assert calls == ["a", "a", "b", "c", "a"]
