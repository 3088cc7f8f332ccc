"""``python -m bot rollout show | set | allow | disallow`` (changes audited as ``cli:<user>``).

Exit codes: 0 done (or nothing to change); 2 bad input, nothing changed; 1 the database
could not be read or written (e.g. not migrated: ``python -m bot migrate``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.rollout import changes, config, refusals
from bot.rollout.channels import ROLLOUT_CHANNELS
from bot.services.errors import DomainError
from bot.settings import Settings

YES = {"yes", "y", "true", "on", "1"}
NO = {"no", "n", "false", "off", "0"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``rollout`` subcommands, added under ``python -m bot rollout``."""
    sub = parser.add_subparsers(dest="rollout_command", metavar="action")
    parser.set_defaults(rollout_command="show")  # plain `python -m bot rollout` shows
    sub.add_parser("show", help="channels, allow-list size, recent changes and refusals")
    change = sub.add_parser("set", help="enable/disable a channel or set its percentage")
    change.add_argument("--channel", required=True, help=f"one of {', '.join(ROLLOUT_CHANNELS)}")
    change.add_argument("--percentage", default=None, help="0-100, at most two decimals")
    change.add_argument("--enabled", default=None, help="yes or no")
    for name, text in (("allow", "put a customer on the allow-list (pilot)"),
                       ("disallow", "take a customer off the allow-list")):
        command = sub.add_parser(name, help=text)
        command.add_argument("account_number", help="e.g. AC10000002")


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "cli:unknown"


@contextmanager
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        db = make_session_factory(engine)()
        try:
            yield db
        finally:
            db.close()
    finally:
        engine.dispose()


def _yes_no(raw: Optional[str]) -> Optional[bool]:
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise DomainError(422, "invalid_enabled", f"--enabled takes yes or no, not {raw[:20]!r}.")


def show(db: Session, settings: Settings, now: datetime) -> None:
    from sqlalchemy import func, select

    from bot.db.models import Customer

    print("channel          enabled  percentage")
    for c in config.all_channels(db, settings):
        note = "  (default)" if c.default else ""
        print(f"{c.channel:<16} {'yes' if c.enabled else 'no':<8} {c.percentage:>9}%{note}")
    allowed = db.execute(select(func.count()).where(Customer.pilot.is_(True))).scalar()
    print(f"allow-list (pilot customers): {allowed}")
    rows = changes.recent_changes(db, limit=10)
    if rows:
        print("latest changes:")
        for r in rows:
            print(f"  {r.created_at:%Y-%m-%d %H:%M:%S} {r.actor} {r.action} {r.target}: "
                  f"{r.before} -> {r.after}")
    today = now.date()
    counted = refusals.counts(db, start=today - timedelta(days=6), end=today + timedelta(days=1))
    if counted:
        print("refusals, last 7 days:")
        for day, channel, reason, n in counted:
            print(f"  {day} {channel} {reason}: {n}")


def run(settings: Settings, args: argparse.Namespace, now: Optional[datetime] = None) -> int:
    now = now or datetime.now(timezone.utc)
    with session(settings) as db:
        try:
            if args.rollout_command == "show":
                show(db, settings, now)
                return 0
            if args.rollout_command == "set":
                enabled = _yes_no(args.enabled)
                if enabled is None and args.percentage is None:
                    raise DomainError(422, "nothing_to_change",
                                      "Give --percentage and/or --enabled.")
                after = changes.set_channel(
                    db, settings, channel=args.channel, actor=actor(), now=now,
                    enabled=enabled, percentage=args.percentage,
                )
                db.commit()
                print(f"{after.channel}: enabled={'yes' if after.enabled else 'no'}, "
                      f"percentage={after.percentage}%")
                return 0
            allowed = args.rollout_command == "allow"
            changed = changes.set_allowed(
                db, account_number=args.account_number, allowed=allowed, actor=actor(), now=now
            )
            db.commit()
            where = "on" if allowed else "off"
            print(f"{args.account_number.upper()} is {where} the allow-list"
                  + ("" if changed else " (it already was; nothing changed)"))
            return 0
        except DomainError as error:
            db.rollback()
            print(f"error: {error.message}", file=sys.stderr)
            return 2
        except SQLAlchemyError as error:
            db.rollback()
            print(f"error: the backend database failed ({type(error).__name__}); is it "
                  "migrated? (python -m bot migrate)", file=sys.stderr)
            return 1
