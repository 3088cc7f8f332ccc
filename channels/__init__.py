"""Customer-facing channels: the web widget, Twilio SMS/WhatsApp and Telegram."""
