"""Fixed wording of the engine, in every supported language. Emergency wording lives here, in code,
so that no knowledge-base edit can weaken it."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "emergency": "Call 911 now. This chat cannot send help.",
        "weapon": "Get away from the danger if you can. Hide, lock or block the door, silence "
        "your phone and call 911 as soon as it is safe to talk.",
        "threat": "Tell 911 exactly what was said or posted and who said it. Do not wait until "
        "tomorrow.",
        "violence": "Get to a safe place and call 911. Do not step between people fighting.",
        "medical": "Call 911 and stay with the person. Do what the 911 call-taker tells you.",
        "fire": "Leave by the nearest safe exit, pull the fire alarm on your way out and call "
        "911 from outside.",
        "followed": "Go into a busy store or public place, stay near other people and call 911.",
        "missing": "Tell 911 who is missing, what they wore, and where and when they were last "
        "seen.",
        "crime-in-progress": "Stay out of sight, do not confront anyone and call 911.",
        "hazard": "Keep yourself safe first: do not go into the danger. Call 911 and tell them "
        "exactly where you are.",
        "self-harm": "You matter, and you do not have to face this alone. Call or text 9-8-8 "
        "(Suicide Crisis Helpline) any time, or Kids Help Phone at 1-800-668-6868 (text CONNECT "
        "to 686868).",
        "not_sure": "Sorry, I am not sure I understood. Reply MENU to see what I can help with, "
        "or contact your school's main office to reach your School Resource Officer.",
        "did_you_mean": "Did you mean {options}? Reply with a number.",
        "or": "or",
        "menu": "Here is what I can help with. Reply with a number, or just type your question:",
        "greeting": "Hi! I answer questions about the Calgary Police School Resource Officer "
        "program. Type your question, or MENU to see topics.",
        "thanks": "You are welcome. Ask me anything else about your School Resource Officer.",
        "no_more": "Ask me a question first, then reply MORE for the longer answer.",
        "empty": "Please type a question, or MENU to see what I can help with.",
    },
    "fr": {
        "emergency": "Appelez le 911 maintenant. Ce clavardage ne peut pas envoyer d'aide.",
        "weapon": "Éloignez-vous du danger si vous le pouvez. Cachez-vous, verrouillez ou "
        "bloquez la porte, mettez votre téléphone en silencieux et appelez le 911 dès que "
        "vous pouvez parler.",
        "threat": "Dites au 911 exactement ce qui a été dit ou publié et par qui. N'attendez pas.",
        "violence": "Mettez-vous en sécurité et appelez le 911. Ne vous interposez pas.",
        "medical": "Appelez le 911 et restez avec la personne. Suivez les consignes du 911.",
        "fire": "Sortez par la sortie sûre la plus proche, déclenchez l'alarme incendie et "
        "appelez le 911 de l'extérieur.",
        "missing": "Dites au 911 qui est disparu, comment la personne est habillée, où et quand "
        "elle a été vue pour la dernière fois.",
        "followed": "Entrez dans un commerce ou un lieu public achalandé, restez près "
        "d'autres personnes et appelez le 911.",
        "crime-in-progress": "Restez hors de vue, n'intervenez pas et appelez le 911.",
        "hazard": "Protégez-vous d'abord : n'allez pas dans le danger. Appelez le 911 et dites "
        "exactement où vous êtes.",
        "self-harm": "Vous comptez, et vous n'êtes pas seul. Appelez ou textez le 9-8-8 "
        "(ligne d'aide en cas de crise de suicide) en tout temps, ou Jeunesse, J'écoute au "
        "1-800-668-6868 (textez PARLER au 686868).",
        "not_sure": "Désolé, je n'ai pas bien compris. Répondez MENU pour voir les sujets, ou "
        "contactez le secrétariat de l'école pour joindre votre agent.",
        "did_you_mean": "Vouliez-vous dire {options}? Répondez avec un chiffre.",
        "or": "ou",
        "menu": "Voici les sujets. Répondez avec un chiffre ou écrivez votre question :",
        "greeting": "Bonjour! Je réponds aux questions sur le programme des agents de "
        "ressources scolaires de la police de Calgary. Écrivez votre question ou MENU.",
        "thanks": "Avec plaisir. Posez-moi une autre question au besoin.",
        "no_more": "Posez d'abord une question, puis répondez PLUS pour la réponse détaillée.",
        "empty": "Écrivez une question, ou MENU pour voir les sujets.",
    },
}


def text(key: str, lang: str) -> str:
    """The wording for key in lang, English when the language has none."""
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
