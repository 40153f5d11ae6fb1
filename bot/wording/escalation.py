"""Wording of presence answers, notices and the escalation conversation, in English and French."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "today": "today",
        "tomorrow": "tomorrow",
        "on_day": "on {day} {date}",
        "there": "{school}: the SRO{sro} is scheduled to be at the school {when}{note}. Plans can "
        "change; the main office ({phone}) can confirm.",
        "away": "{school}: the SRO{sro} is not expected at the school {when}{note}. The main "
        "office ({phone}) can reach the SRO for you.",
        "not_usual": "{school}: the SRO{sro} is not usually at the school {when} (usual days: "
        "{days}). The main office ({phone}) can reach the SRO for you.",
        "no_schedule": "I do not have the SRO's schedule for {school}. Its main office "
        "({phone}) knows it and can reach the SRO.",
        "unknown_school": "I could not find that school in my list. Your school's main office "
        "knows the SRO's schedule and can reach the SRO.",
        "which_school_presence": "Tell me your school's name and I will check the SRO's "
        "schedule for today.",
        "notice": "Notice from {school}: {text}",
        "lockdown_notice": "If anyone is in danger, call 911. Notice from {school}: {text} "
        "Follow staff and police instructions. Official updates come from the school, the "
        "school board and Calgary Police.",
        "offer": "Would you like me to pass your message to your school's SRO through the "
        "main office? Reply YES or NO.",
        "ask_message": "OK. Type the message you want the SRO to get (or NEVER MIND).",
        "ask_school": "Which school is it? Type the school's name (or NEVER MIND).",
        "school_again": "I could not find that school. Type its full name, or NEVER MIND.",
        "consent_sms": "Should the office see who you are? 1) Share my number 2) Share my name "
        "3) Stay anonymous",
        "consent_other": "Should the office see who you are? 1) Share my name 2) Stay anonymous",
        "share_number": "Share my number",
        "share_name": "Share my name",
        "anonymous": "Stay anonymous",
        "ask_name": "What name should the office see?",
        "opened": "Thanks. Your message is case {number} for {school}'s main office, which will "
        "pass it to the SRO. Reply STATUS to check on it (from another phone or browser: STATUS "
        "{code}). If anyone is in danger, call 911.",
        "yes": "Yes",
        "no": "No",
        "cancelled": "OK, I did not send anything.",
        "private_only": "In a group I answer questions only. To reach your SRO or check a "
        "case, message me directly.",
        "no_cases": "You have no case with a school office. If you want to reach your SRO, "
        "ask me to contact the SRO.",
        "status_line": "Case {number} ({school}): {status}.",
        "status_reply": " Latest reply: {reply}",
        "status_new": "sent, waiting for the office",
        "status_acknowledged": "seen by the office",
        "status_resolved": "closed by the office",
        "urgent_opened": "I have also alerted {school}'s main office (case {number}).",
        "urgent_ask_school": "If you tell me your school, I will also alert its main office.",
        "staff_sent": "Sent to the sender of case {number}.",
        "days": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
    "fr": {
        "today": "aujourd'hui",
        "tomorrow": "demain",
        "on_day": "le {day} {date}",
        "there": "{school} : l'agent{sro} doit être à l'école {when}{note}. L'horaire peut "
        "changer; "
        "le secrétariat ({phone}) peut confirmer.",
        "away": "{school} : l'agent{sro} n'est pas attendu à l'école {when}{note}. Le "
        "secrétariat ({phone}) peut le joindre pour toi.",
        "not_usual": "{school} : l'agent{sro} n'est habituellement pas à l'école {when} (jours "
        "habituels : {days}). Le secrétariat ({phone}) peut le joindre pour toi.",
        "no_schedule": "Je n'ai pas l'horaire de l'agent pour {school}. Le secrétariat "
        "({phone}) le connaît et peut le joindre.",
        "unknown_school": "Je ne trouve pas cette école dans ma liste. Le secrétariat de ton "
        "école connaît l'horaire de l'agent et peut le joindre.",
        "which_school_presence": "Donne-moi le nom de ton école et je vérifierai l'horaire "
        "de l'agent pour aujourd'hui.",
        "notice": "Avis de {school} : {text}",
        "lockdown_notice": "Si quelqu'un est en danger, appelle le 911. Avis de {school} : "
        "{text} Suis les consignes du personnel et de la police. Les mises à jour officielles "
        "viennent de l'école, du conseil scolaire et de la police de Calgary.",
        "offer": "Veux-tu que je transmette ton message à l'agent de ton école par "
        "le secrétariat? Réponds OUI ou NON.",
        "ask_message": "D'accord. Écris le message pour l'agent (ou LAISSE TOMBER).",
        "ask_school": "De quelle école s'agit-il? Écris son nom (ou LAISSE TOMBER).",
        "school_again": "Je ne trouve pas cette école. Écris son nom complet, ou LAISSE TOMBER.",
        "consent_sms": "Le secrétariat peut-il savoir qui tu es? 1) Partager mon numéro "
        "2) Partager mon nom 3) Rester anonyme",
        "consent_other": "Le secrétariat peut-il savoir qui tu es? 1) Partager mon nom "
        "2) Rester anonyme",
        "share_number": "Partager mon numéro",
        "share_name": "Partager mon nom",
        "anonymous": "Rester anonyme",
        "ask_name": "Quel nom le secrétariat doit-il voir?",
        "opened": "Merci. Ton message est le dossier {number} pour le secrétariat de "
        "{school}, qui le transmettra à l'agent. Réponds STATUT pour le suivre (d'un autre "
        "téléphone ou navigateur : STATUT {code}). Si quelqu'un est en danger, appelle le 911.",
        "yes": "Oui",
        "no": "Non",
        "cancelled": "D'accord, je n'ai rien envoyé.",
        "private_only": "Dans un groupe, je réponds seulement aux questions. Pour joindre ton "
        "agent ou suivre un dossier, écris-moi directement.",
        "no_cases": "Tu n'as aucun dossier auprès d'un secrétariat.",
        "status_line": "Dossier {number} ({school}) : {status}.",
        "status_reply": " Dernière réponse : {reply}",
        "status_new": "envoyé, en attente du secrétariat",
        "status_acknowledged": "vu par le secrétariat",
        "status_resolved": "fermé par le secrétariat",
        "urgent_opened": "J'ai aussi alerté le secrétariat de {school} (dossier {number}).",
        "urgent_ask_school": "Si tu me dis ton école, j'alerterai aussi son secrétariat.",
        "staff_sent": "Envoyé à l'auteur du dossier {number}.",
        "days": "lundi,mardi,mercredi,jeudi,vendredi,samedi,dimanche",
    },
}


def text(key: str, lang: str) -> str:
    """The wording for key in lang, English when the language has none."""
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
