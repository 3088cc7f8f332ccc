"""The operators' "Rollout" page (``/dashboard/rollout``, role analyst), on the dashboard
layout: channels with their switch and percentage, the allow-list, changes, refusals.

Forms post back here with the session's CSRF token; every change goes through
:mod:`bot.rollout.changes` (validated, audited) and redirects back (303) with a notice.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now, get_settings
from bot.dashboard.layout import csrf_field, html_response, page
from bot.operators.auth import CurrentOperator, checked_form, require_operator
from bot.rollout import changes
from bot.rollout.api import ROLE, overview
from bot.rollout.schemas import RolloutOut
from bot.services.errors import DomainError
from bot.settings import Settings

PATH = "/dashboard/rollout"
router = APIRouter(prefix=PATH, include_in_schema=False)


def _channels(view: RolloutOut, operator: CurrentOperator) -> str:
    rows = []
    for c in view.channels:
        name = escape(c.channel)
        selected = ("selected" if c.enabled else "", "" if c.enabled else "selected")
        rows.append(
            f"<tr><td>{name}{' <span class=muted>(default)</span>' if c.default else ''}</td>"
            f"<td>{'yes' if c.enabled else 'no'}</td><td class=num>{escape(c.percentage)}%</td>"
            f'<td><form method="post" action="{PATH}/channels/{quote(c.channel)}">'
            f"{csrf_field(operator)}"
            f'<label>enabled <select name="enabled"><option value="yes" {selected[0]}>yes'
            f'</option><option value="no" {selected[1]}>no</option></select></label> '
            f'<label>percentage <input name="percentage" size="6" '
            f'value="{escape(c.percentage)}" inputmode="decimal"></label> '
            '<button class="primary" type="submit">Save</button></form></td></tr>'
        )
    return (
        "<table><tr><th>channel</th><th>enabled</th><th>percentage</th><th>change</th></tr>"
        + "".join(rows) + "</table>"
    )


def _allow_list(operator: CurrentOperator) -> str:
    return (
        f'<form method="post" action="{PATH}/allow-list" class="filters">{csrf_field(operator)}'
        '<label>account number <input name="account_number" placeholder="AC10000002" '
        'required maxlength="20"></label>'
        '<button class="primary" type="submit" name="action" value="allow">Allow</button>'
        '<button class="secondary" type="submit" name="action" value="disallow">Disallow'
        "</button></form>"
    )


def _changes(view: RolloutOut) -> str:
    if not view.changes:
        return '<p class="muted">No changes yet.</p>'
    rows = "".join(
        f"<tr><td>{c.created_at:%Y-%m-%d %H:%M:%S}</td><td>{escape(c.actor)}</td>"
        f"<td>{escape(c.action)}</td><td>{escape(c.target)}</td>"
        f"<td>{escape(str(c.before))}</td><td>{escape(str(c.after))}</td></tr>"
        for c in view.changes
    )
    return ("<table><tr><th>when (UTC)</th><th>who</th><th>what</th><th>target</th>"
            f"<th>before</th><th>after</th></tr>{rows}</table>")


def _refusals(view: RolloutOut) -> str:
    if not view.refusals:
        return '<p class="muted">Nobody was turned away in the last 30 days.</p>'
    rows = "".join(
        f"<tr><td>{r.day}</td><td>{escape(r.channel)}</td><td>{escape(r.reason)}</td>"
        f"<td class=num>{r.count}</td></tr>"
        for r in view.refusals
    )
    head = "<tr><th>day</th><th>channel</th><th>reason</th><th>refused</th></tr>"
    return f"<table>{head}{rows}</table>"


def render(view: RolloutOut, operator: CurrentOperator, notice: str = "", error: str = "") -> str:
    banner = ""
    if notice:
        banner = f'<p class="notice">{escape(notice)}</p>'
    if error:
        banner = f'<p class="error">{escape(error)}</p>'
    body = (
        banner
        + '<section class="panel"><h3>Channels</h3><p class="muted">A customer is served iff '
        "the channel is enabled and they are on the allow-list or their stable bucket is "
        "below the percentage. Changes apply to the next verification.</p>"
        + _channels(view, operator) + "</section>"
        + '<section class="panel"><h3>Allow-list (pilot customers)</h3>'
        + _allow_list(operator) + "</section>"
        + '<section class="panel"><h3>Latest changes</h3>' + _changes(view) + "</section>"
        + '<section class="panel"><h3>Refusals</h3>' + _refusals(view) + "</section>"
    )
    return page("Rollout", body, operator, PATH)


@router.get("")
def rollout_page(
    notice: Optional[str] = Query(None, max_length=200),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(require_operator(ROLE)),
) -> Response:
    return html_response(render(overview(db, settings, now), operator, notice or ""))


def _back(notice: str) -> RedirectResponse:
    return RedirectResponse(f"{PATH}?notice={quote(notice)}", status_code=303)


def _refused(db: Session, settings: Settings, now: datetime, operator: CurrentOperator,
             error: DomainError) -> Response:
    db.rollback()
    return html_response(render(overview(db, settings, now), operator, error=error.message),
                         status_code=422 if error.status == 422 else error.status)


@router.post("/channels/{channel}")
async def post_channel(
    request: Request,
    channel: str = Path(..., min_length=1, max_length=32),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(require_operator(ROLE)),
) -> Response:
    form = await checked_form(request, operator)
    enabled = {"yes": True, "no": False}.get(form.get("enabled", ""))
    try:
        if form.get("enabled") and enabled is None:
            raise DomainError(422, "invalid_enabled", "Enabled is yes or no.")
        after = changes.set_channel(
            db, settings, channel=channel, actor=operator.username, now=now,
            enabled=enabled, percentage=form.get("percentage") or None,
        )
    except DomainError as error:
        return _refused(db, settings, now, operator, error)
    db.commit()
    state = "enabled" if after.enabled else "disabled"
    return _back(f"{after.channel}: {state} at {after.percentage}%.")


@router.post("/allow-list")
async def post_allow_list(
    request: Request,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
    operator: CurrentOperator = Depends(require_operator(ROLE)),
) -> Response:
    form = await checked_form(request, operator)
    allowed = form.get("action", "allow") != "disallow"
    account = form.get("account_number", "")
    try:
        changed = changes.set_allowed(
            db, account_number=account, allowed=allowed, actor=operator.username, now=now
        )
    except DomainError as error:
        return _refused(db, settings, now, operator, error)
    db.commit()
    where = "on" if allowed else "off"
    suffix = "" if changed else " (already; nothing changed)"
    return _back(f"{account.strip().upper()} is {where} the allow-list{suffix}.")
