"""Faults injected into the real processes: nothing lost, exactly one effect.

The module runs its own stack (the faults would disturb other tests): the action
server or the backend is stopped (SIGTERM), stalled (SIGSTOP: a slow process that
accepts connections and answers nothing) and restarted with the very argv and
environment ``make run`` uses. Effects are counted in the backend's database and
conversation events in the conversation store.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from actions.settings import ActionSettings
from bot.settings import ROOT
from bot.stack import processes
from tests.e2e.stack import RunningStack, running_stack
from tests.e2e.test_security import verify as verify_as
from tests.e2e.test_thin_slice import DEMO_PHONE, latest_code, texts

pytestmark = pytest.mark.stack

HELP_WORDS = re.compile(r"try again|in a few minutes|later|agent|call back|person", re.I)


@pytest.fixture(scope="module")
def faults(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("faults")) as running:
        yield running


# ---------------------------------------------------------------- process control


def wait_healthy(stack: RunningStack, name: str, timeout: float = 300.0) -> None:
    spec = next(spec for spec in processes(stack.settings) if spec.name == name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert stack.procs[name].poll() is None, f"{name} exited:\n{stack.log_tail()}"
        try:
            if httpx.get(spec.health_url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{name} not healthy again in {timeout}s")


def stop(stack: RunningStack, name: str) -> None:
    proc = stack.procs[name]
    proc.terminate()
    proc.wait(timeout=30)


def start(stack: RunningStack, name: str) -> None:
    """The replacement process: same argv, environment, working folder and log file."""
    spec = next(spec for spec in processes(stack.settings) if spec.name == name)
    log = (stack.logs / f"{name}.log").open("ab")
    stack.procs[name] = subprocess.Popen(
        spec.argv, cwd=ROOT, env=stack.env, stdout=log, stderr=subprocess.STDOUT
    )
    wait_healthy(stack, name)


def wait_out_the_breaker() -> None:
    """The action server's circuit breaker stays open for its cool-down after a fault."""
    time.sleep(ActionSettings().backend_breaker_cooldown_seconds + 0.5)


def stall(stack: RunningStack, name: str) -> None:
    stack.procs[name].send_signal(signal.SIGSTOP)


def resume(stack: RunningStack, name: str) -> None:
    stack.procs[name].send_signal(signal.SIGCONT)


# ---------------------------------------------------------------- observations


def verify(stack: RunningStack, sender: str, task_text: str) -> str:
    """Verify as Maria Lopez (AC10000001, saved Visa that pays fine)."""
    return verify_as(stack, sender, task_text, ("+1 202 555 0101", DEMO_PHONE))


def new_sender() -> str:
    return f"rel-{uuid.uuid4().hex}"


def stored_user_texts(stack: RunningStack, sender: str) -> list[str]:
    with sqlite3.connect(Path(stack.settings.var_dir) / "conversations.db") as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def payments_count(stack: RunningStack) -> int:
    with sqlite3.connect(Path(stack.settings.var_dir) / "backend.db") as conn:
        return int(conn.execute("SELECT count(*) FROM payments").fetchone()[0])


def timed_say(stack: RunningStack, sender: str, text: str) -> tuple[str, float]:
    started = time.monotonic()
    reply = texts(stack.say(sender, text))
    elapsed = time.monotonic() - started
    print(f"[fault figures] {text!r} answered in {elapsed:.2f}s: {reply!r}")
    return reply, elapsed


def to_confirmation(stack: RunningStack, sender: str) -> str:
    verify(stack, sender, "I want to pay my bill")
    stack.say(sender, "the full balance")
    return texts(stack.say(sender, "1"))


# ---------------------------------------------------------------- action server down


def test_action_server_down_the_customer_is_told_and_the_conversation_continues(
    faults: RunningStack,
) -> None:
    sender = new_sender()
    faults.say(sender, "hello")
    stop(faults, "actions")
    try:
        reply, _ = timed_say(faults, sender, "how much is my bill?")
        stored = stored_user_texts(faults, sender)
    finally:
        start(faults, "actions")
    assert stored == ["hello", "how much is my bill?"], "no conversation event is lost"
    asked = texts(faults.say(sender, "how much is my bill?"))
    assert re.search(r"phone|account", asked, re.I), "the conversation continues: " + asked
    assert HELP_WORDS.search(reply), "a clear message and a way forward: " + repr(reply)


# ---------------------------------------------------------------- backend down or slow


