"""Channel-agnostic conversation core of sro-bot."""
