"""Escalation to the school's office: the conversation flow, cases, and the desk the engine asks."""
