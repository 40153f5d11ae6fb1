"""Channels in front of the answering core: Twilio SMS, Telegram and a web chat, one Flask app."""
