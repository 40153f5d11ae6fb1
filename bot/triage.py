"""Emergency triage: tables of compiled patterns, run on normalized text before any matching.

Triage is rules as data, never fuzzy matching. A STRONG rule flags the message whatever else it
says. A GUARDED rule flags it unless a guard shows the danger is past, hypothetical, a drill, a
figure of speech or a joke. The knowledge base cannot switch any of this off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.normalize import normalize

SELF_HARM = "self-harm"
WEAPON = "weapon"
VIOLENCE = "violence"
MEDICAL = "medical"
THREAT = "threat"
IN_PROGRESS = "crime-in-progress"
FOLLOWED = "followed"
FIRE = "fire"

WEAPONS = (
    r"(gun|guns|handgun|pistol|rifle|shotgun|firearm|knife|knives|blade|machete|weapon|"
    r"bat|bomb|explosive|couteau|arme|fusil|pistolet)"
)
ME_OR_OTHERS = r"(me|him|her|them|us|you|everyone|everybody|people|someone|my \w+)"

# Each entry: (category, pattern). Patterns run on normalize(text).
# fmt: off
STRONG = [
    (SELF_HARM, r"\b(kill|hurt|harm|cut|cutting|hang|hanging|shoot|stab) ?(my ?self|him ?self|her ?self|them ?selves)\b"),
    (SELF_HARM, r"\b(suicide|suicidal|me suicider|suicider)\b"),
    (SELF_HARM, r"\b(want|wants|wanted|going|plan|planning|ready|about) to die\b"),
    (SELF_HARM, r"\b(do not|dont) want to (be here|live|be alive|wake up|exist)\b"),
    (SELF_HARM, r"\b(end|ending) (it|it all|my life|things) (tonight|today|now|right now|soon)\b"),
    (SELF_HARM, r"\bgoing to end (it|it all|my life)\b"),
    (SELF_HARM, r"\b(end it all|end my life|kill me now please|ways? to (die|end it))\b"),
    (SELF_HARM, r"\b(cut|cutting) (again|too deep|my (arm|arms|wrist|wrists|leg|legs))\b|\bwent too deep\b"),
    (SELF_HARM, r"\b(goodbye|bye) .{0,40}\b(sorry for everything|forever|love you all|take care of)\b"),
    (SELF_HARM, r"\b(suicide note|goodbye note|goodbye letter|wont be around (much longer|anymore))\b"),
    (SELF_HARM, r"\b(standing|sitting|on) (on )?(the|a) (overpass|bridge|roof|ledge|edge|train tracks|tracks)\b.{0,80}\b(can not|cant|do this|anymore|jump)\b"),
    (SELF_HARM, r"\b(plus|pas) (envie|le gout) de vivre\b|\benvie de mourir\b|\bveux plus vivre\b"),
    (SELF_HARM, r"\b(will not|wont|not going to|dont think i will|do not think i will) be (around|here|alive) (after|tomorrow|much longer|anymore|by)\b"),
    (SELF_HARM, r"\b(gave|giving|give) (all )?(my|away my) (stuff|things|stuff away|things away)\b"),
    (SELF_HARM, r"\b(disappear|vanish) (for good|forever)\b|\bdisparaitre (pour de bon|pour toujours)\b"),
    (SELF_HARM, r"\bwant (it all|everything|it|the pain|this|life) to (stop|end)\b"),
    (SELF_HARM, r"\b(been|keep|started|still|am|im) cutting( myself)?\b|\bcutting (myself|again)\b|\bself ?harm(ing)?\b"),
    (SELF_HARM, r"\b(no one|nobody) would (even )?(care|notice|miss me)\b|\bno point (in )?(living|being alive)\b"),
    (SELF_HARM, r"\b(sleep|go to sleep) and never wake up\b|\bnever wake up again\b"),
    (SELF_HARM, r"\bj en peux (plus|pu|pus)\b.{0,60}\b(ce soir|disparaitre|mourir|finir|pilules)\b"),
    (SELF_HARM, r"\b(how much longer i can|can not keep going|cant keep going|tonight feels different)\b"),
    (WEAPON, r"\b(pulled|pulling|pulls|took|takes|whipped|pointing|pointed|waving|flashing) (out )?(a|an|his|her|their|the) " + WEAPONS),
    (SELF_HARM, r"\b(no reason to live|better off dead|better off without me|take my (own )?life)\b"),
    (SELF_HARM, r"\b(took|swallowed|taken|overdosed on) .{0,30}\b(pills|tablets|meds|medication)\b"),
    (SELF_HARM, r"\b(veux|veut|vais|va) (mourir|me tuer|en finir)\b"),
    (SELF_HARM, r"\b(me tuer|me faire du mal|en finir avec)\b"),
    (WEAPON, r"\b(gun ?shots?|shots (fired|being fired)|shooting (at|in|right now)|active shooter|someone is shooting)\b"),
    (WEAPON, r"\b(pulled|pulling|pointing|pointed|waving|holding|swinging) (a|his|her|their|the) " + WEAPONS),
    (WEAPON, r"\b(coups de feu|tire sur|tirer sur)\b"),
    (VIOLENCE, r"\b(just|has been|have been|got|been) (stabbed|shot)\b(?! down)"),
    (MEDICAL, r"\b(not|is not|isnt|stopped|can not|cant|will not) (breathing|breathe|moving|wake up|waking up|responding)\b"),
    (MEDICAL, r"\b(unconscious|unresponsive|passed out|collapsed|seizure|overdose|overdosing|od ing|lips (are )?(going |turning )?blue)\b"),
    (MEDICAL, r"\b(bleeding (really |so )?(bad|badly|a lot|everywhere)|(lot|lots|so much) of blood|so much blood)\b"),
    (MEDICAL, r"\b(surdose|repond (plus|pas)|respire (pas|plus)|inconscient|saigne beaucoup)\b"),
]

GUARDED = [
    (WEAPON, r"\b(has|have|had|with|got|brought|bringing|carrying|carries|hiding|concealing|showing|showed) ((me|us) )?(a|an|his|her|their|some|\d+) " + WEAPONS),
    (WEAPON, r"\b(avec|a) (un|une|des) (couteau|arme|fusil|pistolet)\b"),
    (WEAPON, r"\b(shooter|gunman|sniper)\b"),
    (THREAT, r"\b(going to|will|gonna) (shoot|stab|bomb|blow up|shoot up|attack) " + ME_OR_OTHERS + r"?\b"),
    (THREAT, r"\b(shoot up|blow up|bomb) (the|our|my|this) (school|class|gym|building)\b"),
    (THREAT, r"\b(going to|will) (kill|murder|hurt|jump|beat up|get) " + ME_OR_OTHERS + r"\b"),
    (THREAT, r"\b(is|be|will be) waiting for me\b"),
    (WEAPON, r"\b(we are|were|im|i am|they are|she is|he is|everyone is) hiding (in|under|behind)\b"),
    (THREAT, r"\b(going to|will) use (it|the knife|the gun|a knife|a gun) on\b"),
    (SELF_HARM, r"\b(can not|cant) (do this|go on|take (it|this)) anymore\b"),
    (THREAT, r"\b(threatening|threatened) (to kill|to hurt|to shoot|me with)\b"),
    (VIOLENCE, r"\b(is|are|keeps|keep) (beating|punching|kicking|hitting|attacking|choking|strangling|stabbing) ?(up)?\b"),
    (VIOLENCE, r"\bjust (hit|punched|kicked|attacked|assaulted|beat|choked|grabbed|stabbed) (me|him|her|my)\b"),
    (VIOLENCE, r"\b(fighting|fight|brawl) .{0,40}\b(right now|is not moving|bleeding|hurt bad)\b"),
    (VIOLENCE, r"\b(being|getting) (beaten|beat up|jumped|attacked|stabbed|assaulted)\b"),
    (IN_PROGRESS, r"\b(is|are) (smashing|breaking into|breaking in|stealing|robbing|vandalizing|setting fire)\b"),
    (IN_PROGRESS, r"\b(break in|breaking in|robbery|someone in my house|intruder)\b.{0,40}\b(right now|now)\b"),
    (FOLLOWED, r"\b(following|followed|stalking|chasing|watching) me\b.{0,60}\b(still|right now|now|behind me)\b"),
    (FOLLOWED, r"\b(is|are|has been|have been|keeps) (following|stalking|chasing) me\b"),
    (FOLLOWED, r"\b(outside|at) (my|our) (house|home|door|window|school|class)\b.{0,30}\b(right now|now)\b"),
    (FOLLOWED, r"\b(still there|still here|still behind me|still outside)\b"),
    (FIRE, r"\b(fire in|on fire|is burning|smoke (is )?(coming|everywhere|pouring)|building is burning|feu)\b"),
    (VIOLENCE, r"\b(au secours|somebody help|someone help|please help us)\b"),
]

# Any of these cancels a GUARDED rule: the danger is past, hypothetical, a drill or a joke.
GUARDS = [
    r"\b(last (week|month|year|night|term|semester|summer)|weeks? ago|months? ago|years? ago|back in|long gone|overnight)\b",
    r"\b(yesterday|in (january|february|march|april|may|june|july|august|september|october|november|december))\b",
    r"\b(if there (was|were|is) (ever )?|what if|in case|hypothetically|what (should|do) (we|i|you) do if|what happens if)\b",
    r"\b(drill|drills|practice|practise|presentation|talk about|talk to .{0,20} about|lesson|movie|game|video game|fortnite|story for)\b",
    r"\b(lol|lmao|haha|jk|kidding|as a joke|joking|joked|joke)\b",
    r"\b(mom|mum|dad|mother|father|parents|sister|brother|teacher|coach|grandma)( \w+){0,4} (kill|murder) me\b",
    r"\b(we are|were|im|i am|they are) hiding in .{0,30}\b(drill|practice)\b",
    r"\b(get|be|getting) in trouble (for|if)\b",
    r"\b(is it (a crime|illegal|against the law)|is that (a crime|illegal))\b",
    r"\b(fire alarm|fire drill|fired from|fire hall|firefighter)\b",
]

# fmt: on

_STRONG = [(c, re.compile(p)) for c, p in STRONG]
_GUARDED = [(c, re.compile(p)) for c, p in GUARDED]
_GUARDS = re.compile("|".join(GUARDS))


@dataclass(frozen=True)
class Triage:
    """The triage verdict: is it danger now, and of which kinds."""

    emergency: bool
    categories: tuple[str, ...] = ()

    @property
    def self_harm(self) -> bool:
        return SELF_HARM in self.categories


def _hits(rules, text: str) -> list[str]:
    return [category for category, rx in rules if rx.search(text)]


def triage(text: str) -> Triage:
    """Flag danger now or imminent; categories say which replies apply."""
    norm = normalize(text)
    found = _hits(_STRONG, norm)
    if not _GUARDS.search(norm):
        found += _hits(_GUARDED, norm)
    cats = tuple(dict.fromkeys(found))
    return Triage(emergency=bool(cats), categories=cats)
