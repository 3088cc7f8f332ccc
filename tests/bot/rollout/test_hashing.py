"""The stable bucket: deterministic, in range, monotonic in the percentage, ~uniform."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rollout.decision import (
    ALLOW_LIST,
    CHANNEL_DISABLED,
    NOT_SELECTED,
    PERCENTAGE,
    decide,
)
from bot.rollout.hashing import BUCKETS, bucket, in_percentage, threshold
from tests.fuzzing import examples

accounts = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"AC{n:08d}")
percentages = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 100)
salts = st.text(min_size=1, max_size=40)


@settings(deadline=None)  # a loaded shared machine: no per-example time limit
@given(accounts, salts)
def test_bucket_is_stable_and_in_range(account: str, salt: str) -> None:
    first = bucket(account, salt)
    assert 0 <= first < BUCKETS
    assert bucket(account, salt) == first
    assert bucket(account.lower(), salt) == first  # account numbers are case-blind


@settings(deadline=None)  # a loaded shared machine: no per-example time limit
@given(accounts, salts, percentages, percentages)
def test_raising_the_percentage_only_adds_customers(
    account: str, salt: str, a: Decimal, b: Decimal
) -> None:
    low, high = min(a, b), max(a, b)
    if in_percentage(account, salt, low):
        assert in_percentage(account, salt, high)


@settings(deadline=None)  # a loaded shared machine: no per-example time limit
@given(accounts, salts)
def test_zero_serves_nobody_and_hundred_everybody(account: str, salt: str) -> None:
    assert not in_percentage(account, salt, Decimal("0"))
    assert in_percentage(account, salt, Decimal("100"))


def test_threshold_keeps_two_decimals() -> None:
    assert threshold(Decimal("12.5")) == 1250
    assert threshold(Decimal("0.01")) == 1
    assert threshold(Decimal("99.99")) == 9999


def test_buckets_are_close_to_uniform() -> None:
    """200,000 account numbers in 10 deciles: each within 3% of 20,000 (chi-square too)."""
    counts = Counter(bucket(f"AC{10_000_000 + i:08d}", "salt") // 1000 for i in range(200_000))
    expected = 200_000 / 10
    assert all(abs(n - expected) < 0.03 * expected for n in counts.values()), counts
    chi_square = sum((n - expected) ** 2 / expected for n in counts.values())
    assert chi_square < 27.9, chi_square  # p = 0.001 with 9 degrees of freedom


def test_share_in_rollout_matches_the_percentage() -> None:
    served = sum(in_percentage(f"AC{20_000_000 + i:08d}", "s", Decimal("12.5"))
                 for i in range(100_000))
    assert 12_000 < served < 13_000, served


def test_another_salt_reshuffles() -> None:
    same = sum(bucket(f"AC{i:08d}", "one") == bucket(f"AC{i:08d}", "two") for i in range(2000))
    assert same < 20


@settings(max_examples=examples(200), deadline=None)
@given(st.booleans(), st.booleans(), accounts, percentages)
def test_decision_table(enabled: bool, allow_listed: bool, account: str, pct: Decimal) -> None:
    decision = decide(enabled=enabled, allow_listed=allow_listed, account_number=account,
                      percentage=pct, salt="s")
    selected = in_percentage(account, "s", pct)
    assert decision.served == (enabled and (allow_listed or selected))
    if not enabled:
        assert decision.reason == CHANNEL_DISABLED
    elif allow_listed:
        assert decision.reason == ALLOW_LIST
    else:
        assert decision.reason == (PERCENTAGE if selected else NOT_SELECTED)
