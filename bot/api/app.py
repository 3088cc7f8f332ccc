"""The backend of record as one FastAPI application."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from bot.api import errors
from bot.api.deps import require_service_key
from bot.api.limits import BodySizeLimit
from bot.api.routes import (
    account,
    addons,
    arrangements,
    demo,
    health,
    identity,
    outages,
    pay_page,
    payments,
    plans,
    profile,
    service_requests,
)
from bot.dashboard import install as install_dashboard
from bot.db.engine import make_engine, make_session_factory
from bot.rollout import api as rollout_api
from bot.rollout import page as rollout_page
from bot.services.clock import Clock, system_clock
from bot.services.gateway import PaymentGateway, make_gateway
from bot.services.outbox import EmailTransport, SmsTransport, make_email_transport, make_transport
from bot.settings import ROOT, Settings, get_settings

STATIC_DIR = ROOT / "channels" / "webchat" / "static"


def api_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_service_key)])
    for module in (
        identity,
        account,
        profile,
        plans,
        addons,
        payments,
        arrangements,
        service_requests,
        outages,
    ):
        router.include_router(module.router)
    router.include_router(rollout_api.service_router)
    if settings.demo_mode:
        router.include_router(demo.router)
    return router


def create_app(
    settings: Optional[Settings] = None,
    *,
    clock: Clock = system_clock,
    sms_transport: Optional[SmsTransport] = None,
    email_transport: Optional[EmailTransport] = None,
    gateway: Optional[PaymentGateway] = None,
    static_dir: Optional[Path] = STATIC_DIR,
) -> FastAPI:
    """The whole backend: /api/v1, /health, and the portal help page at /."""
    settings = settings or get_settings()
    settings.check_secrets()
    app = FastAPI(
        title="TeleComNet backend of record",
        version="1.0.0",
        description="Accounts, billing, payments and service requests.",
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.clock = clock
    app.state.sms_transport = sms_transport or make_transport(settings)
    app.state.email_transport = email_transport or make_email_transport(settings)
    app.state.gateway = gateway or make_gateway(settings.payment_gateway)

    errors.install(app)
    app.include_router(rollout_api.operator_router)  # operator login, role analyst
    app.include_router(rollout_page.router)  # /dashboard/rollout
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Service-Key"],
    )
    app.add_middleware(BodySizeLimit)
    app.include_router(health.router)
    app.include_router(api_router(settings))
    install_dashboard(app)  # operator pages under /dashboard (login, charts, queue)
    if settings.demo_mode:
        app.include_router(pay_page.router)

    @app.on_event("shutdown")
    def _dispose() -> None:
        engine.dispose()

    if static_dir is not None and static_dir.is_dir():
        app.mount("/", StaticFiles(directory=static_dir, html=True), name="portal")
    return app
