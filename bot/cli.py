"""The command line: ``python -m bot <command>``."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.settings import Settings, get_settings


def _setup(settings: Settings, args: argparse.Namespace) -> int:
    """Everything `make run` and `make test` need: database, demo data, models."""
    _migrate(settings, args)
    _seed_if_empty(settings)
    _demo_operators(settings)
    _demo_conversations_once(settings)
    from bot import training

    return training.train(settings)


DEMO_QUARTER = "2025Q1"


def _demo_operators(settings: Settings) -> None:
    """Demo mode: the documented demo operators for the dashboard (README, banner)."""
    if not settings.demo_mode:
        return
    from bot.operators.demo import ensure_demo_operators

    created = ensure_demo_operators(settings.database_url)
    if created:
        print(f"==> demo operators for /dashboard/: {', '.join(created)}", flush=True)


def _operator(settings: Settings, args: argparse.Namespace) -> int:
    from bot.operators.cli import main

    return main(settings, args)


def _demo_conversations_once(settings: Settings) -> None:
    """A demo quarter of conversation events, so the report has data on a fresh set-up."""
    stamp = settings.var_dir / f".demo-conversations-{DEMO_QUARTER}"
    if stamp.exists():
        return
    from bot.analytics.cli import demo_main

    print(f"==> demo conversations for {DEMO_QUARTER} (for the quarterly report)", flush=True)
    if demo_main(settings, DEMO_QUARTER, 6000) == 0:
        stamp.write_text("loaded\n")


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    print("==> migrating the backend database", flush=True)
    upgrade(settings.database_url)
    return 0


def _seed_if_empty(settings: Settings, customers: int | None = None) -> int:
    from bot.seed import seed

    def progress(done: int) -> None:
        print(f"    ... {done:,} customers written", flush=True)

    if customers is None:
        report = seed(settings.database_url, progress=progress)
    else:
        report = seed(settings.database_url, customers=customers, progress=progress)
    print(f"==> demo data: {report}", flush=True)
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    _migrate(settings, args)
    return _seed_if_empty(settings, args.customers)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.api.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.backend_host,
        port=settings.backend_port,
        log_level="info",
        access_log=False,
        ws="none",  # the backend speaks plain HTTP; Rasa pins a websockets too old for uvicorn
    )
    return 0


def _train(settings: Settings, args: argparse.Namespace) -> int:
    from bot import training

    return training.train(settings, force=args.force)


def _validate(settings: Settings, args: argparse.Namespace) -> int:
    from bot import training

    return training.validate(settings)


def _story_test(settings: Settings, args: argparse.Namespace) -> int:
    from bot import training

    return training.story_test(settings)


def _web_assets(settings: Settings, args: argparse.Namespace) -> int:
    from channels.webchat.assets import ensure_assets

    ensure_assets()
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.analytics.cli import report_main

    return report_main(settings, args.quarter, args.out)


def _demo_conversations(settings: Settings, args: argparse.Namespace) -> int:
    from bot.analytics.cli import demo_main

    return demo_main(settings, args.quarter, args.conversations)


def _quarter(value: str) -> str:
    if not re.fullmatch(r"\d{4}Q[1-4]", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a quarter like 2025Q1")
    return value


def _rollout(settings: Settings, args: argparse.Namespace) -> int:
    from bot.rollout.cli import run

    return run(settings, args)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.launcher import run

    return run(settings)


COMMANDS: dict[str, tuple[str, Callable[[Settings, argparse.Namespace], int]]] = {
    "setup": ("migrate, seed demo data if empty, build the spaCy pipeline, train if needed",
              _setup),
    "migrate": ("apply the backend database migrations", _migrate),
    "seed": ("create deterministic demo data (does nothing if customers exist)", _seed),
    "serve": ("serve the backend API and the portal page", _serve),
    "train": ("train the Rasa model when its inputs changed", _train),
    "validate": ("rasa data validate, failing on warnings", _validate),
    "story-test": ("rasa test on the end-to-end test stories", _story_test),
    "web-assets": ("install the web widget's JavaScript assets", _web_assets),
    "run": ("start backend, action server and Rasa server on localhost", _run),
    "report": ("write the quarterly performance report (HTML)", _report),
    "demo-conversations": ("generate a realistic quarter of demo conversation events",
                           _demo_conversations),
    "rollout": ("show or change the controlled rollout (audited)", _rollout),
    "operator": ("add or update a dashboard operator (password prompted)", _operator),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, (help_text, _) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "seed":
            command.add_argument("--customers", type=int, default=None,
                                 help="how many customers (default: a few hundred; max 2,000,000)")
        if name in ("report", "demo-conversations"):
            command.add_argument("--quarter", type=_quarter, required=True,
                                 help="the quarter, e.g. 2025Q1")
        if name == "report":
            command.add_argument("--out", type=Path, default=None, help="where to write the HTML")
        if name == "demo-conversations":
            command.add_argument("--conversations", type=int, default=5000)
        if name == "rollout":
            from bot.rollout.cli import add_arguments

            add_arguments(command)
        if name == "operator":
            from bot.operators.cli import add_arguments as operator_arguments

            operator_arguments(command)
        if name == "train":
            command.add_argument("--force", action="store_true", help="train even if up to date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _, handler = COMMANDS[args.command]
    return handler(settings, args)
