"""Demo hosted-payment page behind a one-time payment link (demo mode only).

In production ``TCN_PAYMENT_LINK_BASE_URL`` points at the payment provider's hosted
page and this router is not mounted. Card details never reach the chat or the API.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_gateway, get_now, get_settings
from bot.services import payment_links
from bot.services.errors import DomainError
from bot.services.gateway import APPROVE, DECLINE, INSUFFICIENT_FUNDS, TIMEOUT, PaymentGateway
from bot.services.money import as_str
from bot.settings import Settings

router = APIRouter(prefix="/pay", include_in_schema=False)
TOKEN = Path(..., min_length=1, max_length=64)
TEST_CARDS = {
    APPROVE: "Test Visa 4242 (approves)",
    DECLINE: "Test Mastercard 0002 (declined)",
    INSUFFICIENT_FUNDS: "Test Visa 9995 (insufficient funds)",
    TIMEOUT: "Test Visa 0119 (gateway timeout)",
}
OUTCOMES = {
    "succeeded": "Thank you: your payment of {amount} was received.",
    "declined": "The card was declined. Nothing was charged; you can try another card.",
    "failed": "The payment could not be made. Nothing was charged.",
    "pending": "We could not confirm the payment in time. Please do not pay again yet.",
}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} - TeleComNet</title></head><body>"
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _refusal(error: DomainError) -> HTMLResponse:
    return _page("Payment link", f"<p>{escape(error.message)}</p>", error.status)


@router.get("/{token}", response_class=HTMLResponse)
def show(
    token: str = TOKEN,
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> HTMLResponse:
    try:
        link = payment_links.describe(db, settings, token, now)
    except DomainError as error:
        return _refusal(error)
    options = "".join(
        f"<option value='{escape(value)}'>{escape(label)}</option>"
        for value, label in TEST_CARDS.items()
    )
    body = (
        f"<p>Hello {escape(link.first_name)}, this secure page takes a payment of "
        f"<strong>{escape(as_str(link.amount))} {escape(link.currency)}</strong>.</p>"
        "<p>Demo mode: choose a test card. A real deployment shows the payment "
        "provider's card form here.</p>"
        f"<form method='post' action='/pay/{escape(token)}'>"
        f"<label>Card <select name='card'>{options}</select></label> "
        "<button type='submit'>Pay</button></form>"
    )
    return _page("Secure payment", body)


@router.post("/{token}", response_class=HTMLResponse)
async def submit(request: Request, token: str = TOKEN) -> HTMLResponse:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    card = (form.get("card") or [""])[0]
    if card not in TEST_CARDS:
        return _page("Secure payment", "<p>Please choose a card.</p>", 422)
    return await _charge(request, token, card)


async def _charge(request: Request, token: str, card: str) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    app = request.app
    settings: Settings = get_settings(request)
    gateway: PaymentGateway = get_gateway(request)
    now = get_now(request)

    def work() -> HTMLResponse:
        db: Session = app.state.session_factory()
        try:
            payment = payment_links.redeem(
                db, settings, gateway, token=token, card_token=card, now=now
            )
            db.commit()
        except DomainError as error:
            return _refusal(error)
        finally:
            db.close()
        message = OUTCOMES[payment.status].format(
            amount=f"{as_str(payment.amount)} {settings.currency}"
        )
        return _page("Secure payment", f"<p>{escape(message)}</p>")

    return await run_in_threadpool(work)
