"""Log in and out. The login form is protected by a double-submit token (cookie + field)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from html import escape
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now
from bot.dashboard.layout import html_response, page
from bot.operators.accounts import LoginPolicy, LoginRefused, authenticate
from bot.operators.auth import (
    COOKIE,
    LOGIN_PATH,
    checked_form,
    read_form,
    require_operator,
    same_origin,
    session_policy,
)
from bot.operators.sessions import CurrentOperator, end, start
from bot.operators.throttle import LoginThrottle
from bot.services.secrets_util import same
from bot.settings import Settings

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "tcn_login_csrf"


def _throttle(request: Request) -> LoginThrottle:
    throttle: Optional[LoginThrottle] = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = LoginThrottle(limit=request.app.state.settings.operator_max_logins_per_address)
        request.app.state.login_throttle = throttle
    return throttle


def _safe_next(value: Optional[str]) -> str:
    """Only a path on this server (never //host or a full URL)."""
    if value and value.startswith("/dashboard") and not value.startswith("//"):
        return value
    return "/dashboard/"


def _login_form(next_url: str, token: str, error: str = "") -> str:
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        f'<section class="panel login">{alert}'
        f'<form method="post" action="{LOGIN_PATH}">'
        f'<input type="hidden" name="csrf_token" value="{escape(token)}">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        '<label for="username">Username</label>'
        '<input id="username" name="username" autocomplete="username" required>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button class="primary" type="submit">Log in</button></form></section>'
    )


def _login_page(settings: Settings, next_url: str, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = html_response(page("Log in", _login_form(next_url, token, error), None), status)
    response.set_cookie(LOGIN_COOKIE, token, max_age=1800, httponly=True, samesite="strict",
                        secure=settings.operator_cookie_secure, path=LOGIN_PATH)
    return response


@router.get(LOGIN_PATH)
def login_form(request: Request, next: Optional[str] = None) -> Response:
    return _login_page(request.app.state.settings, _safe_next(next))


@router.post(LOGIN_PATH)
async def login(
    request: Request, db: Session = Depends(get_db), now: datetime = Depends(get_now)
) -> Response:
    settings: Settings = request.app.state.settings
    form = await read_form(request)
    next_url = _safe_next(form.get("next"))
    cookie_token = request.cookies.get(LOGIN_COOKIE, "")
    field_token = form.get("csrf_token", "")
    if not cookie_token or not same(cookie_token, field_token) or not same_origin(request):
        return _login_page(settings, next_url, "The login form expired. Please try again.", 403)
    throttle = _throttle(request)
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(address, now)
    if wait is not None:
        response = _login_page(settings, next_url, "Too many failed logins from this address. "
                               f"Try again in {wait // 60 + 1} minutes.", 429)
        response.headers["Retry-After"] = str(wait)
        return response
    policy = LoginPolicy(settings.operator_max_failed_logins,
                         timedelta(minutes=settings.operator_lockout_minutes))
    try:
        operator = authenticate(db, username=form.get("username", ""),
                                password=form.get("password", ""), now=now, policy=policy)
    except LoginRefused as refused:
        db.commit()  # the failure count and the audit record
        throttle.failed(address, now)
        return _login_page(settings, next_url, refused.message, 401)
    throttle.succeeded(address)
    token, _ = start(db, operator, now=now, policy=session_policy(settings))
    db.commit()
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=settings.operator_cookie_secure,
        path="/", max_age=settings.operator_session_max_hours * 3600,
    )
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/dashboard/logout")
async def logout(
    request: Request,
    operator: CurrentOperator = Depends(require_operator("analyst", "agent")),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    await checked_form(request, operator)
    end(db, request.cookies.get(COOKIE), now=now)
    db.commit()
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
