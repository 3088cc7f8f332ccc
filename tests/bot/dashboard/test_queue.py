"""The handoff queue through HTTP: list, transcript, reply on SMS/WhatsApp, hand back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered
from sqlalchemy import select

from bot.analytics.eventlog import Transcript
from bot.db.models import AuditRecord, OutboxMessage, ServiceRequest
from bot.operators.models import AgentMessage
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import ApiClient
from tests.bot.dashboard.factories import RELAY_SECRET, add_customer, add_handoff, write_events
from tests.bot.dashboard.rasa_relay import PausingBot, agent, rasa_web_in_thread
from tests.bot.operators.factories import AGENT, ANALYST, hidden, login_as
from tests.channels.sanic_server import free_port

MARIA_PHONE = "+12025550101"


@pytest.fixture(scope="module")
def rasa() -> Iterator[tuple[PausingBot, str]]:
    """The Rasa server's agent route with a real (in-memory) tracker and lock store."""
    bot = PausingBot(agent())
    with rasa_web_in_thread(bot) as url:
        yield bot, url


@pytest.fixture
def settings(settings: Settings, rasa: tuple[PausingBot, str], database_url: str) -> Settings:
    # database_url: named so the backend's database parametrisation still applies.
    port = int(rasa[1].rsplit(":", 1)[1])
    return settings.copy(update={"rasa_host": "127.0.0.1", "rasa_port": port,
                                 "agent_relay_secret": SecretStr(RELAY_SECRET)})


def _paused_conversation(bot: PausingBot, sender_id: str) -> None:
    async def write() -> None:
        store = bot.agent.tracker_store
        tracker = await store.get_or_create_tracker(sender_id)
        tracker.update(UserUttered("a person please"))
        tracker.update(ConversationPaused())
        await store.save(tracker)

    asyncio.run(write())


def _stored(bot: PausingBot, sender_id: str) -> list:
    tracker = asyncio.run(bot.agent.tracker_store.retrieve(sender_id))
    assert tracker is not None
    return list(tracker.events)


def _setup(app: FastAPI, clock: FrozenClock) -> int:
    customer = add_customer(app, "AC10000001", MARIA_PHONE, clock.now)
    add_handoff(app, customer, "SR-200002", "twilio_whatsapp", f"whatsapp:{MARIA_PHONE}",
                clock.now - timedelta(minutes=5))
    add_handoff(app, customer, "SR-200001", "twilio_sms", MARIA_PHONE,
                clock.now - timedelta(minutes=42), "Customer: my bill is wrong")
    add_handoff(app, customer, "SR-200003", "rest", "rest-conv-1", clock.now)
    return customer


