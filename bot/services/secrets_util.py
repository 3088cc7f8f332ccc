"""Keyed hashes, constant-time comparison, random identifiers and codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def keyed_hash(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def derive_token(secret: str, secret_id: str) -> str:
    """A bearer token derived from a stored random id; unusable without the server secret."""
    digest = hmac.new(secret.encode(), f"session:{secret_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def random_id(prefix: str, nbytes: int = 16) -> str:
    return f"{prefix}{secrets.token_urlsafe(nbytes)}"


def six_digit_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