def test_backend_down_the_customer_is_told_and_the_conversation_continues(
    faults: RunningStack,
) -> None:
    sender = new_sender()
    faults.say(sender, "how much is my bill?")
    stop(faults, "backend")
    try:
        reply, _ = timed_say(faults, sender, "+1 202 555 0101")
    finally:
        start(faults, "backend")
    wait_out_the_breaker()
    assert HELP_WORDS.search(reply) and "nothing was changed" in reply, reply
    # Back up: the same conversation picks up at the identity question.
    sent = texts(faults.say(sender, "+1 202 555 0101"))
    assert re.search(r"code", sent, re.I), sent
    answered = texts(faults.say(sender, latest_code(faults, DEMO_PHONE)))
    assert "$" in answered, answered
    assert stored_user_texts(faults, sender)[:3] == [
        "how much is my bill?", "+1 202 555 0101", "+1 202 555 0101"
    ]


def test_backend_slow_the_customer_is_told_and_the_conversation_continues(
    faults: RunningStack,
) -> None:
    sender = new_sender()
    assert "$" in verify(faults, sender, "how much is my bill?")
    stall(faults, "backend")
    try:
        reply, _ = timed_say(faults, sender, "what's my bill?")
        # While the breaker is open, the next message fails fast.
        fast, _ = timed_say(faults, sender, "what's my bill?")
    finally:
        resume(faults, "backend")
    assert HELP_WORDS.search(fast) and "$" not in fast, fast
    # Back to normal once the breaker lets a probe through: the verified session is
    # still there (no new code), the bill is answered.
    wait_out_the_breaker()
    faults.say(sender, "stop")
    again = texts(faults.say(sender, "what's my bill?"))
    assert "$" in again, again
    assert "$" not in reply
    assert HELP_WORDS.search(reply) and not re.search(r"confirm it's you", reply), (
        "a clear message that the system is unavailable, not a new identity check: " + reply
    )


# ---------------------------------------------------------------- exactly one effect


def rerun_action(stack: RunningStack, sender: str, action: str) -> dict:
    """Re-run ``action`` on the action server with the tracker as it was when it first ran.

    The tracker is rebuilt from the conversation store, cut just before the stored
    ``ActionExecuted(action)``: the same confirming turn, so the same idempotency key.
    """
    from bot.conversation_store import RedactingSQLTrackerStore

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingSQLTrackerStore(
        domain=domain, dialect="sqlite", db=str(Path(stack.settings.var_dir) / "conversations.db")
    )
    tracker = asyncio.run(store.retrieve_full_tracker(sender))
    assert tracker is not None
    events = [event.as_dict() for event in tracker.events]
    last = max(
        i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == action
    )
    before = DialogueStateTracker.from_dict(sender, events[:last], domain.slots)
    body = {
        "next_action": action,
        "sender_id": sender,
        "tracker": before.current_state(EventVerbosity.AFTER_RESTART),
        "domain": domain.as_dict(),
        "version": "3.6.2",
    }
    url = f"http://127.0.0.1:{stack.settings.actions_port}/webhook"
    response = httpx.post(url, json=body, timeout=30)
    response.raise_for_status()
    return dict(response.json())


UNKNOWN_OUTCOME = re.compile(r"couldn.t get a confirmation.*don.t pay again yet", re.I | re.S)


def test_backend_stalled_at_the_confirmation_says_do_not_pay_again_and_one_payment_lands(
    faults: RunningStack,
) -> None:
    """The backend stalls right after the customer was asked to confirm; then "yes".

    The validation action's session lookup is answered from the session memo (the "1"
    turn fetched it moments before), so the payment POST is the first call to meet the
    stalled backend: the budget ends the wait and the customer is told the outcome is
    unknown and not to pay again yet (``utter_payment_unknown``), not "nothing was
    changed". Nothing is stored while the backend is stopped; after SIGCONT it processes
    the held request: exactly the one payment the customer confirmed.
    """
    sender = new_sender()
    # A part payment ($5), so the full-balance test below still finds a balance.
    before = payments_count(faults)
    verify(faults, sender, "I want to pay my bill")
    asked = texts(faults.say(sender, "5"))
    assert re.search(r"how would you like to pay|reply with the number", asked, re.I), asked
    asked = texts(faults.say(sender, "1"))
    assert re.search(r"please confirm", asked, re.I), asked
    stall(faults, "backend")
    try:
        reply, _ = timed_say(faults, sender, "yes")
        during = payments_count(faults)
    finally:
        resume(faults, "backend")
    # Let the resumed backend drain what was queued while it was stalled, and the
    # action server's breaker close again before the next test.
    wait_out_the_breaker()
    after = payments_count(faults)
    print(f"[fault figures] stalled confirmation: {during - before} payment while stalled, "
          f"{after - before} after resuming")
    assert UNKNOWN_OUTCOME.search(reply), (
        "the honest 'couldn't get a confirmation ... don't pay again yet' (a 'can't reach'"
        " here means the session lookup, not the payment, met the stalled backend: the"
        " memo entry from the '1' turn had expired): " + reply
    )
    assert not re.search(r"nothing (was|has been) changed|confirm it's you", reply, re.I), reply
    assert during == before, "nothing is stored while the backend is stopped"
    assert after == before + 1, "the held payment lands once after resuming, never twice"
    faults.say(sender, "stop")


