"""Every error is JSON: {"error": {"code": ..., "message": ..., <extra>}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.services.errors import DomainError

logger = logging.getLogger("bot.api")

HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Authentication is required."),
    403: ("forbidden", "This is not allowed."),
    404: ("not_found", "There is nothing here."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON."),
}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after_seconds" in extra:
        headers["Retry-After"] = str(extra["retry_after_seconds"])
    return JSONResponse(
        {"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers
    )


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "__root__")]
    return ".".join(parts) or "body"


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    fields = []
    for err in exc.errors():
        if err.get("type") == "value_error.jsondecode":
            return "The request body is not valid JSON.", [
                {"field": "body", "message": "invalid JSON"}
            ]
        fields.append({"field": _field(err.get("loc", ())), "message": str(err.get("msg", ""))})
    if not fields:
        return "The request is not valid.", fields
    first = fields[0]
    return f"Invalid {first['field']}: {first['message']}.", fields


def _validation_code(fields: list[dict[str, str]]) -> str:
    """``invalid_<field>`` when one top-level field is at fault, else ``invalid_request``."""
    names = {f["field"].split(".")[0] for f in fields}
    if len(names) == 1:
        (name,) = names
        if name.isidentifier() and name not in ("body", "query", "path", "header"):
            return f"invalid_{name}"
    return "invalid_request"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, fields = _validation_message(exc)
        return error_response(422, _validation_code(fields), message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_CODES.get(exc.status_code, ("http_error", "The request failed."))
        return error_response(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
