"""Channel adapters: Twilio SMS, Telegram and the web chat. They only translate."""
