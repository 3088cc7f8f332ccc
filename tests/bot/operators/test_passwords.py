"""scrypt hashes: salted, verifiable, malformed input refused."""

from __future__ import annotations

import pytest

from bot.operators.passwords import WeakPassword, hash_password, verify_password


def test_hash_is_salted_and_verifies() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterx", first)


@pytest.mark.parametrize("stored", ["", "scrypt$1$2", "md5$x$y$z$a$b", "scrypt$a$b$c$d$e"])
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not verify_password("anything at all", stored)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(WeakPassword):
        hash_password("short")
