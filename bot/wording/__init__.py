"""Every sentence the bot says: replies, escalation, safety, alerts."""
