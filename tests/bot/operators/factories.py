"""Plain functions that create operators and log them in (no fixtures in here)."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
from fastapi import FastAPI

from bot.operators.accounts import create_or_update

ANALYST = ("ann", "analyst-password-1")
AGENT = ("gus", "agent-password-123")


def add_operator(app: FastAPI, who: tuple[str, str], role: str, now: datetime) -> None:
    with app.state.session_factory() as db:
        create_or_update(db, username=who[0], role=role, password=who[1], now=now)
        db.commit()


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name} in the page"
    return match.group(1)


def login(client: httpx.Client, username: str, password: str,
          next_url: str = "/dashboard/") -> httpx.Response:
    form = client.get("/dashboard/login", params={"next": next_url})
    assert form.status_code == 200, form.text
    return client.post(
        "/dashboard/login",
        data={"username": username, "password": password, "next": next_url,
              "csrf_token": hidden(form.text, "csrf_token")},
        follow_redirects=False,
    )


def login_as(client: httpx.Client, who: tuple[str, str]) -> None:
    response = login(client, *who)
    assert response.status_code == 303, response.text
