"""Task funnel, containment and turns per completed task.

* started: the task's form was activated (``active_loop`` event naming the form);
* completed: the ``last_task`` slot was set to the task (the rating question after
  success); for ``human_handoff``: ``utter_handoff_created``;
* abandoned: started minus completed (stopped, switched away, handed over, or the
  session ended first); ``stopped`` counts explicit stops (``utter_task_stopped``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.engine import Connection

from bot.analytics.period import Filters
from bot.analytics.schema import events
from bot.analytics.scope import ratio, scoped, sender_channels
from bot.analytics.sqlfuncs import JsonText
from bot.analytics.vocabulary import (
    COMPLETION_SLOT,
    FORM_TASKS,
    HANDOFF_DONE_UTTER,
    HANDOFF_FORM,
    STOPPED_UTTER,
    SWITCHED_UTTER,
    TASK_FORMS,
    utter_marker,
)
from bot.analytics.volume import UNKNOWN_CHANNEL

ALL_FORMS = (*TASK_FORMS.values(), HANDOFF_FORM)


@dataclass(frozen=True)
class TaskStats:
    task: str
    started: int
    completed: int

    @property
    def abandoned(self) -> int:
        return max(self.started - self.completed, 0)

    @property
    def completion_rate(self) -> float:
        return min(ratio(self.completed, self.started), 1.0)

    @property
    def abandonment_rate(self) -> float:
        return ratio(self.abandoned, self.started)


@dataclass
class Containment:
    """Conversations (sessions) with a task: contained = a task completed, no handoff asked."""

    with_task: int = 0
    contained: int = 0
    handoff: int = 0
    by_channel: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return ratio(self.contained, self.with_task)

    def channel_rate(self, channel: str) -> float:
        with_task, contained, _ = self.by_channel.get(channel, (0, 0, 0))
        return ratio(contained, with_task)


def is_completion(table: Any = events) -> Any:
    return and_(
        table.c.type_name == "slot",
        table.c.action_name == COMPLETION_SLOT,
        JsonText(table.c.data, "value").isnot(None),
    )


def is_task_start(table: Any = events) -> Any:
    return and_(table.c.type_name == "active_loop", table.c.action_name.in_(ALL_FORMS))


def _utter_count(conn: Connection, f: Filters, utter: str) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(events).where(
                events.c.type_name == "bot", scoped(f),
                events.c.data.like(f"%{utter_marker(utter)}%"),
            )
        ).scalar_one()
    )


def task_stats(conn: Connection, f: Filters) -> list[TaskStats]:
    started = dict(
        conn.execute(
            select(events.c.action_name, func.count())
            .where(is_task_start(), scoped(f))
            .group_by(events.c.action_name)
        ).all()
    )
    value = JsonText(events.c.data, "value")
    completed = dict(
        conn.execute(select(value, func.count()).where(is_completion(), scoped(f)).group_by(value))
        .all()
    )
    stats = [
        TaskStats(task, int(started.get(form, 0)), int(completed.get(task, 0)))
        for task, form in TASK_FORMS.items()
    ]
    handoffs_done = _utter_count(conn, f, HANDOFF_DONE_UTTER)
    stats.append(TaskStats("human_handoff", int(started.get(HANDOFF_FORM, 0)), handoffs_done))
    return stats


def stopped_and_switched(conn: Connection, f: Filters) -> tuple[int, int]:
    return _utter_count(conn, f, STOPPED_UTTER), _utter_count(conn, f, SWITCHED_UTTER)


def _session_numbered(f: Filters, *conditions: Any, extra: tuple[Any, ...] = ()) -> Any:
    """Events in scope with ``session_no``: sessions started so far by the sender.

    The JSON ``data`` is not carried through the window's sort: callers pass the
    few values they need from it as ``extra`` labelled columns.
    """
    session_no = func.sum(case((events.c.type_name == "session_started", 1), else_=0)).over(
        partition_by=events.c.sender_id,
        order_by=(events.c.timestamp, events.c.id),
        rows=(None, 0),
    )
    return select(
        events.c.id, events.c.sender_id, events.c.timestamp, events.c.type_name,
        events.c.action_name, *extra, session_no.label("session_no"),
    ).where(scoped(f), *conditions)


def session_flags(f: Filters) -> Any:
    """Subquery, one row per session: did a task start, complete, a handoff start."""
    numbered = _session_numbered(
        f, events.c.type_name.in_(("session_started", "active_loop", "slot")),
        extra=(case((is_completion(), 1), else_=0).label("is_done"),),
    ).subquery("numbered")
    return (
        select(
            numbered.c.sender_id,
            numbered.c.session_no,
            func.max(case((is_task_start(numbered), 1), else_=0)).label("started"),
            func.max(numbered.c.is_done).label("completed"),
            func.max(
                case((and_(numbered.c.type_name == "active_loop",
                           numbered.c.action_name == HANDOFF_FORM), 1), else_=0)
            ).label("handoff"),
        )
        .group_by(numbered.c.sender_id, numbered.c.session_no)
        .subquery("flags")
    )


def containment(conn: Connection, f: Filters) -> Containment:
    flags = session_flags(f)
    channels = sender_channels(f)
    channel = func.coalesce(channels.c.channel, UNKNOWN_CHANNEL)
    contained = case((and_(flags.c.completed == 1, flags.c.handoff == 0), 1), else_=0)
    rows = conn.execute(
        select(channel, func.count(), func.sum(contained), func.sum(flags.c.handoff))
        .select_from(flags.outerjoin(channels, channels.c.sender_id == flags.c.sender_id))
        .where(flags.c.started == 1)
        .group_by(channel)
    )
    result = Containment()
    for name, with_task, done, handoff in rows:
        entry = (int(with_task), int(done or 0), int(handoff or 0))
        result.by_channel[str(name)] = entry
        result.with_task += entry[0]
        result.contained += entry[1]
        result.handoff += entry[2]
    return result


def turns_per_task(conn: Connection, f: Filters) -> dict[str, float]:
    """Average customer messages from a task's (latest) start to its completion."""
    is_user = events.c.type_name == "user"
    user_seq = func.sum(case((is_user, 1), else_=0)).over(
        partition_by=events.c.sender_id, order_by=(events.c.timestamp, events.c.id),
        rows=(None, 0),
    )
    seq = (
        select(
            events.c.id, events.c.sender_id, events.c.timestamp,
            case((is_task_start(), 1), else_=0).label("is_start"),
            case((is_completion(), JsonText(events.c.data, "value"))).label("done_task"),
            user_seq.label("user_seq"),
        )
        .where(scoped(f), events.c.type_name.in_(("user", "active_loop", "slot")))
        .subquery("seq")
    )
    start_seq = func.max(case((seq.c.is_start == 1, seq.c.user_seq), else_=None)).over(
        partition_by=seq.c.sender_id, order_by=(seq.c.timestamp, seq.c.id), rows=(None, 0)
    )
    marked = select(
        seq.c.done_task, seq.c.user_seq, start_seq.label("start_seq"),
    ).subquery("marked")
    turns = marked.c.user_seq - marked.c.start_seq + literal(1)
    rows = conn.execute(
        select(marked.c.done_task, func.avg(turns))
        .where(marked.c.done_task.isnot(None), marked.c.start_seq.isnot(None))
        .group_by(marked.c.done_task)
    )
    return {str(name): float(avg) for name, avg in rows if name is not None}


