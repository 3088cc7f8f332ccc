"""Password hashing with scrypt (hashlib, OpenSSL) and a random per-user salt.

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so the cost can be raised
later without invalidating old hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1  # 16 MiB of memory per hash
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 256


class WeakPassword(ValueError):
    pass


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024
    )


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    salt = secrets.token_bytes(SALT_BYTES)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for anything malformed."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt" or len(password) > MAX_LENGTH:
            return False
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(actual, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


# Verified against when the username does not exist, so both cases take as long.
_DUMMY = hash_password("not-a-real-password-" + secrets.token_hex(8))


def burn_time(password: str) -> None:
    verify_password(password, _DUMMY)