def _post(client: ApiClient, path: str, **fields: str) -> object:
    token = hidden(client.get("/dashboard/handoffs").text, "csrf_token")
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_queue_lists_open_handoffs_oldest_first_with_wait_and_channel(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    html = client.get("/dashboard/handoffs").text
    assert "Handoff queue (3)" in html
    assert html.index("SR-200001") < html.index("SR-200002") < html.index("SR-200003")
    assert "42 min" in html and "5 min" in html
    assert "SMS" in html and "WhatsApp" in html


def test_transcript_and_messages_since_the_handoff(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    before = Transcript(MARIA_PHONE, "twilio_sms", (clock.now - timedelta(hours=1)).timestamp())
    before.user("an old message", "greet")
    after = Transcript(MARIA_PHONE, "twilio_sms", (clock.now - timedelta(minutes=3)).timestamp())
    after.user("are you still there?", "greet").bot("utter_greet", "Hello again!")
    write_events(app, before)
    write_events(app, after)
    login_as(client, AGENT)
    html = client.get("/dashboard/handoffs/SR-200001").text
    assert "Customer: my bill is wrong" in html
    assert "are you still there?" in html and "Hello again!" in html
    assert "an old message" not in html


def test_sms_reply_goes_through_the_outbox_and_is_stored_and_audited(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    response = _post(client, "/dashboard/handoffs/SR-200001/reply",
                     message="Hi Maria, I can see the duplicate charge.")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"].endswith("?notice=sent")  # type: ignore[attr-defined]
    with app.state.session_factory() as db:
        outbox = db.execute(select(OutboxMessage)).scalars().all()
        stored = db.execute(select(AgentMessage)).scalar_one()
        request = db.execute(
            select(ServiceRequest).where(ServiceRequest.reference == "SR-200001")
        ).scalar_one()
        audits = db.execute(
            select(AuditRecord).where(AuditRecord.action == "handoff_agent_reply")
        ).scalars().all()
    assert [(m.to, m.body, m.status, m.medium) for m in outbox] == [
        (MARIA_PHONE, "TeleComNet agent: Hi Maria, I can see the duplicate charge.", "sent",
         "sms")
    ]
    assert (stored.delivery, stored.channel) == ("sent", "twilio_sms")
    assert request.status == "in_progress"
    assert len(audits) == 1 and json.loads(audits[0].details)["operator"] == "gus"
    page = client.get("/dashboard/handoffs/SR-200001?notice=sent").text
    assert "Reply delivered to the customer." in page
    assert "Hi Maria, I can see the duplicate charge." in page


def test_whatsapp_reply_is_an_outbox_whatsapp_message(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    _post(client, "/dashboard/handoffs/SR-200002/reply", message="Hello on WhatsApp")
    with app.state.session_factory() as db:
        message = db.execute(select(OutboxMessage)).scalar_one()
    assert (message.to, message.medium) == (f"whatsapp:{MARIA_PHONE}", "whatsapp")


def test_rest_channel_cannot_be_reached_and_the_agent_is_told(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    response = _post(client, "/dashboard/handoffs/SR-200003/reply", message="Hello?")
    assert response.headers["location"].endswith("?notice=not_possible")  # type: ignore[attr-defined]
    page = client.get(response.headers["location"]).text  # type: ignore[attr-defined]
    assert "NOT delivered" in page


def test_hand_back_resolves_the_request_tells_the_customer_and_is_audited(
    client: ApiClient, app: FastAPI, clock: FrozenClock, rasa: tuple[PausingBot, str]
) -> None:
    _setup(app, clock)
    _paused_conversation(rasa[0], MARIA_PHONE)
    login_as(client, AGENT)
    response = _post(client, "/dashboard/handoffs/SR-200001/hand-back")
    assert response.headers["location"].endswith("?notice=handed_back")  # type: ignore[attr-defined]
    with app.state.session_factory() as db:
        request = db.execute(
            select(ServiceRequest).where(ServiceRequest.reference == "SR-200001")
        ).scalar_one()
        outbox = db.execute(select(OutboxMessage)).scalar_one()
        actions = [a.action for a in db.execute(select(AuditRecord)).scalars()]
    assert request.status == "resolved"
    assert "back with the TeleComNet assistant" in outbox.body
    assert "handoff_handed_back" in actions
    assert "SR-200001" not in client.get("/dashboard/handoffs").text
    again = _post(client, "/dashboard/handoffs/SR-200001/reply", message="late")
    assert again.status_code == 422  # type: ignore[attr-defined]
    # The Rasa server resumed the assistant and holds the hand-back text.
    events = _stored(rasa[0], MARIA_PHONE)
    assert [type(e).__name__ for e in events[-3:]] == ["ConversationResumed", "BotUttered",
                                                       "ActionExecuted"]
    assert events[-2].metadata == {"agent": True, "utter_action": "agent_hand_back"}
    assert events[-1].action_name == "action_listen"


def test_sms_reply_is_copied_into_the_conversation_history(
    client: ApiClient, app: FastAPI, clock: FrozenClock, rasa: tuple[PausingBot, str]
) -> None:
    _setup(app, clock)
    _paused_conversation(rasa[0], f"whatsapp:{MARIA_PHONE}")
    login_as(client, AGENT)
    _post(client, "/dashboard/handoffs/SR-200002/reply", message="Checking now.")
    last = _stored(rasa[0], f"whatsapp:{MARIA_PHONE}")[-1]
    assert isinstance(last, BotUttered)
    assert (last.text, last.metadata) == ("TeleComNet agent: Checking now.",
                                          {"agent": True, "utter_action": "agent_reply"})
    with app.state.session_factory() as db:
        audit = db.execute(
            select(AuditRecord).where(AuditRecord.action == "handoff_agent_reply")
        ).scalar_one()
    assert json.loads(audit.details)["in_history"] is True


def test_without_the_rasa_server_a_reply_still_goes_out_but_hand_back_is_refused(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    app.state.settings = app.state.settings.copy(update={"rasa_port": free_port()})
    _setup(app, clock)
    login_as(client, AGENT)
    response = _post(client, "/dashboard/handoffs/SR-200001/reply", message="Still here.")
    assert response.headers["location"].endswith("?notice=sent")  # type: ignore[attr-defined]
    page = client.get(response.headers["location"]).text  # type: ignore[attr-defined]
    assert "NOT copied to the conversation history" in page
    refused = _post(client, "/dashboard/handoffs/SR-200001/hand-back")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Not handed back" in refused.text  # type: ignore[attr-defined]
    with app.state.session_factory() as db:
        request = db.execute(
            select(ServiceRequest).where(ServiceRequest.reference == "SR-200001")
        ).scalar_one()
        outbox = db.execute(select(OutboxMessage)).scalars().all()
    assert request.status == "in_progress"
    assert [m.body for m in outbox] == ["TeleComNet agent: Still here."]


def test_reply_needs_the_csrf_token_and_the_agent_role(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    forged = client.post("/dashboard/handoffs/SR-200001/reply",
                         data={"csrf_token": "forged", "message": "hi"})
    assert forged.status_code == 403
    client.cookies.clear()
    login_as(client, ANALYST)
    token = hidden(client.get("/dashboard/").text, "csrf_token")
    refused = client.post("/dashboard/handoffs/SR-200001/reply",
                          data={"csrf_token": token, "message": "hi"})
    assert refused.status_code == 403
    with app.state.session_factory() as db:
        assert db.execute(select(AgentMessage)).first() is None
        assert db.execute(select(OutboxMessage)).first() is None


def test_empty_or_overlong_reply_is_refused(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    login_as(client, AGENT)
    assert _post(client, "/dashboard/handoffs/SR-200001/reply",  # type: ignore[attr-defined]
                 message="   ").status_code == 422
    assert _post(client, "/dashboard/handoffs/SR-200001/reply",  # type: ignore[attr-defined]
                 message="x" * 1001).status_code == 422


def test_reason_is_read_from_the_conversation_like_the_analytics(
    client: ApiClient, app: FastAPI, clock: FrozenClock
) -> None:
    _setup(app, clock)
    start = (clock.now - timedelta(minutes=50)).timestamp()
    sms = Transcript(MARIA_PHONE, "twilio_sms", start).session_start()
    sms.user("pay my bill", "pay_bill").action("pay_bill_form").active_loop("pay_bill_form")
    sms.bot("utter_payment_declined", "Your card was declined.").active_loop(None)
    sms.user("a person please", "human_handoff").action("human_handoff_form")
    sms.active_loop("human_handoff_form").bot("utter_handoff_created")
    write_events(app, sms)
    whatsapp = Transcript(f"whatsapp:{MARIA_PHONE}", "twilio_whatsapp", start).session_start()
    whatsapp.user("human", "human_handoff").active_loop("human_handoff_form")
    write_events(app, whatsapp)
    login_as(client, AGENT)
    queue = client.get("/dashboard/handoffs").text
    assert "Payment declined or refused (during: Pay bill)" in queue
    assert "Asked for a person directly" in queue
    # No events for the REST conversation: the request's own description.
    assert "The customer asked to talk to a person in chat." in queue
    detail = client.get("/dashboard/handoffs/SR-200001").text
    assert "Reason: Payment declined or refused (during: Pay bill)" in detail