@dataclass(frozen=True)
class HandoffCause:
    reason: str
    task: str
    count: int


def handoff_causes(conn: Connection, f: Filters) -> list[HandoffCause]:
    """Why handoffs were asked for: what the assistant said just before, and the task
    last started in the same session (``none`` when no task was started)."""
    from bot.analytics.vocabulary import HANDOFF_REASONS

    numbered = _session_numbered(
        f, events.c.type_name.in_(("session_started", "active_loop", "bot"))
    ).subquery("numbered")
    window = {
        "partition_by": (numbered.c.sender_id, numbered.c.session_no),
        "order_by": (numbered.c.timestamp, numbered.c.id),
        "rows": (None, -1),
    }
    last_bot = func.max(case((numbered.c.type_name == "bot", numbered.c.id))).over(**window)
    last_task = func.max(
        case((and_(numbered.c.type_name == "active_loop",
                   numbered.c.action_name.in_(tuple(FORM_TASKS))), numbered.c.id))
    ).over(**window)
    marked = select(
        numbered.c.type_name, numbered.c.action_name,
        last_bot.label("last_bot"), last_task.label("last_task"),
    ).subquery("marked")
    bot_event = events.alias("bot_event")
    task_event = events.alias("task_event")
    reason = case(
        *[(bot_event.c.data.like(f"%{utter_marker(utter)}%"), literal(name))
          for utter, name in HANDOFF_REASONS.items()],
        else_=literal("asked_directly"),
    )
    task = func.coalesce(task_event.c.action_name, literal("none"))
    rows = conn.execute(
        select(reason, task, func.count())
        .select_from(
            marked.outerjoin(bot_event, bot_event.c.id == marked.c.last_bot)
            .outerjoin(task_event, task_event.c.id == marked.c.last_task)
        )
        .where(marked.c.type_name == "active_loop", marked.c.action_name == HANDOFF_FORM)
        .group_by(reason, task)
    )
    causes = [
        HandoffCause(str(r), FORM_TASKS.get(str(t), "none"), int(n)) for r, t, n in rows
    ]
    return sorted(causes, key=lambda c: (-c.count, c.reason, c.task))
