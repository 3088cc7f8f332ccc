"""Request and response shapes of the rollout API (percentages are strings: "12.50")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional, Union

from pydantic import BaseModel, Field

from bot.api.schemas.common import Strict


class ChannelOut(BaseModel):
    channel: str
    enabled: bool
    percentage: str = Field(..., description='0.00-100.00, e.g. "12.50"')
    default: bool = Field(..., description="True until an operator sets this channel")


class ChannelStatus(BaseModel):
    """What the action server needs at the start of a session."""

    channel: str = Field(..., description="The input channel asked about")
    rollout_channel: str
    enabled: bool
    portal_url: str
    support_phone: str


class ChannelChange(Strict):
    enabled: Optional[bool] = None
    percentage: Optional[Union[str, float, int]] = Field(
        None, description="0-100, at most two decimals"
    )


class AllowListAdd(Strict):
    account_number: str = Field(..., min_length=1, max_length=20)


class AllowListChange(BaseModel):
    account_number: str
    allow_list: bool
    changed: bool


class ChangeOut(BaseModel):
    created_at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any]
    after: dict[str, Any]


class RefusalOut(BaseModel):
    day: date
    channel: str
    reason: str
    count: int


class RolloutOut(BaseModel):
    channels: list[ChannelOut]
    changes: list[ChangeOut]
    refusals: list[RefusalOut]
