"""Shared shapes: the error body, money strings, strict request base."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Extra, Field


class Strict(BaseModel):
    """Request bodies reject unknown fields and strip surrounding whitespace."""

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class ErrorDetail(BaseModel):
    code: str = Field(..., description="Machine-readable error code")
    message: str = Field(..., description="Human-readable text, safe to show a customer")

    class Config:
        extra = Extra.allow


class ErrorBody(BaseModel):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the given error statuses."""
    return {status: {"model": ErrorBody} for status in statuses}


MoneyStr = str  # "42.50": two decimals, never a float
OptionalStr = Optional[str]
