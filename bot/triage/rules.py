"""The floor under the danger classifier: a few unambiguous phrases that always mean danger now.

A floor rule can make a message an emergency; it never unmakes one the classifier is sure of.
A cancel rule names the floor categories it cancels ("in fortnite" cancels a weapon hit, not
self-harm) and touches only floor hits, never the classifier. Every rule carries an example
that a test runs through it. Patterns run on faq.normalize.normalize(text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WEAPON = "weapon"
VIOLENCE = "violence"
MEDICAL = "medical"
FIRE = "fire"
INTRUDER = "intruder"
THREAT = "threat"
MISSING = "missing-child"
VEHICLE = "vehicle"
ABUSE = "abuse"
SELF_HARM = "self-harm"
OVERDOSE = "overdose"
FOLLOWED = "followed"
GENERIC = "generic"  # a bare call for help: 911 first, no advice for a kind we do not know
EVERY = frozenset(
    {WEAPON, VIOLENCE, MEDICAL, FIRE, INTRUDER, THREAT, MISSING, VEHICLE, ABUSE, SELF_HARM}
    | {OVERDOSE, FOLLOWED, GENERIC}
)


@dataclass(frozen=True)
class Rule:
    """A phrase that means this kind of danger now."""

    category: str
    pattern: str
    example: str
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))


@dataclass(frozen=True)
class Cancel:
    """Words that take back floor hits of the named categories (past, fiction, a subject)."""

    cancels: frozenset[str]
    pattern: str
    example: str
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))


_WEAPONS = r"(gun|pistol|handgun|rifle|shotgun|knife|machete|blade|weapon)"

FLOOR = (
    # self-harm and suicide, said directly
    Rule(SELF_HARM, r"\b(kill|hurt|harm) ?my ?self\b", "i want to kill myself"),
    Rule(
        SELF_HARM,
        r"(?<!not )(?<!never )\b(wants?|wanna|planning|ready) to die\b",
        "i just want to die",
    ),
    Rule(SELF_HARM, r"\b(i am|im|feeling|feel|been) suicidal\b", "ive been feeling suicidal"),
    Rule(
        SELF_HARM,
        r"\b(do not|dont|never|not) (want|wanna) (to )?(live|be alive|exist)\b"
        r"(?! (in|with|at|near|here|there|without|on|by|alone|next)\b)|"
        r"\b(do not|dont|never|not) (want|wanna) (to )?wake up\b(?! (early|at|for|before|in)\b)|"
        r"(\b(je|j) ?(veux|voudrais) (plus|pu|pas)|\b(plus|pu|pas) envie de) vivre\b"
        r"(?! (sans|a|au|en|avec|ici|la|chez|seule?)\b)",
        "i dont want to live anymore",
    ),
    Rule(SELF_HARM, r"\b(end|ending|take|taking) my (own )?life\b", "i am going to end my life"),
    Rule(SELF_HARM, r"\bkms\b", "honestly gonna kms"),
    Rule(
        SELF_HARM,
        r"\b(end|ending) it all\b|\b(think|thinking|thought)( a lot)? (about|of) ending it\b|"
        r"\b(want|wanna|going|gonna|planning|ready) to end it\b",
        "ive been thinking a lot about ending it",
    ),
    Rule(
        SELF_HARM,
        r"\b(thinking|think|thought) (about|of) (suicide|killing my ?self|ending my life)\b",
        "ive been thinking about suicide",
    ),
    Rule(
        SELF_HARM,
        r"\b(je|j) ?(veux|voudrais) (mourir|me tuer|me suicider|en finir)\b|"
        r"\b(je|j) ?vais (me tuer|me suicider|en finir)\b",
        "je veux me suicider",
    ),
    Rule(
        SELF_HARM,
        r"(?<!pas )(?<!plus )(?<!pu )\b(envie de|pense a|penser a) (me suicider|mourir|me tuer)\b"
        r"|\bme suicider\b",
        "j'ai envie de me suicider",
    ),
    Rule(SELF_HARM, r"\b(je )?pense (au|a) suicide\b", "je pense au suicide"),
    Rule(  # the French "hurt myself" said as intent or as happening ("me couper les cheveux" is not)
        SELF_HARM,
        r"(\b(je|j) ?(veux|vais|voudrais)|(?<!pas )(?<!plus )(?<!pu )\benvie de|\ben train de|"
        r"\bviens de) me (faire du mal|blesser|mutiler|scarifier|couper)\b"
        r"(?! (les|la|le|l|une|un|des|du|mes|ma|mon|au|aux|a|en)\b)",
        "j'ai envie de me faire du mal ce soir",
    ),
    # self-harm said indirectly: the warning signs of suicide-prevention guides
    Rule(
        SELF_HARM,
        r"\b(nobody|no one|noone) (would|will|is going to) (even )?(notice|care|miss me)\b"
        r".{0,30}\b(gone|dead|disappeared)\b|\b(better off|be better) without me\b|"
        r"\b(better (off|for (everyone|everybody|them|my family))|(everyone|everybody|they) "
        r"(would|will) be better) if i (was|were|am) (not (here|around)|gone|dead)\b",
        "nobody would even notice if i was gone",
    ),
    Rule(
        SELF_HARM,
        r"\bpersonne (ne )?(remarquerait|s apercevrait|s en rendrait compte)\b.{0,30}\b"
        r"(disparaissais|partais|mourais|n etais plus la)\b|\bmieux sans moi\b|"
        r"\bmieux (pour (tout le monde|tous|ma famille|eux) )?si (je|j) ?(suis|serais|etais) "
        r"(plus|pu) la\b|\bmieux pour (tout le monde|tous|ma famille|eux) si (je|j) ?(suis|etais) "
        r"pas la\b",
        "personne remarquerait si je disparaissais",
    ),
    Rule(
        SELF_HARM,
        r"\bwill not be (here|around|alive) (tomorrow|anymore|much longer)\b|"
        r"\b(this is|it is) my (last|final) (text|message)\b|"
        r"\b(c est|voici|ce sera) mon (dernier|ultime) (message|texto|texte|msg)\b|"
        r"\b(je )?(ne )?serai (plus|pu|pas) la demain\b",
        "i wont be around much longer",
    ),
    Rule(
        SELF_HARM,
        r"\b(veut|va|voulait|menace de) (se suicider|se tuer|mourir|se faire du mal|se blesser|"
        r"se couper|se mutiler)\b",
        "mon amie veut se suicider",
    ),
    Rule(  # someone else's intent to hurt themselves, said directly
        SELF_HARM,
        r"\b(wants?|wanna|going|gonna|trying|tried|plans?|planning|threatening) to (kill|hurt|harm|"
        r"cut) (him|her|them) ?sel(f|ves)\b",
        "my friend wants to hurt herself",
    ),
    Rule(  # looking up how to die: a warning sign, whatever question comes with it
        SELF_HARM,
        r"\b(i|i have|i am|i was|i keep|i kept|been|he|she|he is|she is|my friend|my bff) (been |keeps |kept |has been )?"
        r"(look|looking|looked|search|"
        r"searching|searched|google|googling|googled|research|researching|researched) ?(up )?"
        r"(how to|ways to|the best way to|painless ways to) (die|kill (my|her|him) ?self|end my life|"
        r"tie a noose|hang my ?self|overdose)\b(?! (in|on) (minecraft|fortnite|roblox|gta|a game|"
        r"the game)\b)|"
        r"\b(cherche|chercher|cherchais|regarde|regarder|google) (sur (google|internet) )?"
        r"(comment|des facons de|des moyens de) (mourir|me tuer|me suicider|me pendre|en finir)\b",
        "i been looking up how to tie a noose",
    ),
    # weapons used now
    Rule(WEAPON, r"\b(gun ?shots?|shots fired|active shooter)\b", "I heard gunshots at school"),
    Rule(
        WEAPON,
        r"\b(pulled|pulling|pointing|pointed|waving) (out )?(a|an|his|her|their|the) " + _WEAPONS,
        "a kid just pulled out a knife in the cafeteria",
    ),
    Rule(WEAPON, r"\bcoups? de feu\b", "j'entends des coups de feu"),
    Rule(
        WEAPON,
        r"\b(quelqu ?un|un gars|un homme|un eleve|il) a (une|un) (arme|fusil|pistolet|couteau)\b",
        "quelqu'un a une arme a l'ecole",
    ),
    # someone hurt now
    Rule(VIOLENCE, r"\b(just|has been|got|been) (stabbed|shot)\b(?! down)", "he just got stabbed"),
    Rule(
        VIOLENCE,
        r"\b(someone|somebody|he|she|they|my \w+|a group|a guy|a man|people) (is|are) "
        r"(hurting|hitting|beating|choking|attacking) me\b|\bon m attaque\b",
        "help someone is hurting me",
    ),
    Rule(
        VIOLENCE,
        r"\b(aidez|aide) moi\b.{0,40}\bme (frappe|frappent|bat|battent|fait mal|font mal)\b|"
        r"\ben train de me (frapper|battre)\b",
        "aidez moi ils me frappent",
    ),
    Rule(
        MEDICAL,
        r"\b(is not|isnt|not|stopped) breathing\b|\b(can not|cant) wake (him|her|them|my \w+)\b",
        "my friend is not breathing",
    ),
    Rule(MEDICAL, r"\b(unconscious|unresponsive)\b", "a kid is unconscious in the hallway"),
    Rule(OVERDOSE, r"\b(overdosed|overdosing|od d|od ing)\b", "my friend overdosed"),
    Rule(
        OVERDOSE,
        r"\b((mon|ma|un|une) \w+|il|elle) (a fait|fait) une (surdose|overdose)\b",
        "mon ami a fait une surdose",
    ),
    Rule(
        MEDICAL,
        r"\bhaving a seizure\b|\b(is|he s|she s|hes|shes) (seizing|convulsing)\b"
        r"|(?<!\ba )\bfait une crise d epilepsie\b|\bil convulse\b|\belle convulse\b",
        "my friend is having a seizure on the floor",
    ),
    # a child missing now
    Rule(
        MISSING,
        r"\b(my|our) (son|daughter|child|kid|little (brother|sister)|\d+ year old) "
        r"(is|has gone|went|has been) missing\b|(?<!\bde )\b(mon|ma) (fils|fille|enfant) (a|est) disparue?\b",
        "my daughter is missing",
    ),
    # a bare call for help
    Rule(GENERIC, r"^(911|911 help|help 911|sos|help me|aidez moi|aide moi|au secours)$", "911"),
    # fire, being followed
    Rule(
        FIRE,
        r"\b(is|school is|house is) on fire\b|\bthere is a fire (in|at)\b|"
        r"\b(un incendie|le feu) (a|dans|au)\b|^au feu\b",
        "there is a fire at aspen ridge",
    ),
    Rule(
        FOLLOWED,
        r"\b(someone|somebody|a man|a guy|a car|a van) (is )?following me\b|\bquelqu ?un (me suit|me poursuit)\b",
        "quelqu'un me suit en ce moment",
    ),
)

_NOT_SELF_HARM = EVERY - {SELF_HARM}

CANCELS = (
    Cancel(
        EVERY,
        r"\b(last (week|month|year|summer|winter|spring|fall|semester)|(weeks|months|years) ago|"
        r"when i was (little|younger)|"
        r"used to)\b",
        "my uncle overdosed last year",
    ),
    Cancel(
        _NOT_SELF_HARM,
        r"\b(yesterday|hier|la semaine derniere|le mois dernier|l an(nee)? derniere?|"
        r"il y a (quelques|deux|trois|\d+) (jours|semaines|mois|ans)|(c est|c etait) eteint|"
        r"l an passe|le mois passe|la semaine passee|l ete passe|"
        r"nobody (was|got) hurt|personne (n )?(a ete|est) blessee?)\b",
        "quelqu'un a mis le feu a une poubelle hier, c'est eteint",
    ),
    Cancel(
        _NOT_SELF_HARM,
        r"\b(i read|read (about|that)|the news|news (story|article)|an article|"
        r"j ai lu|aux nouvelles|dans les nouvelles)\b",
        "i read about teens overdosing on fake pills",
    ),
    Cancel(  # a question about what happens when a student says it, not a student saying it
        EVERY,
        r"\b(si (un|une) (eleve|enfant|jeune|ado|etudiante?)|"
        r"if a (student|kid|child|teen|youth) (texts|writes|says|tells|messages))\b",
        "si un eleve ecrit au bot qu'il veut se suicider, qui est averti?",
    ),
    Cancel(  # what to do if a friend ever says it: a question for later, not a friend saying it
        frozenset({SELF_HARM}),
        r"\bif (a|my) (friend|bff|classmate) (ever )?(texts|writes|says|tells|told)\b|"
        r"\bsi (une? amie?|mon amie?) (me )?(dit|ecrit|texte) un jour\b|\bno sign (she|he|they)\b",
        "what should i do if a friend ever tells me she wants to hurt herself",
    ),
    Cancel(  # a character in a story, not a person
        frozenset({SELF_HARM}),
        r"\b(short story|a story|the story|creative writing|the narrator|(main|the|a) character|"
        r"(le|un) personnage|personnage principal|ma nouvelle|mon roman)\b",
        "a student handed in a short story where the narrator wants to hurt himself",
    ),
    Cancel(
        frozenset({SELF_HARM}),
        r"\b(how (can|do|would|could) (i|you|we) (tell|know) if|comment (savoir|reconnaitre) si|"
        r"what are (the )?(warning )?signs)\b",
        "how can i tell if a friend is thinking about suicide",
    ),
    Cancel(
        _NOT_SELF_HARM,
        r"\bin (fortnite|minecraft|roblox|valorant|gta|call of duty|the movie|a movie|the show|"
        r"the book|a book|(the|a|my|our|this) (video )?game)\b|"
        r"\bdans (le|un|mon|ma|notre|ce) (film|jeu|livre|serie)\b",
        "i got shot in fortnite lol",
    ),
    Cancel(
        _NOT_SELF_HARM,
        r"\b(what (should|do) (i|we) do if|what to do if|what do \w+ do if|what if|"
        r"if (someone|somebody) (pulls|has|is))\b",
        "what should i do if someone is pointing a gun at us",
    ),
    Cancel(
        _NOT_SELF_HARM,
        r"\b(si quelqu ?un|si qqn|que faire si|qu est ce qu (on|il) fait si|et si|arrive si)\b",
        "qu'est-ce qui arrive si quelqu'un a une arme a l'ecole",
    ),
    Cancel(
        frozenset({SELF_HARM}),
        r"\b(die|dying) (of|from) (embarrassment|boredom|laughter|laughing|cringe)\b",
        "i want to die of embarrassment",
    ),
    Cancel(
        frozenset({SELF_HARM}),
        r"\b(ne )?(vais|veux|pense) pas (me suicider|mourir|me tuer)\b",
        "je ne vais pas me suicider, je suis juste fatigue",
    ),
)


def floor(norm: str) -> tuple[str, ...]:
    """The categories the floor rules find in normalized text, after the cancels."""
    found = {rule.category for rule in FLOOR if rule.regex.search(norm)}
    for cancel in CANCELS:
        if found & cancel.cancels and cancel.regex.search(norm):
            found -= cancel.cancels
    return tuple(sorted(found))
