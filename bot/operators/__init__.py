"""Operator accounts for the dashboard: password hashing, sessions, roles, lockout.

Roles: ``analyst`` (charts) and ``agent`` (charts and the handoff queue). The FastAPI
dependency for pages is :func:`bot.operators.auth.require_operator`.
"""

ROLES = ("analyst", "agent")
