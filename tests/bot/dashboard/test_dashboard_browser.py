"""The dashboard in headless Chromium against the real backend served by uvicorn.

An analyst logs in, sees the charts and filters them by channel (and is refused the
queue); an agent opens an SMS handoff and a web handoff, replies to both and hands the
web one back. The SMS reply is checked in the outbox; the web reply arrives at a
python-socketio client connected, as the customer's widget would be, to the real
socket.io channel (our subclass with the agent route) on a test Sanic server.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr
from sqlalchemy import select

from bot.analytics.schema import open_store, tracker_store_url
from bot.api.app import create_app
from bot.db.models import OutboxMessage, ServiceRequest
from bot.settings import Settings
from tests.bot.analytics.scenario import load_scenario
from tests.bot.api.helpers import SERVICE_KEY
from tests.bot.dashboard.factories import (
    RELAY_SECRET,
    WebCustomer,
    add_customer,
    add_handoff,
    web_channel,
)
from tests.bot.operators.factories import AGENT, ANALYST, add_operator
from tests.channels.browser import OUTPUT_DIR, chromium
from tests.channels.sanic_server import free_port

pytestmark = pytest.mark.browser
PHONE = "+12025550101"


@dataclass
class WebSide:
    base_url: str
    customer: WebCustomer


class LoopThread:
    """An asyncio loop in a thread: Playwright's sync API owns the test's own loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def web_side() -> Iterator[WebSide]:
    loop = LoopThread()
    ready: Future[WebSide] = Future()
    stop = asyncio.Event()

    async def serve() -> None:
        async with web_channel() as base:
            customer = WebCustomer(base)
            await customer.connect()
            ready.set_result(WebSide(base, customer))
            await stop.wait()
            with contextlib.suppress(asyncio.TimeoutError):  # a long-poll may be in flight
                await asyncio.wait_for(customer.client.disconnect(), 3)

    task = asyncio.run_coroutine_threadsafe(serve(), loop.loop)
    try:
        yield ready.result(30)
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        task.result(90)
        loop.stop()


@pytest.fixture
def backend(
    sqlite_template: Path, tmp_path: Path, web_side: WebSide
) -> Iterator[tuple[str, FastAPI]]:
    shutil.copyfile(sqlite_template, tmp_path / "backend.db")
    rasa = urlsplit(web_side.base_url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'backend.db'}", demo_mode=True,
        service_key=SecretStr(SERVICE_KEY), token_secret=SecretStr("t" * 40),
        tracker_store_db=str(tmp_path / "conversations.db"), rasa_host=rasa.hostname,
        rasa_port=rasa.port, agent_relay_secret=SecretStr(RELAY_SECRET),
    )
    app = create_app(settings, static_dir=None)
    now = datetime.now(timezone.utc)
    add_operator(app, ANALYST, "analyst", now)
    add_operator(app, AGENT, "agent", now)
    customer = add_customer(app, "AC10000001", PHONE, now)
    add_handoff(app, customer, "SR-300001", "twilio_sms", PHONE, now - timedelta(minutes=12),
                "Customer: I was charged twice\nAssistant: Let me get you a person.")
    add_handoff(app, customer, "SR-300002", "socketio", web_side.customer.session_id,
                now - timedelta(minutes=3), "Customer: agent please")
    store = open_store(tracker_store_url(settings))
    load_scenario(store)
    store.dispose()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           ws="none", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


def _log_in(browser: Browser, base: str, who: tuple[str, str]) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/dashboard/")
    expect(page).to_have_url(f"{base}/dashboard/login?next=/dashboard/")
    page.get_by_label("Username").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Assistant performance")).to_be_visible()
    return page


def test_analyst_charts_and_agent_replies_on_sms_and_web(
    browser: Browser, backend: tuple[str, FastAPI], web_side: WebSide, tmp_path: Path
) -> None:
    base, app = backend

    analyst = _log_in(browser, base, ANALYST)
    analyst.get_by_label("From (UTC)").fill("2025-01-01")
    analyst.get_by_label("To (UTC, inclusive)").fill("2025-01-31")
    analyst.get_by_role("button", name="Show").click()
    expect(analyst.locator("#volume svg").first).to_be_visible()
    expect(analyst.locator("#volume table tbody tr")).to_have_count(3)
    analyst.get_by_label("Channel", exact=True).select_option("telegram")
    analyst.get_by_role("button", name="Show").click()
    expect(analyst).to_have_url(f"{base}/dashboard/?start=2025-01-01&end=2025-01-31"
                                "&channel=telegram")
    expect(analyst.locator("#volume table tbody tr")).to_have_count(1)
    expect(analyst.locator("#volume table tbody tr")).to_contain_text("Telegram")
    charts = tmp_path / "dashboard-charts.png"
    analyst.screenshot(path=str(charts), full_page=True)
    analyst.goto(f"{base}/dashboard/handoffs")
    expect(analyst.get_by_text("This page is for the agent role")).to_be_visible()
    analyst.context.close()

    agent = _log_in(browser, base, AGENT)
    agent.get_by_role("link", name="Handoff queue").click()
    expect(agent.get_by_role("heading", name="Handoff queue (2)")).to_be_visible()
    agent.get_by_role("link", name="SR-300001").click()
    expect(agent.get_by_text("I was charged twice")).to_be_visible()
    agent.get_by_label("Reply to the customer on SMS").fill("Hi Maria, refund on its way.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.get_by_text("Reply delivered to the customer.")).to_be_visible()

    agent.get_by_role("link", name="Handoff queue").click()
    agent.get_by_role("link", name="SR-300002").click()
    agent.get_by_label("Reply to the customer on Web widget").fill("Hello, I'm Gus from support.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.get_by_text("Reply delivered to the customer.")).to_be_visible()
    agent.get_by_role("button", name="Hand back to the assistant").click()
    expect(agent.get_by_text("Handed back to the assistant")).to_be_visible()
    queue_shot = tmp_path / "dashboard-handoff.png"
    agent.screenshot(path=str(queue_shot), full_page=True)
    agent.context.close()

    texts = [m.get("text") for m in web_side.customer.received]
    assert texts[0] == "TeleComNet agent: Hello, I'm Gus from support."
    assert "back with the TeleComNet assistant" in str(texts[1])
    with app.state.session_factory() as db:
        outbox = db.execute(select(OutboxMessage)).scalars().all()
        statuses = dict(db.execute(select(ServiceRequest.reference, ServiceRequest.status)).all())
    assert [(m.to, m.body, m.status) for m in outbox] == [
        (PHONE, "TeleComNet agent: Hi Maria, refund on its way.", "sent")
    ]
    assert statuses == {"SR-300001": "in_progress", "SR-300002": "resolved"}
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for shot in (charts, queue_shot):
        assert shot.stat().st_size > 0
        shutil.copyfile(shot, OUTPUT_DIR / shot.name)  # kept after pytest's tmp dirs rotate
        print(f"screenshot: {shot} (copy in {OUTPUT_DIR / shot.name})")
