"""Telegram through python-telegram-bot (webhook or polling)."""

from channels.telegram_channel.channel import TelegramInput

__all__ = ["TelegramInput"]
