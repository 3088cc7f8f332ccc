"""SMS and WhatsApp through Twilio's messaging webhook."""

from channels.twilio_channel.channel import TwilioSMSInput, TwilioWhatsAppInput

__all__ = ["TwilioSMSInput", "TwilioWhatsAppInput"]
