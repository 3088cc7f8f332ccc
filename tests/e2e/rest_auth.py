"""Bearer tokens for the REST channel (``channels/rest_input.py``), for tests that post to it.

With ``TCN_REST_JWT_SECRET`` set (required outside demo mode) every POST to
``/webhooks/rest/webhook`` needs ``Authorization: Bearer <JWT>`` whose ``sub`` is the
body's ``sender``. :func:`rest_headers` gives the header for a stack's environment (none
when the channel runs open, in demo mode without a secret), so a helper that posts can
always pass ``headers=rest_headers(stack.env, sender)``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import jwt

from channels.rest_config import SECRET_ENV, RestSettings


def rest_token(secret: str, sender: str, *, ttl_seconds: float = 300, **claims: object) -> str:
    """An HS256 token for ``sender``, valid ``ttl_seconds`` (negative: already expired)."""
    payload: dict[str, object] = {"sub": sender, "exp": int(time.time() + ttl_seconds)}
    payload.update(claims)
    return jwt.encode(payload, secret, algorithm="HS256")


def rest_secret(env: Mapping[str, str]) -> str:
    """The secret the Rasa process started with ``env`` reads (``env``, else ``.env``)."""
    if SECRET_ENV in env:
        return env[SECRET_ENV].strip()
    return RestSettings().rest_jwt_secret.get_secret_value().strip()


def rest_headers(env: Mapping[str, str], sender: str) -> dict[str, str]:
    """The ``Authorization`` header for ``sender``; empty when the channel is open."""
    secret = rest_secret(env)
    if not secret:
        return {}
    return {"Authorization": f"Bearer {rest_token(secret, sender)}"}
