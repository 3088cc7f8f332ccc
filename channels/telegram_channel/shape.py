"""The shape of a Telegram update that the channel acts on, checked before anything else.

python-telegram-bot builds its objects from whatever JSON it is given without checking
field types, so an update whose chat id is ``""`` or ``"abc"`` would otherwise reach the
assistant and be answered into a chat that cannot exist. Telegram's Bot API documents
these ids as integers (at most 52 significant bits); the webhook is authenticated by the
secret token, so an update of another shape is a bug or a forgery either way: it gets no
answer and no conversation.

Only the parts the channel reads are checked; other fields and other update kinds pass
through untouched (the channel ignores kinds it does not handle).
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field, StrictStr, ValidationError, conint

# Bot API ids fit in a signed 64-bit integer; anything larger is not an id.
ApiId = conint(strict=True, ge=-(2**63), lt=2**63)


class _Chat(BaseModel):
    id: ApiId  # type: ignore[valid-type]
    type: StrictStr


class _User(BaseModel):
    id: ApiId  # type: ignore[valid-type]


class _Message(BaseModel):
    message_id: ApiId  # type: ignore[valid-type]
    chat: _Chat
    from_user: Optional[_User] = Field(None, alias="from")
    text: Optional[StrictStr] = None


class _CallbackQuery(BaseModel):
    id: StrictStr
    from_user: _User = Field(alias="from")
    message: Optional[_Message] = None
    data: Optional[StrictStr] = None


class _Update(BaseModel):
    update_id: ApiId  # type: ignore[valid-type]
    message: Optional[_Message] = None
    edited_message: Optional[_Message] = None
    callback_query: Optional[_CallbackQuery] = None


def usable_update(data: dict[str, Any]) -> bool:
    """True when every part of the update the channel acts on has Telegram's types."""
    try:
        _Update.parse_obj(data)
    except (ValidationError, TypeError):
        return False
    return True
