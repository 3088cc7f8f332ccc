""".env.example documents every action-server setting, the backend ones with their defaults.

README: ".env.example documents every variable". A renamed or new setting in
actions/settings.py without its line there, or a default changed on one side only
(the timeout and cool-down lines said 3 s and 5 s after the defaults became 2.5 s and
2 s), fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from actions.settings import ActionSettings
from channels.status import ENV as CHANNEL_ENV

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def documented() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(TCN_[A-Z0-9_]+)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2).split(" #", 1)[0].strip()
    return values


def test_every_action_setting_has_a_line() -> None:
    names = {f"TCN_{field.upper()}" for field in ActionSettings.__fields__}
    assert names - documented().keys() == set()


def test_every_variable_credentials_yml_reads_has_a_line() -> None:
    assert set(CHANNEL_ENV.values()) - documented().keys() == set()


def test_the_backend_lines_show_the_defaults() -> None:
    lines = documented()
    backend_fields = [f for f in ActionSettings.__fields__ if f.startswith("backend_")]
    assert "backend_turn_budget_seconds" in backend_fields
    for field in backend_fields:
        shown = lines[f"TCN_{field.upper()}"]
        default = ActionSettings.__fields__[field].default  # not the environment's value
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            assert float(shown) == float(default), field
        else:
            assert shown == str(default), field
