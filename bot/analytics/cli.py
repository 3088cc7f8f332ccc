"""Entry points for ``python -m bot report`` and ``python -m bot demo``."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics.cohort_metrics import summarise
from bot.analytics.cohorts import sync_cohorts
from bot.analytics.demo import generate_two_quarters
from bot.analytics.fmt import Fmt
from bot.analytics.metrics import Metrics, compute
from bot.analytics.outcomes import Outcomes, backend_outcomes
from bot.analytics.period import Quarter
from bot.analytics.recommend import Recommendation, recommendations
from bot.analytics.report import ReportBuilder
from bot.analytics.rollout_refusals import Refusals, backend_refusals
from bot.analytics.schema import open_store, tracker_store_url
from bot.settings import Settings

logger = logging.getLogger(__name__)
MAX_DEMO_CONVERSATIONS = 200_000


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _store(settings: Settings) -> Engine:
    return open_store(tracker_store_url(settings))


def build_report(
    engine: Engine, quarter: Quarter, fmt: Fmt, generated: Optional[datetime] = None,
    outcomes: Optional[Outcomes] = None, refusals: Optional[Refusals] = None,
) -> tuple[str, Metrics, list[Recommendation]]:
    with engine.connect() as conn:
        current = compute(conn, quarter.filters())
        previous = summarise(conn, quarter.previous().filters())
    recs = recommendations(current, previous)
    html = ReportBuilder(quarter, current, previous, recs, fmt, outcomes,
                         refusals).render(generated)
    return html, current, recs


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename: never a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # a report to share, not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _outcomes(settings: Settings, q: Quarter) -> Optional[Outcomes]:
    try:
        return backend_outcomes(settings.database_url, q.filters())
    except SQLAlchemyError as error:
        logger.warning("backend outcomes not read: %s", type(error).__name__)
        print("warning: business outcomes left out (backend database unreadable)",
              file=sys.stderr)
        return None


def _refusals(settings: Settings, q: Quarter) -> Optional[Refusals]:
    try:
        return backend_refusals(settings.database_url, q.filters())
    except SQLAlchemyError as error:
        logger.warning("rollout refusals not read: %s", type(error).__name__)
        return None


def report_main(settings: Settings, quarter: str, out: Optional[Path] = None) -> int:
    """Write the quarter's HTML report; 0 on success, 2 on bad input, 1 on a store error."""
    try:
        q = Quarter.parse(quarter)
        engine = _store(settings)
    except ValueError as error:
        return _error(str(error))
    target = out or settings.var_dir / "reports" / f"report-{q.label}.html"
    try:
        try:
            mapped = sync_cohorts(settings.database_url, engine)
            if mapped:
                print(f"==> cohorts: {mapped} verified conversations mapped from the backend")
        except SQLAlchemyError as error:
            logger.warning("cohorts not refreshed from the backend: %s", type(error).__name__)
            print("warning: pilot cohorts not refreshed (backend database unreadable)",
                  file=sys.stderr)
        business = _outcomes(settings, q)
        turned_away = _refusals(settings, q)
        html, metrics, recs = build_report(engine, q, Fmt(settings.locale, settings.currency),
                                           outcomes=business, refusals=turned_away)
    except SQLAlchemyError as error:
        logger.error("report %s failed: %s", q.label, error)
        print(f"error: the conversation store could not be read ({type(error).__name__})",
              file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    write_atomically(target, html)
    h = metrics.headline
    print(f"==> report {q.label}: {h.conversations} conversations, containment "
          f"{h.containment_rate:.1%}, {len(recs)} recommendations")
    print(f"==> written to {target}")
    return 0


def demo_main(settings: Settings, quarter: str, conversations: int) -> int:
    """Load demo conversations for ``quarter`` and the quarter before it."""
    try:
        q = Quarter.parse(quarter)
    except ValueError as error:
        return _error(str(error))
    if not 1 <= conversations <= MAX_DEMO_CONVERSATIONS:
        return _error(f"conversations must be between 1 and {MAX_DEMO_CONVERSATIONS:,}")
    try:
        engine = _store(settings)
    except ValueError as error:
        return _error(str(error))
    started = datetime.now(timezone.utc)
    try:
        current, earlier = generate_two_quarters(engine, q, conversations)
    except SQLAlchemyError as error:
        logger.error("demo data not written: %s", error)
        print(f"error: demo data not written ({type(error).__name__}); nothing was changed",
              file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    print(f"==> demo conversations: {current} events in {q.label}, {earlier} in "
          f"{q.previous().label} ({seconds:.1f} s)")
    return 0
