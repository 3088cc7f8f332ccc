"""Handoff queue pages (agent role): the list, one conversation, reply, hand back."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.analytics.vocabulary import CHANNEL_LABELS
from bot.api.deps import get_db, get_now
from bot.dashboard import queue, transcript
from bot.dashboard.delivery import NOT_IN_HISTORY, ReplyDelivery
from bot.dashboard.layout import csrf_field, html_response, page
from bot.dashboard.store import store_engine
from bot.db.models import ServiceRequest
from bot.operators.auth import checked_form, require_operator
from bot.operators.sessions import CurrentOperator

router = APIRouter(include_in_schema=False)
agent_only = require_operator("agent")
QUEUE = "/dashboard/handoffs"
NOTICES = {
    "sent": ("notice", "Reply delivered to the customer."),
    "failed": ("error", "The reply was stored but NOT delivered (see below)."),
    "not_possible": ("error", "The reply was stored but this channel cannot be reached."),
    "handed_back": ("notice", "Handed back to the assistant; the request is resolved."),
}


def _wait(created: datetime, now: datetime) -> str:
    minutes = max(int((now - created).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _channel(name: str) -> str:
    return CHANNEL_LABELS.get(name, name)


def _reason(request: Request, sr: ServiceRequest) -> str:
    """The handoff reason read from the conversation store, else the request's text."""
    try:
        found = transcript.handoff_reason(store_engine(request.app), sr.conversation_id or "",
                                          sr.created_at)
    except SQLAlchemyError:
        found = None
    return found or sr.description


def _delivery(request: Request) -> ReplyDelivery:
    return ReplyDelivery(request.app.state.settings, request.app.state.sms_transport)


