"""Helpers shared by the messaging channels (SMS, WhatsApp, Telegram)."""
