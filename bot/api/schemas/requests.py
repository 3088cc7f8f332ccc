"""Service requests and outages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from pydantic import BaseModel, Field, validator

from bot.api.schemas.common import Strict

Category = Literal[
    "fault",
    "sim_replacement",
    "relocation",
    "new_line",
    "installation",
    "plan_issue",
    "human_handoff",
]


class ServiceRequestIn(Strict):
    category: Category
    description: str = Field(..., min_length=1, max_length=2000)
    appointment_start: Optional[datetime] = None
    conversation_id: Optional[str] = Field(None, max_length=128)
    transcript: Optional[str] = Field(None, max_length=20000)

    @validator("appointment_start")
    def _aware(cls, value: Optional[datetime]) -> Optional[datetime]:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with a UTC offset, e.g. 2026-12-01T09:00:00Z")
        return value


class ServiceRequestOut(BaseModel):
    reference: str
    category: str
    kind: str
    description: str
    summary: str
    status: str
    appointment_start: Optional[datetime]
    appointment: Optional[datetime]
    channel: str
    created_at: datetime
    updated_at: datetime
    expected_wait_minutes: Optional[int]


class ServiceRequestsOut(BaseModel):
    service_requests: list[ServiceRequestOut]


class OutageOut(BaseModel):
    outage_id: int
    postcode: str
    service: str
    status: str
    description: str
    started_at: datetime
    estimated_resolution: Optional[datetime]


class OutagesOut(BaseModel):
    postcode: str
    outages: list[OutageOut]
