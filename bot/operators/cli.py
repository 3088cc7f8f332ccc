"""``python -m bot operator add --username u --role agent``: create or update an operator.

The password never comes from an argument (it would sit in the shell history and the
process list): it is read from ``TCN_OPERATOR_PASSWORD`` when set, else prompted for
twice without echo.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Optional

from bot.db.engine import make_engine, make_session_factory
from bot.operators import ROLES
from bot.operators.accounts import create_or_update
from bot.settings import Settings

Prompt = Callable[[str], str]


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("action", choices=["add"], help="add (or update) an operator")
    command.add_argument("--username", required=True)
    command.add_argument("--role", required=True, choices=ROLES)


def _password(settings: Settings, prompt: Prompt) -> Optional[str]:
    given = settings.operator_password.get_secret_value() if settings.operator_password else ""
    if given:
        return given
    try:
        first = prompt("Password for the operator: ")
        again = prompt("Repeat the password: ")
    except (EOFError, KeyboardInterrupt):
        print("\nerror: no password given (set TCN_OPERATOR_PASSWORD when there is no "
              "terminal)", file=sys.stderr)
        return None
    if first != again:
        print("error: the passwords differ", file=sys.stderr)
        return None
    return first


def main(settings: Settings, args: argparse.Namespace, prompt: Prompt = getpass.getpass) -> int:
    password = _password(settings, prompt)
    if password is None:
        return 2
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            try:
                operator, created = create_or_update(
                    db, username=args.username, role=args.role, password=password,
                    now=datetime.now(timezone.utc),
                )
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            db.commit()
            print(f"==> operator {operator.username} ({operator.role}) "
                  f"{'created' if created else 'updated'}")
    finally:
        engine.dispose()
    return 0
