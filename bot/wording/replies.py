"""Fixed wording of the engine, in every supported language. Emergency wording lives here, in code,
so that no knowledge-base edit can weaken it."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "emergency": "Call 911 now. This chat cannot send help.",
        "caution": "If you or anyone else is in danger right now, call 911.",
        "office_not_told": "I could not reach your school's office just now. 911 is the "
        "fastest help.",
        "office_later": "I could not reach your school's office just now; I will pass your "
        "message on as soon as I can. 911 is the fastest help.",
        "unavailable": "If you or anyone else is in danger right now, call 911. Sorry, I cannot "
        "answer right now. Please try again in a few minutes.",
        "weapon": "Get away from the danger if you can. Hide, lock or block the door, silence "
        "your phone and call 911 as soon as it is safe to talk.",
        "fire": "Leave by the nearest safe exit, pull the fire alarm on your way out and call "
        "911 from outside. For smoke or a gas smell, get out first, then call.",
        "violence": "Get to a safe place and call 911. If others are fighting, do not step "
        "between them.",
        "medical": "Call 911 and stay with the person. Do what the 911 call-taker tells you.",
        "overdose": "Stay with the person. If they are not breathing or will not wake up, "
        "tell the call-taker right away. You will not get in trouble for calling "
        "for help.",
        "overdose-self": "Tell someone near you right now and stay with them. Tell the 911 "
        "call-taker what you took or drank, and when.",
        "intruder": "Stay out of sight, lock or block the door, do not confront anyone and call "
        "911 when it is safe to talk.",
        "abuse": "If someone is hurting you or about to, get to a safe place and call 911. It "
        "is not your fault. Alberta's Child Abuse Hotline is open 24/7: 1-800-387-5437.",
        "followed": "Go into a busy store or public place, stay near other people and call 911.",
        "missing-child": "Tell 911 who is missing, what they wore, and where and when they "
        "were last seen.",
        "vehicle": "Get away from the vehicle and out of traffic, and tell 911 exactly where you "
        "are and what the vehicle looks like.",
        "threat": "Tell 911 exactly what was said or posted and who said it. Do not wait until "
        "tomorrow.",
        "any-danger": "Tell 911 exactly where you are and what is happening. If you are hiding, "
        "stay hidden and quiet; if not, get to a safe place if you can.",
        "self-harm": "You matter, and you do not have to face this alone. Call or text 9-8-8 "
        "(Suicide Crisis Helpline) any time, or Kids Help Phone at 1-800-668-6868 (text CONNECT "
        "to 686868).",
        "self-harm-other": "Stay with them if you can, and call 911 now. Then call or text 9-8-8 "
        "(Suicide Crisis Helpline) or Kids Help Phone at 1-800-668-6868 (text CONNECT to "
        "686868) for support.",
        "crisis-other": "For support, they or you can call or text 9-8-8 (Suicide Crisis "
        "Helpline) or Kids Help Phone at 1-800-668-6868 (text CONNECT to 686868).",
        "not_sure": "Sorry, I am not sure I understood. Reply MENU to see what I can help with, "
        "or contact your school's main office to reach your School Resource Officer.",
        "did_you_mean": "Did you mean {options}? Reply with a number.",
        "or": "or",
        "menu": "Here is what I can help with. Reply with a number, or just type your question:",
        "greeting": "Hi! I answer questions about the Calgary Police School Resource Officer "
        "program. Type your question, or MENU to see topics.",
        "thanks": "You are welcome. Ask me anything else about your School Resource Officer.",
        "bye": "Take care. Write any time you have a question about your School Resource Officer.",
        "ok": "Okay. If you have another question about your School Resource Officer, just type "
        "it, or reply MENU to see topics.",
        "sad": "It sounds like things are hard right now. You can tell me what is going on, or "
        "reply MENU to see what I can help with.",
        "support": "Thinking about hurting yourself, or worried about someone who is? Call or "
        "text 9-8-8 any time, or Kids Help Phone at 1-800-668-6868 (text CONNECT to 686868).",
        "no_more": "Ask me a question first, then reply MORE for the longer answer.",
        "empty": "Please type a question, or MENU to see what I can help with.",
    },
    "fr": {
        "emergency": "Appelle le 911 maintenant. Ce clavardage ne peut pas envoyer d'aide.",
        "caution": "Si toi ou une autre personne êtes en danger maintenant, appelle le 911.",
        "office_not_told": "Je n'ai pas pu joindre le secrétariat de ton école pour l'instant. "
        "Le 911 est l'aide la plus rapide.",
        "office_later": "Je n'ai pas pu joindre le secrétariat de ton école pour l'instant; je "
        "lui transmettrai ton message dès que possible. Le 911 est l'aide la plus rapide.",
        "unavailable": "Si toi ou une autre personne êtes en danger maintenant, appelle le 911. "
        "Désolé, je ne peux pas répondre pour l'instant. Réessaie dans quelques minutes.",
        "weapon": "Éloigne-toi du danger si tu le peux. Cache-toi, verrouille ou bloque la "
        "porte, mets ton téléphone en silencieux et appelle le 911 dès que tu peux parler.",
        "fire": "Sors par la sortie sûre la plus proche, déclenche l'alarme incendie en sortant "
        "et appelle le 911 de l'extérieur. Pour de la fumée ou une odeur de gaz, sors d'abord.",
        "violence": "Mets-toi en sécurité et appelle le 911. Si d'autres se battent, ne "
        "t'interpose pas.",
        "medical": "Appelle le 911 et reste avec la personne. Suis les consignes du 911.",
        "overdose": "Reste avec la personne. Si elle ne respire pas ou ne se réveille pas, "
        "dis-le tout de suite au 911. Tu n'auras pas d'ennuis pour avoir "
        "appelé à l'aide.",
        "overdose-self": "Dis-le tout de suite à quelqu'un près de toi et reste avec cette "
        "personne. Dis au 911 ce que tu as pris ou bu, et quand.",
        "intruder": "Reste hors de vue, verrouille ou bloque la porte, n'interviens pas et "
        "appelle le 911 dès que tu peux parler.",
        "abuse": "Si quelqu'un te fait du mal ou va le faire, va dans un endroit sûr et appelle "
        "le 911. Ce n'est pas de ta faute. Ligne d'aide de l'Alberta contre la maltraitance "
        "(Child Abuse Hotline), 24 h sur 24 : 1-800-387-5437.",
        "followed": "Entre dans un commerce ou un lieu public achalandé, reste près d'autres "
        "personnes et appelle le 911.",
        "missing-child": "Dis au 911 qui est disparu, comment la personne est habillée, où et "
        "quand elle a été vue pour la dernière fois.",
        "vehicle": "Éloigne-toi du véhicule et de la circulation, et dis au 911 exactement où tu "
        "es et à quoi ressemble le véhicule.",
        "threat": "Dis au 911 exactement ce qui a été dit ou publié et par qui. N'attends pas.",
        "any-danger": "Dis au 911 exactement où tu es et ce qui se passe. Si tu es caché·e, "
        "reste caché·e et silencieux·se; sinon, mets-toi en sécurité si tu le peux.",
        "self-harm": "Tu comptes, et tu n'es pas seul·e. Appelle ou texte le 9-8-8 (ligne "
        "d'aide en cas de crise de suicide) en tout temps, ou Jeunesse, J'écoute au "
        "1-800-668-6868 (ou par texto au 686868).",
        "self-harm-other": "Reste avec la personne si tu le peux et appelle le 911 maintenant. "
        "Ensuite, appelle ou texte le 9-8-8 ou Jeunesse, J'écoute au 1-800-668-6868 (ou par "
        "texto au 686868) pour du soutien.",
        "crisis-other": "Pour du soutien, cette personne ou toi pouvez appeler ou texter le "
        "9-8-8 (ligne d'aide en cas de crise de suicide) ou Jeunesse, J'écoute au "
        "1-800-668-6868 (ou par texto au 686868).",
        "not_sure": "Désolé, je n'ai pas bien compris. Réponds MENU pour voir les sujets, ou "
        "contacte le secrétariat de l'école pour joindre ton agent.",
        "did_you_mean": "Voulais-tu dire {options}? Réponds avec un chiffre.",
        "or": "ou",
        "menu": "Voici les sujets. Réponds avec un chiffre ou écris ta question :",
        "greeting": "Bonjour! Je réponds aux questions sur le programme des agents de "
        "ressources scolaires de la police de Calgary. Écris ta question ou MENU.",
        "thanks": "Avec plaisir. Pose-moi une autre question au besoin.",
        "bye": "Prends soin de toi. Écris-moi quand tu veux pour une question sur l'agent de ton "
        "école.",
        "ok": "D'accord. Si tu as une autre question sur l'agent de ton école, écris-la, ou "
        "réponds MENU pour voir les sujets.",
        "sad": "On dirait que c'est difficile en ce moment. Tu peux m'écrire ce qui se passe, ou "
        "répondre MENU pour voir ce que je peux faire.",
        "support": "Tu penses à te faire du mal, ou tu t'inquiètes pour quelqu'un? Appelle ou "
        "texte le 9-8-8 en tout temps, ou Jeunesse, J'écoute au 1-800-668-6868 (ou par texto au "
        "686868).",
        "no_more": "Pose d'abord une question, puis réponds PLUS pour la réponse détaillée.",
        "empty": "Écris une question, ou MENU pour voir les sujets.",
    },
}


def text(key: str, lang: str) -> str:
    """The wording for key in lang, English when the language has none."""
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
