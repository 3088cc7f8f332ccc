"""Start-up check of the action server: outside demo mode, no placeholder secrets.

rasa-sdk imports the ``actions`` package before it registers any action, so the
package runs :func:`refuse_bad_secrets` on import: with a missing or placeholder
``TCN_SERVICE_KEY`` (and ``TCN_DEMO_MODE=false``) the process prints one clear line
and exits with status 2 before it listens.
"""

from __future__ import annotations

import logging
import sys

from actions.settings import get_settings

# httpx logs every request line at INFO; the identity-session URLs carry the
# conversation id, which for SMS and WhatsApp is the customer's phone number.
QUIET_LOGGERS = ("httpx", "httpcore")


def quiet_request_logs() -> None:
    """Keep request URLs (personal data in them) out of the default-level logs."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def refuse_bad_secrets() -> None:
    try:
        get_settings().check_secrets()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
