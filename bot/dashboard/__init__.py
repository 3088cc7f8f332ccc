"""The operator dashboard: login, charts (analyst, agent), handoff queue (agent).

``install(app)`` adds the pages under ``/dashboard`` and the login/role handlers.
"""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    from bot.dashboard import login, metrics_page, queue_page
    from bot.operators.auth import install_handlers

    install_handlers(app)
    app.include_router(login.router)
    app.include_router(metrics_page.router)
    app.include_router(queue_page.router)
