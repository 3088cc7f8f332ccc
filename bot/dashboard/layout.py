"""The dashboard's page frame: header, navigation by role, log-out form, stylesheet.

``page(title, body_html, operator)`` wraps trusted HTML (escape every value you put in
``body_html``); ``csrf_field(operator)`` is the hidden input every POST form needs.
No scripts, no external resources.
"""

from __future__ import annotations

from html import escape
from typing import Optional

from fastapi.responses import HTMLResponse

from bot.operators.sessions import CurrentOperator

CSS = """
*{box-sizing:border-box}body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2733;
margin:0;line-height:1.45;background:#f6f8fa}
header{background:#0b5cad;color:#fff;padding:10px 24px;display:flex;align-items:center;gap:24px}
header h1{font-size:18px;margin:0}header nav a{color:#fff;margin-right:16px;text-decoration:none}
header nav a[aria-current=page]{text-decoration:underline}header .who{margin-left:auto}
header form{display:inline}header button{background:none;border:1px solid #fff;color:#fff;
border-radius:4px;padding:3px 10px;cursor:pointer}
main{max-width:1100px;margin:0 auto;padding:20px 24px}h2{font-size:20px;margin-top:0}
h3{font-size:16px;border-bottom:1px solid #d5dbe3;padding-bottom:4px;margin-top:28px}
section.panel{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:14px 18px;
margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #d5dbe3;
border-radius:6px;padding:10px 12px;min-width:150px;flex:1}.label{color:#55606e;font-size:13px}
.value{font-size:22px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:10px 0;font-size:14px;background:#fff}
th,td{border-bottom:1px solid #e3e7ec;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f6f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
svg{display:block;margin:10px 0;max-width:100%}
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end}
label{display:block;font-size:13px;color:#55606e}input,select,textarea{font:inherit;padding:4px 6px}
textarea{width:100%;min-height:80px}button.primary{background:#0b5cad;color:#fff;border:0;
border-radius:4px;padding:6px 14px;cursor:pointer}button.secondary{background:#fff;
border:1px solid #0b5cad;color:#0b5cad;border-radius:4px;padding:6px 14px;cursor:pointer}
.error{background:#fbe3e0;border:1px solid #e4a49b;padding:8px 12px;border-radius:4px}
.notice{background:#e3f4e8;border:1px solid #9bd2ab;padding:8px 12px;border-radius:4px}
.muted{color:#6b7684}pre.transcript{white-space:pre-wrap;background:#f3f6f9;padding:10px;
border-radius:4px;font-size:13px}
.msg{margin:4px 0;padding:6px 10px;border-radius:6px;max-width:80%}
.msg.user{background:#e8eef5}.msg.bot{background:#f3f6f9;margin-left:auto}
.msg.agent{background:#e3f4e8;margin-left:auto}.msg small{display:block;color:#6b7684}
.login{max-width:360px;margin:60px auto}.login input{width:100%;margin-bottom:10px}
"""


def csrf_field(operator: CurrentOperator) -> str:
    return f'<input type="hidden" name="csrf_token" value="{escape(operator.csrf_token)}">'


def _nav(operator: Optional[CurrentOperator], current: str) -> str:
    if operator is None:
        return ""
    links = [("/dashboard/", "Charts")]
    if operator.role == "agent":
        links.append(("/dashboard/handoffs", "Handoff queue"))
    if operator.role == "analyst":
        links.append(("/dashboard/rollout", "Rollout"))  # bot/rollout/page.py
    items = "".join(
        f'<a href="{href}"{" aria-current=page" if href == current else ""}>{label}</a>'
        for href, label in links
    )
    logout = (
        f'<form method="post" action="/dashboard/logout">{csrf_field(operator)}'
        '<button type="submit">Log out</button></form>'
    )
    who = f'<span class="who">{escape(operator.username)} ({escape(operator.role)}) {logout}</span>'
    return f"<nav>{items}</nav>{who}"


def page(
    title: str, body_html: str, operator: Optional[CurrentOperator], current: str = ""
) -> str:
    """A whole HTML page around ``body_html`` (trusted, already escaped)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · TeleComNet operators</title><style>{CSS}</style></head>"
        f"<body><header><h1>TeleComNet operators</h1>{_nav(operator, current)}</header>"
        f"<main><h2>{escape(title)}</h2>{body_html}</main></body></html>"
    )


def message_page(title: str, body_html: str, operator: Optional[CurrentOperator]) -> str:
    return page(title, f'<section class="panel"><p>{body_html}</p></section>', operator)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def html_response(html: str, status_code: int = 200) -> HTMLResponse:
    """An HTML response with the dashboard's security headers (no scripts allowed)."""
    return HTMLResponse(html, status_code=status_code, headers=dict(SECURITY_HEADERS))