@router.get(QUEUE)
def handoff_queue(
    request: Request,
    operator: CurrentOperator = Depends(agent_only),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    waiting = queue.open_handoffs(db)
    rows = "".join(
        "<tr>"
        f'<td><a href="{QUEUE}/{escape(w.request.reference)}">'
        f"{escape(w.request.reference)}</a></td>"
        f"<td>{escape(w.customer.first_name)} {escape(w.customer.last_name)} "
        f'<span class="muted">{escape(w.customer.account_number)}</span></td>'
        f"<td>{escape(_channel(w.request.channel))}</td>"
        f"<td>{escape(_reason(request, w.request))}</td>"
        f'<td class="num">{_wait(w.request.created_at, now)}</td>'
        f"<td>{'picked up' if w.request.status == 'in_progress' else 'waiting'} "
        f"({w.replies} {'reply' if w.replies == 1 else 'replies'})</td></tr>"
        for w in waiting
    )
    if not waiting:
        rows = '<tr><td colspan="6" class="muted">Nobody is waiting for a person.</td></tr>'
    table = (
        '<section class="panel"><table><thead><tr><th>Request</th><th>Customer</th>'
        "<th>Channel</th><th>Reason</th><th>Waiting</th><th>State</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )
    title = f"Handoff queue ({len(waiting)})"
    return html_response(page(title, table, operator, QUEUE))


def _conversation(lines: list[transcript.Line]) -> str:
    if not lines:
        return '<p class="muted">No messages since the handoff.</p>'
    names = {"customer": "Customer", "assistant": "Assistant", "agent": "Agent"}
    return "".join(
        f'<div class="msg {"user" if line.who == "customer" else line.who}">'
        f"<small>{names[line.who]} · {line.at:%d %b %H:%M} UTC"
        f"{' · ' + escape(line.note) if line.note else ''}</small>{escape(line.text)}</div>"
        for line in lines
    )


@router.get(QUEUE + "/{reference}")
def handoff_detail(
    request: Request,
    reference: str,
    notice: Optional[str] = None,
    operator: CurrentOperator = Depends(agent_only),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    found = queue.find(db, reference)
    if found is None:
        body = '<p class="error">There is no handoff with that reference.</p>'
        return html_response(page("Handoff not found", body, operator, QUEUE), 404)
    sr, customer = found
    try:
        lines = transcript.since(store_engine(request.app), sr.conversation_id or "",
                                 sr.created_at)
        store_note = ""
    except SQLAlchemyError:
        lines, store_note = [], "The conversation store could not be read."
    for message, username in queue.replies(db, sr):
        state = "delivered" if message.delivery == "sent" else f"NOT delivered: {message.detail}"
        if message.delivery == "sent" and NOT_IN_HISTORY in message.detail:
            state += ", NOT copied to the conversation history"
        lines.append(transcript.Line(message.created_at, "agent", message.body,
                                     f"{username}, {state}"))
    lines.sort(key=lambda line: line.at)
    kind, text = NOTICES.get(notice or "", ("", ""))
    alert = f'<p class="{kind}" role="status">{escape(text)}</p>' if text else ""
    active = sr.status in queue.ACTIVE
    forms = (
        f'<form method="post" action="{QUEUE}/{escape(sr.reference)}/reply">{csrf_field(operator)}'
        f'<label for="message">Reply to the customer on {escape(_channel(sr.channel))}</label>'
        f'<textarea id="message" name="message" maxlength="{queue.MAX_REPLY_CHARS}" required>'
        '</textarea><p><button class="primary" type="submit">Send reply</button></p></form>'
        f'<form method="post" action="{QUEUE}/{escape(sr.reference)}/hand-back">'
        f'{csrf_field(operator)}<button class="secondary" type="submit">'
        "Hand back to the assistant</button></form>"
    ) if active else f'<p class="muted">This request is {escape(sr.status)}.</p>'
    body = (
        f"{alert}<section class=\"panel\"><p><strong>{escape(customer.first_name)} "
        f"{escape(customer.last_name)}</strong> ({escape(customer.account_number)}) · "
        f"{escape(_channel(sr.channel))} · handed over {_wait(sr.created_at, now)} ago · "
        f"{escape(sr.status)}</p><p>Reason: {escape(_reason(request, sr))}</p></section>"
        '<section class="panel"><h3>Transcript when handed over</h3>'
        f'<pre class="transcript">{escape(sr.transcript or "(no transcript)")}</pre></section>'
        '<section class="panel"><h3>Since the handoff</h3>'
        f'<p><a href="{QUEUE}/{escape(sr.reference)}">Check for new messages</a></p>'
        f'{escape(store_note)}{_conversation(lines)}</section>'
        f'<section class="panel">{forms}</section>'
    )
    return html_response(page(f"Handoff {sr.reference}", body, operator, QUEUE))


def _back(reference: str, notice: str) -> Response:
    return RedirectResponse(f"{QUEUE}/{reference}?notice={notice}", status_code=303)


@router.post(QUEUE + "/{reference}/reply")
async def handoff_reply(
    request: Request,
    reference: str,
    operator: CurrentOperator = Depends(agent_only),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    form = await checked_form(request, operator)
    return await _act(request, db, operator, reference, now, form.get("message", ""))


@router.post(QUEUE + "/{reference}/hand-back")
async def handoff_hand_back(
    request: Request,
    reference: str,
    operator: CurrentOperator = Depends(agent_only),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    await checked_form(request, operator)
    return await _act(request, db, operator, reference, now, None)


async def _act(request: Request, db: Session, operator: CurrentOperator, reference: str,
               now: datetime, text: Optional[str]) -> Response:
    from starlette.concurrency import run_in_threadpool

    found = queue.find(db, reference)
    if found is None:
        body = '<p class="error">There is no handoff with that reference.</p>'
        return html_response(page("Handoff not found", body, operator, QUEUE), 404)
    sr, _ = found
    delivery = _delivery(request)
    try:
        if text is None:
            outcome = await run_in_threadpool(queue.hand_back, db, sr, operator, now, delivery)
            notice = "handed_back"
        else:
            outcome = await run_in_threadpool(queue.reply, db, sr, operator, text, now, delivery)
            notice = outcome.status
    except queue.QueueError as refused:
        db.rollback()
        body = (f'<p class="error" role="alert">{escape(refused.message)}</p>'
                f'<p><a href="{QUEUE}/{escape(sr.reference)}">Back to the conversation</a></p>')
        return html_response(page(f"Handoff {sr.reference}", body, operator, QUEUE), 422)
    db.commit()
    return _back(sr.reference, notice)
