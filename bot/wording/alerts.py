"""Wording of what leaves the system about a case: office alerts and notes to the sender.

Privacy: an alert shows the sender's number only when they agreed to share it, their name
only when they gave one, and never a Telegram id or web session id."""

from __future__ import annotations

from bot.storage.models import Case

SENDER_NOTES = {
    "en": {
        "ack": "{school}'s main office has seen your message (case {number}) and will pass it "
        "to the SRO. Emergencies: 911.",
        "relay": "Reply from {school}'s main office about case {number}: {text} Emergencies: 911.",
    },
    "fr": {
        "ack": "Le secrétariat de {school} a vu ton message (dossier {number}) et le "
        "transmettra à l'agent. Urgence : 911.",
        "relay": "Réponse du secrétariat de {school} (dossier {number}) : {text} Urgence : 911.",
    },
}
STAFF_REFUSALS = {  # answers to an SMS reply that was not relayed; to staff, in English
    # one answer for an unknown number, an unknown code and another school's code, so that
    # a number that is not a staff mobile never learns whether a case exists
    "no_match": "Not sent: this number and reply code do not match an open case. Use the "
    "code in the alert (R- and 6 characters), or the office dashboard.",
    "case_number": "Not sent: start with the case's reply code from the alert (R- and 6 "
    "characters), not its case number.",
    "resolved": "Not sent: case {number} is resolved.",
    "empty": "Not sent: write your reply after the code, e.g. {code} We will call you at lunch.",
}
CHANNEL_NAMES = {"sms": "SMS", "telegram": "Telegram", "web": "web chat", "cli": "terminal"}


def who(case: Case) -> str:
    """How staff see the sender: name and number only with consent, otherwise anonymous."""
    parts = [case.contact_name] if case.contact_name else []
    if case.share_number and case.channel == "sms":
        parts.append(case.reply_to)
    return ", ".join(parts) or "anonymous"


def alert_subject(case: Case, again: bool = False) -> str:
    """Email subject of an office alert."""
    urgent = "URGENT " if case.urgent else ""
    reminder = "REMINDER: " if again else ""
    return f"{reminder}{urgent}SRO case {case.number} for {case.school.name}"


def alert_text(case: Case, first_message: str, office_url: str, again: bool = False) -> str:
    """The office alert: what, from whom (as consented), how to answer."""
    lines = [
        alert_subject(case, again) + f" (via {CHANNEL_NAMES.get(case.channel, case.channel)})",
        f"From: {who(case)}",
        f"Message: {first_message}",
    ]
    if case.urgent:
        lines.append("The sender was told to call 911. Please check on this now.")
    if again:
        lines.append("Nobody has acknowledged this case yet.")
    lines.append(_how_to_answer(case, office_url))
    return "\n".join(lines)


def _how_to_answer(case: Case, office_url: str) -> str:
    dashboard = f"{office_url}/office" if office_url else "the office dashboard"
    if not case.staff_code:  # a case opened before reply codes: the dashboard only
        return f"To answer the sender, open {dashboard}."
    return (
        f"To answer the sender, reply to the SMS alert from a staff mobile, starting with "
        f"{case.staff_code}, or open {dashboard}."
    )


def digest_text(lead: Case, reports: int, minutes: int, office_url: str) -> str:
    """The office's digest of further reports about an incident (no message text: the
    dashboard shows each one)."""
    where = f"{office_url}/office" if office_url else "the office dashboard"
    return (
        f"URGENT SRO incident {lead.number} for {lead.school.name}: {reports} more "
        f"report{'s' if reports != 1 else ''} in the last {minutes} minutes. Every report is in "
        f"{where}."
    )


def staff_refusal(kind: str, case: Case | None = None, code: str = "") -> str:
    """Why a staff SMS reply was not relayed."""
    return STAFF_REFUSALS[kind].format(number=case.number if case else "", code=code)


def sender_note(kind: str, case: Case, text: str = "") -> str:
    """A note to the sender: acknowledged, or a staff reply."""
    notes = SENDER_NOTES.get(case.lang, SENDER_NOTES["en"])
    return notes[kind].format(school=case.school.name, number=case.number, text=text)
