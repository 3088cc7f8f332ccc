"""FastAPI dependencies for operator pages: who is logged in, roles, CSRF-checked forms.

Usage in any router (the dashboard's, the rollout page's)::

    from bot.operators.auth import CurrentOperator, checked_form, require_operator

    @router.get("/dashboard/thing")
    def thing(operator: CurrentOperator = Depends(require_operator("analyst", "agent"))): ...

    @router.post("/dashboard/thing")
    async def change(request: Request,
                     operator: CurrentOperator = Depends(require_operator("analyst"))):
        form = await checked_form(request, operator)   # 403 unless the CSRF token matches

Not logged in (or the session expired): a GET is redirected (303) to the login page
with ``next`` set; anything else answers 401. Logged in with a role not listed: 403.
The handlers are installed by :func:`install_handlers` (``bot.dashboard.install``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Optional
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now
from bot.operators import ROLES
from bot.operators.sessions import CurrentOperator, SessionPolicy, resume
from bot.services.secrets_util import same
from bot.settings import Settings

__all__ = ["COOKIE", "CurrentOperator", "checked_form", "install_handlers", "require_operator"]

COOKIE = "tcn_operator"
LOGIN_PATH = "/dashboard/login"
FORM_TYPE = "application/x-www-form-urlencoded"


class NotLoggedIn(Exception):
    def __init__(self, method: str, next_url: str) -> None:
        super().__init__("not logged in")
        self.method = method
        self.next_url = next_url


class WrongRole(Exception):
    def __init__(self, operator: CurrentOperator, roles: tuple[str, ...]) -> None:
        super().__init__("wrong role")
        self.operator = operator
        self.roles = roles


class FormRefused(Exception):
    def __init__(self, operator: Optional[CurrentOperator], message: str) -> None:
        super().__init__(message)
        self.operator = operator
        self.message = message


def session_policy(settings: Settings) -> SessionPolicy:
    from datetime import timedelta

    return SessionPolicy(
        idle=timedelta(minutes=settings.operator_session_minutes),
        absolute=timedelta(hours=settings.operator_session_max_hours),
    )


def _local_path(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def require_operator(*roles: str) -> Callable[..., CurrentOperator]:
    """A dependency returning the logged-in operator if their role is one of ``roles``."""
    unknown = [role for role in roles if role not in ROLES]
    if not roles or unknown:
        raise ValueError(f"roles must be among {ROLES}, got {roles}")

    def dependency(
        request: Request, db: Session = Depends(get_db), now: datetime = Depends(get_now)
    ) -> CurrentOperator:
        settings: Settings = request.app.state.settings
        operator = resume(db, request.cookies.get(COOKIE), now=now,
                          policy=session_policy(settings))
        if operator is None:
            raise NotLoggedIn(request.method, _local_path(request))
        db.commit()  # the sliding expiry
        if operator.role not in roles:
            raise WrongRole(operator, roles)
        return operator

    return dependency


def same_origin(request: Request) -> bool:
    """A browser's Origin (or Referer) header, when sent, must be this server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.headers.get("host", "")


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body as a dict (first value of each field)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


async def checked_form(request: Request, operator: CurrentOperator) -> dict[str, str]:
    """The posted form, after checking its ``csrf_token`` and the request's origin."""
    form = await read_form(request)
    token = form.get("csrf_token", "")
    if not token or not same(token, operator.csrf_token) or not same_origin(request):
        raise FormRefused(operator, "This form has expired or did not come from this page. "
                                    "Reload the page and try again.")
    return form


def install_handlers(app: FastAPI) -> None:
    from bot.dashboard.layout import html_response, message_page

    @app.exception_handler(NotLoggedIn)
    async def _login(_request: Request, exc: NotLoggedIn) -> Response:
        if exc.method in ("GET", "HEAD"):
            return RedirectResponse(f"{LOGIN_PATH}?next={quote(exc.next_url)}", status_code=303)
        return html_response(
            message_page("Please log in", "Your session has ended. "
                         f'<a href="{LOGIN_PATH}">Log in again</a>.', None),
            status_code=401,
        )

    @app.exception_handler(WrongRole)
    async def _forbidden(_request: Request, exc: WrongRole) -> Response:
        needed = " or ".join(exc.roles)
        return html_response(
            message_page("Not allowed", f"This page is for the {needed} role; you are "
                         f"logged in as {exc.operator.role}.", exc.operator),
            status_code=403,
        )

    @app.exception_handler(FormRefused)
    async def _refused(_request: Request, exc: FormRefused) -> Response:
        return html_response(message_page("Form refused", escape(exc.message), exc.operator),
                             status_code=403)