def test_yes_twice_and_a_rerun_action_make_exactly_one_payment(faults: RunningStack) -> None:
    sender = new_sender()
    before = payments_count(faults)
    asked = to_confirmation(faults, sender)
    assert re.search(r"confirm", asked, re.I), asked
    done = texts(faults.say(sender, "yes"))
    assert re.search(r"payment received", done, re.I), done
    second = texts(faults.say(sender, "yes"))
    assert not re.search(r"payment received", second, re.I), second
    assert payments_count(faults) == before + 1
    replayed = rerun_action(faults, sender, "action_pay_bill")
    assert payments_count(faults) == before + 1, replayed
    print(f"[fault figures] yes x2 + 1 re-run: {payments_count(faults) - before} payment")


# ---------------------------------------------------------------- production stores


@pytest.fixture()
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A throwaway database on the suite's PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tcn_conv_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server_url).set(database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def redis_commands_during(action, match: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Redis commands mentioning ``match`` seen (MONITOR) while ``action()`` runs."""
    import threading

    import redis

    seen: list[str] = []
    client = redis.Redis(host="127.0.0.1", port=6379)
    monitor = client.monitor()
    stopped = threading.Event()
    listening = threading.Event()
    ready = f"tcn-monitor-ready-{uuid.uuid4().hex}"

    def listen() -> None:
        with monitor as feed:
            for command in feed.listen():
                if stopped.is_set():
                    return
                text = str(command.get("command", ""))
                if ready in text:
                    listening.set()
                if match in text:
                    seen.append(text)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    # Until MONITOR shows a command of ours, it may not be attached yet.
    deadline = time.monotonic() + 30
    while not listening.wait(0.1):
        assert time.monotonic() < deadline, "Redis MONITOR never attached"
        client.echo(ready)
    try:
        action()
    finally:
        stopped.set()
        client.ping()  # wakes the monitor so it sees the stop flag
        thread.join(timeout=5)
    return seen


@pytest.mark.postgres
@pytest.mark.redis
def test_postgres_store_and_redis_lock_survive_a_restart_of_every_process(
    trained_model: Path, tmp_path: Path, postgres_url: str
) -> None:
    from sqlalchemy import create_engine, text

    env = {
        "TCN_TRACKER_STORE_DIALECT": "postgresql",
        "TCN_TRACKER_STORE_URL": postgres_url,
        "TCN_LOCK_STORE_TYPE": "redis",
        "TCN_LOCK_STORE_URL": "127.0.0.1",
        "TCN_LOCK_STORE_PORT": "6379",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with running_stack(tmp_path / "prod") as stack:
            assert stack.env["TCN_LOCK_STORE_TYPE"] == "redis"
            sender = new_sender()
            stack.say(sender, "I want to pay my bill")
            stack.say(sender, "+1 202 555 0101")
            code = latest_code(stack, DEMO_PHONE)
            replies: list[dict] = []
            locked = redis_commands_during(lambda: replies.extend(stack.say(sender, code)), sender)
            assert any("lock" in command for command in locked), locked
            assert re.search(r"balance", texts(replies), re.I), texts(replies)

            for name in ("rasa", "actions", "backend"):
                stop(stack, name)
            for name in ("backend", "actions", "rasa"):
                start(stack, name)

            # The conversation continues where it was: inside the payment form.
            reply = texts(stack.say(sender, "the full balance"))
            assert re.search(r"how would you like to pay|reply with the number", reply, re.I), (
                reply
            )
            stack.say(sender, "stop")

    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            users = conn.execute(
                text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
                {"s": sender},
            ).scalar_one()
    finally:
        engine.dispose()
    assert users == 5, "every message of the conversation is in PostgreSQL"
    assert not list((tmp_path / "prod").glob("conversations.db*")), "no SQLite fallback"
