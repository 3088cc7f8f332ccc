"""Helpers shared by the messaging channels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.common.dedupe import SeenKeys
from channels.common.keywords import Keyword, classify
from channels.common.markup import plain_text, whatsapp_text
from channels.common.options import (
    InMemoryOptionsStore,
    Option,
    match_option,
    numbered_menu,
    options_from_buttons,
)
from channels.common.text import split_text

OPTIONS = [
    Option("Check my bill", "/check_bill"),
    Option("Pay my bill", "/pay_bill"),
    Option("Talk to an agent", "/human_handoff"),
]


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2000),
    st.integers(min_value=20, max_value=400),
)
def test_split_text_keeps_every_word_within_the_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert all(part == part.strip() for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    text = "First paragraph here.\n\nSecond one. It has two sentences."
    assert split_text(text, 200) == [text]
    assert split_text(text, 40) == ["First paragraph here.", "Second one. It has two sentences."]
    assert split_text("word " * 30, 50)[0] == ("word " * 10).strip()
    assert split_text("x" * 45, 20) == ["x" * 20, "x" * 20, "x" * 5]


def test_split_text_rejects_a_tiny_limit() -> None:
    with pytest.raises(ValueError):
        split_text("hello", 5)


def test_menu_shows_titles_only() -> None:
    menu = numbered_menu(OPTIONS)
    assert menu.splitlines()[:3] == ["1. Check my bill", "2. Pay my bill", "3. Talk to an agent"]
    assert "/" not in menu


def test_buttons_without_title_are_dropped_and_payload_defaults_to_title() -> None:
    buttons = [
        {"title": "", "payload": "/x"},
        {"title": "Yes"},
        {"title": "No", "payload": "/deny"},
    ]
    assert options_from_buttons(buttons) == [Option("Yes", "Yes"), Option("No", "/deny")]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("1", "/check_bill"),
        ("#2", "/pay_bill"),
        ("option 3", "/human_handoff"),
        ("2)", "/pay_bill"),
        ("pay my bill", "/pay_bill"),
        ("PAY MY BILL!!", "/pay_bill"),
        ("agent", "/human_handoff"),
        ("check", "/check_bill"),
        ("my bill", None),  # two options
        ("4", None),
        ("0", None),
        ("I would like to pay my bill please", None),
        ("", None),
        ("bill pay", None),
    ],
)
def test_match_option(reply: str, expected: str | None) -> None:
    chosen = match_option(reply, OPTIONS)
    assert (chosen.payload if chosen else None) == expected


def test_options_are_taken_once_and_expire() -> None:
    now = [0.0]
    store = InMemoryOptionsStore(ttl_seconds=60, clock=lambda: now[0])
    store.offer("a", OPTIONS)
    assert store.take("a") == OPTIONS
    assert store.take("a") == []
    store.offer("a", OPTIONS)
    now[0] = 61
    assert store.take("a") == []
    store.offer("b", OPTIONS)
    store.offer("b", [])
    assert store.take("b") == []


def test_seen_keys_first_time_only_and_forgets_after_ttl() -> None:
    now = [0.0]
    seen = SeenKeys(ttl_seconds=10, max_keys=3, clock=lambda: now[0])
    assert seen.first_time("a")
    assert not seen.first_time("a")
    now[0] = 11
    assert seen.first_time("a")
    for key in "bcd":
        assert seen.first_time(key)
    assert len(seen) == 3  # bounded: the oldest went first


@pytest.mark.parametrize(
    ("body", "opted_out", "expected"),
    [
        ("STOP", False, Keyword.STOP),
        (" stop ", False, Keyword.STOP),
        ("Unsubscribe", False, Keyword.STOP),
        ("help", False, Keyword.HELP),
        ("START", False, Keyword.START),
        ("yes", False, None),
        ("yes", True, Keyword.START),
        ("please stop calling me", False, None),
        ("I need help", False, None),
    ],
)
def test_keywords(body: str, opted_out: bool, expected: Keyword | None) -> None:
    assert classify(body, opted_out) == expected


def test_markup_per_medium() -> None:
    text = "Due **$42.50**: [pay now](https://pay.example/x)"
    assert plain_text(text) == "Due $42.50: pay now: https://pay.example/x"
    assert whatsapp_text(text) == "Due *$42.50*: pay now: https://pay.example/x"
    assert plain_text("[bad](javascript:alert(1))") == "[bad](javascript:alert(1))"


def test_typed_text_and_telegram_commands() -> None:
    from channels.common.commands import telegram_text, typed_text

    assert typed_text(" /greet ") == "greet"
    assert typed_text("//inform{}") == "inform{}"
    assert typed_text("1/2 of my bill") == "1/2 of my bill"
    assert telegram_text("/START") == "/greet"
    assert telegram_text("/starting") == "starting"
    assert telegram_text("hello /start") == "hello /start"


def test_split_text_keeps_list_lines() -> None:
    text = "I can help you with:\n" + "\n".join(f"- item number {n} of the list" for n in range(12))
    parts = split_text(text, 120)
    assert all(len(part) <= 120 for part in parts)
    assert parts[0].startswith("I can help you with:\n- item number 0 of the list\n- item")
    assert all(line.startswith("- ") for part in parts for line in part.splitlines()[1:])
    assert "\n".join(parts) == text
