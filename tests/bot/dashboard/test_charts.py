"""The charts page: every metric section, the date-range and channel filters, validation."""

from __future__ import annotations

import re

from fastapi import FastAPI

from bot.analytics.schema import open_store, tracker_store_url
from tests.bot.analytics.scenario import load_scenario
from tests.bot.api.helpers import ApiClient
from tests.bot.operators.factories import ANALYST, login_as

JANUARY = {"start": "2025-01-01", "end": "2025-01-31"}


def _load(app: FastAPI) -> None:
    engine = open_store(tracker_store_url(app.state.settings))
    try:
        load_scenario(engine)
    finally:
        engine.dispose()


def _channel_rows(html: str) -> list[str]:
    table = html.split('id="volume"')[1].split("</table>")[0]
    return re.findall(r"<tr><td class=\"\">([^<]+)</td>", table)


def test_analyst_sees_every_metric_section_with_the_scenario(
    client: ApiClient, app: FastAPI
) -> None:
    _load(app)
    login_as(client, ANALYST)
    response = client.get("/dashboard/", params=JANUARY)
    assert response.status_code == 200
    html = response.text
    for section in ("volume", "tasks", "handoffs", "understanding", "experience", "cohorts"):
        assert f'id="{section}"' in html
    for title in ("Conversations per day, by channel", "Unique customers per day, by channel",
                  "Completion rate by task", "Handoffs by reason", "Top intents",
                  "Satisfaction ratings", "Pilot customers", "Response time p95"):
        assert title in html, title
    assert html.count("<svg") >= 6
    assert sorted(_channel_rows(html)) == ["SMS", "Telegram", "Web widget"]
    assert "<script" not in html


def test_channel_filter_keeps_only_that_channel(client: ApiClient, app: FastAPI) -> None:
    _load(app)
    login_as(client, ANALYST)
    html = client.get("/dashboard/", params={**JANUARY, "channel": "telegram"}).text
    assert _channel_rows(html) == ["Telegram"]
    assert '<option value="telegram" selected>' in html


def test_date_range_filter_excludes_other_days(client: ApiClient, app: FastAPI) -> None:
    _load(app)
    login_as(client, ANALYST)
    html = client.get("/dashboard/", params={"start": "2024-12-01", "end": "2024-12-31"}).text
    # Only the one Telegram greeting of 31 Dec 2024 is in December.
    assert _channel_rows(html) == ["Telegram"]


def test_default_range_ends_on_the_newest_event(client: ApiClient, app: FastAPI) -> None:
    _load(app)
    login_as(client, ANALYST)
    html = client.get("/dashboard/").text
    assert 'name="end" type="date" value="2025-01-' in html
    assert sorted(_channel_rows(html)) == ["SMS", "Telegram", "Web widget"]


def test_bad_filters_get_a_clear_message(client: ApiClient) -> None:
    login_as(client, ANALYST)
    bad_date = client.get("/dashboard/", params={"start": "31/01/2025"})
    assert bad_date.status_code == 422
    assert "The start date must look like 2025-01-31, not &#x27;31/01/2025&#x27;." in bad_date.text
    backwards = client.get("/dashboard/", params={"start": "2025-02-01", "end": "2025-01-01"})
    assert "The end date must be on or after the start date." in backwards.text
    channel = client.get("/dashboard/", params={"channel": "fax"})
    assert channel.status_code == 422
    assert "Unknown channel" in channel.text
    too_long = client.get("/dashboard/", params={"start": "2020-01-01", "end": "2025-01-01"})
    assert "at most 366 days" in too_long.text


def test_empty_store_shows_no_data_rather_than_failing(client: ApiClient) -> None:
    login_as(client, ANALYST)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "No data in this period" in response.text


def test_dashboard_without_the_slash_redirects(client: ApiClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/dashboard/"
