"""Operator login: hashed passwords, sessions, lockout, roles and CSRF, through HTTP."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from bot.db.models import AuditRecord
from bot.operators.auth import COOKIE
from bot.operators.models import Operator, OperatorSession
from bot.services.clock import FrozenClock
from bot.services.secrets_util import sha256_hex
from tests.bot.api.helpers import ApiClient
from tests.bot.operators.factories import AGENT, ANALYST, hidden, login, login_as


def test_not_logged_in_a_page_redirects_to_the_login_with_next(client: ApiClient) -> None:
    response = client.get("/dashboard/?channel=telegram", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/login?next=/dashboard/%3Fchannel%3Dtelegram"


def test_login_sets_an_httponly_strict_cookie_and_stores_only_its_hash(
    client: ApiClient, app: FastAPI
) -> None:
    response = login(client, *ANALYST)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    token = client.cookies[COOKIE]
    with app.state.session_factory() as db:
        rows = list(db.execute(select(OperatorSession)).scalars())
        stored = db.execute(select(Operator).where(Operator.username == "ann")).scalar_one()
    assert [row.token_hash for row in rows] == [sha256_hex(token)]
    assert stored.password_hash.startswith("scrypt$") and ANALYST[1] not in stored.password_hash


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: ApiClient,
) -> None:
    wrong = login(client, "ann", "not-the-password")
    unknown = login(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.text
    assert "Wrong username or password." in unknown.text
    assert COOKIE not in client.cookies


def test_lockout_after_repeated_failures_then_unlocks_after_the_lockout(
    client: ApiClient, clock: FrozenClock, app: FastAPI
) -> None:
    for _ in range(3):  # operator_max_failed_logins=3 in these tests
        assert login(client, "gus", "wrong-password-x").status_code == 401
    locked = login(client, *AGENT)
    assert locked.status_code == 401
    assert "locked" in locked.text
    clock.advance(minutes=11)
    assert login(client, *AGENT).status_code == 303
    with app.state.session_factory() as db:
        actions = [r.action for r in db.execute(select(AuditRecord)).scalars()]
    assert "operator_locked" in actions and "operator_login_locked" in actions
    assert actions.count("operator_login_failed") == 2


def test_login_form_without_its_token_is_refused(client: ApiClient) -> None:
    client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={"username": "ann", "password": ANALYST[1], "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert COOKIE not in client.cookies


def test_session_expires_after_idle_time_and_slides_while_used(
    client: ApiClient, clock: FrozenClock
) -> None:
    login_as(client, ANALYST)
    clock.advance(minutes=20)
    assert client.get("/dashboard/login").status_code == 200
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    clock.advance(minutes=20)  # 40 min after login, 20 after the last request: still alive
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    clock.advance(minutes=31)
    response = client.get("/dashboard/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login")


def test_analyst_gets_403_on_the_agent_queue(client: ApiClient) -> None:
    login_as(client, ANALYST)
    response = client.get("/dashboard/handoffs", follow_redirects=False)
    assert response.status_code == 403
    assert "agent role" in response.text


def test_agent_sees_charts_and_queue(client: ApiClient) -> None:
    login_as(client, AGENT)
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    assert client.get("/dashboard/handoffs", follow_redirects=False).status_code == 200


def test_logout_needs_the_csrf_token_and_ends_the_session(client: ApiClient) -> None:
    login_as(client, ANALYST)
    page = client.get("/dashboard/")
    token = hidden(page.text, "csrf_token")
    assert client.post("/dashboard/logout", data={"csrf_token": "wrong"}).status_code == 403
    cross = client.post("/dashboard/logout", data={"csrf_token": token},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    out = client.post("/dashboard/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_a_stolen_cookie_value_from_another_session_does_not_work(client: ApiClient) -> None:
    client.cookies.set(COOKIE, "x" * 43)
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_pages_forbid_framing_and_scripts(client: ApiClient) -> None:
    response = client.get("/dashboard/login")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text


def test_one_address_trying_many_usernames_is_throttled(
    client: ApiClient, clock: FrozenClock
) -> None:
    for n in range(6):  # operator_max_logins_per_address=6 in these tests
        assert login(client, f"user{n}", "guessing-password").status_code == 401
    throttled = login(client, *ANALYST)  # even the right password waits
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    clock.advance(minutes=16)
    assert login(client, *ANALYST).status_code == 303
