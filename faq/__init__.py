"""Knowledge base and matcher of sro-bot."""
