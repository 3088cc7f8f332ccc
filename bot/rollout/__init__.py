"""Controlled rollout: which customers the assistant serves, per channel.

Modules (one job each): ``channels`` (names), ``models`` (tables), ``hashing`` (the
stable bucket), ``config`` (reading the configuration), ``decision`` (in or out),
``changes`` (audited operator changes), ``refusals`` (who is turned away),
``enforce`` (the check at identity verification), ``api`` / ``page`` (HTTP),
``cli`` (``python -m bot rollout``). See docs/rollout.md.
"""
