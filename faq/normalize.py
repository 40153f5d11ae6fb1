"""Text normalization shared by the models, the floor rules and school matching: case, accents,
punctuation, shorthand."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Texting shorthand and frequent misspellings, mapped to plain words. Values may hold spaces.
# fmt: off
SHORTHAND = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "youre": "you are", "r": "are",
    "y": "why", "wat": "what", "wut": "what", "wht": "what", "wats": "whats", "whats": "what is",
    "n": "and", "nd": "and", "&": "and", "w": "with", "w/": "with", "abt": "about", "bout": "about",
    "2day": "today", "tdy": "today", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tmrrw": "tomorrow", "tomoro": "tomorrow", "tommorow": "tomorrow", "2morrow": "tomorrow",
    "2nite": "tonight", "tonite": "tonight", "rn": "right now", "atm": "right now",
    "sum1": "someone", "some1": "someone", "sumone": "someone", "any1": "anyone", "no1": "no one",
    "ppl": "people", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks",
    "thnx": "thanks", "idk": "i do not know", "dunno": "do not know", "im": "i am", "ive": "i have",
    "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "cant": "can not", "cannot": "can not", "wont": "will not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "aint": "is not", "hes": "he is", "shes": "she is",
    "theyre": "they are",
    "theres": "there is", "thats": "that is", "its": "it is", "gonna": "going to",
    "gunna": "going to", "wanna": "want to", "gotta": "have to", "hafta": "have to",
    "kinda": "kind of", "sorta": "sort of", "b4": "before", "bc": "because", "cuz": "because",
    "coz": "because", "cause": "because", "becuz": "because", "tho": "though", "thru": "through",
    "pic": "picture", "pics": "pictures", "msg": "message", "msgs": "messages", "txt": "text",
    "info": "information", "nvm": "never mind", "wk": "week", "wknd": "weekend", "yr": "year",
    "yrs": "years", "hr": "hour", "hrs": "hours", "min": "minute", "mins": "minutes",
    "bf": "boyfriend", "gf": "girlfriend", "bro": "brother", "sis": "sister", "fr": "for real",
    "ngl": "not going to lie", "tbh": "to be honest", "rly": "really", "srsly": "seriously",
    "shud": "should", "shld": "should", "cud": "could", "wud": "would", "hw": "homework",
    "str8": "straight", "l8r": "later", "gr8": "great", "h8": "hate", "m8": "mate",
    "anon": "anonymous", "num": "number", "#": "number", "no.": "number", "ph": "phone",
    "cell": "phone", "skool": "school", "skl": "school", "sk00l": "school", "schl": "school",
    "teachr": "teacher", "principle": "principal", "recieve": "receive", "definately": "definitely",
    # police slang
    "cop": "police", "cops": "police", "copper": "police", "coppers": "police", "5-0": "police",
    "5 0": "police", "five-0": "police", "popo": "police", "po-po": "police", "po po": "police",
    "feds": "police", "pigs": "police", "fuzz": "police", "boys in blue": "police",
    "officers": "officer",
    # more texting slang
    "hmu": "contact", "hit up": "contact", "hit them up": "contact them",
    "hit him up": "contact him", "hit her up": "contact her", "police lady": "police officer",
    "cop lady": "police officer", "police guy": "police officer", "cop guy": "police officer",
    "rents": "parents", "rentals": "parents",
    "jacked": "stole", "yoinked": "stole", "swiped": "stole", "jacked my": "stole my",
    "nicked": "stole", "acc": "account", "accs": "accounts", "dm": "message", "dms": "messages",
    "sketch": "suspicious", "sketchy": "suspicious", "sus": "suspicious", "caf": "cafeteria",
    "changeroom": "change room", "sumthin": "something", "smth": "something", "sth": "something",
    "nah": "no", "yep": "yes", "yea": "yes", "yeah": "yes", "bc of": "because of",
    "be a cop": "become police", "be a police officer": "become police officer",
    "be an officer": "become officer", "be a police": "become police",
    "clownin": "making fun of", "clowning": "making fun of", "roastin": "roasting",
    "js": "just", "jus": "just", "kms": "kms", "every1": "everyone", "evry1": "everyone",
    "kno": "know", "hav": "have", "bein": "being",
    "insta": "instagram", "snap": "snapchat", "ig": "instagram",
    "policeman": "police officer", "policewoman": "police officer",
    "constable": "officer", "cst": "officer",
    # misspelled danger words
    "stabed": "stabbed", "stabd": "stabbed", "overdosd": "overdosed", "overdoesd": "overdosed",
    "sucide": "suicide", "suicde": "suicide", "suiside": "suicide", "sucidal": "suicidal",
    "gunn": "gun", "bleding": "bleeding", "bleedin": "bleeding", "alot": "a lot",
}
# fmt: on

# Multi-word shorthand is replaced before tokenizing.
_PHRASES = sorted((k for k in SHORTHAND if " " in k or "-" in k), key=len, reverse=True)
_PHRASE_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in _PHRASES) + r")(?![\w-])")

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": "", "\u00b4": ""})
_ELISION = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu)['\u2019](?=\w)")  # French l'agent
_NON_WORD = re.compile(r"[^a-z0-9#&\s-]+")
_SPACES = re.compile(r"\s+")
_DASH_ALONE = re.compile(r"(?<![a-z0-9])-|-(?![a-z0-9])")


def strip_accents(text: str) -> str:
    """Remove combining accents: "rôle" becomes "role"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_LAUGHING = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f639\U0001f480]")  # 😂 🤣 😆 😹 💀


# Emoji that carry danger, read as a word: 🔪 🗡 knife, 🔫 gun, 🩸 blood, 💣 bomb, 😱 😨 😰 scared.
_DANGER_EMOJI = {
    "\U0001f52a": " knife ",
    "\U0001f5e1": " knife ",
    "\U0001f52b": " gun ",
    "\U0001fa78": " blood ",
    "\U0001f4a3": " bomb ",
    "\U0001f631": " scared ",
    "\U0001f628": " scared ",
    "\U0001f630": " scared ",
}
_DANGER_EMOJI_RE = re.compile("|".join(_DANGER_EMOJI))


def _clean(text: str) -> str:
    if not text.isascii():
        text = _LAUGHING.sub(" lol ", text)
        text = _DANGER_EMOJI_RE.sub(lambda m: _DANGER_EMOJI[m.group()], text)
    text = _ELISION.sub(r"\1 ", strip_accents(text.lower())).translate(_APOSTROPHES)
    text = _NON_WORD.sub(" ", text)
    text = _DASH_ALONE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_REPEATED = re.compile(r"(.)\1{2,}")  # "sooooo" becomes "soo"


# French words that "y" and "n" stand before, where they are French ("il y a", "n'est"), not
# texting for "why" and "and".
_FRENCH_AFTER_Y = frozenset("a avait aura aurait en est etait va vais aller allait".split())


def _expand(word: str, following: str) -> str:
    """The plain word for a shorthand one, leaving French "y" and elided "n" alone."""
    if word == "y" and following in _FRENCH_AFTER_Y:
        return word
    if word == "n" and following[:1] in tuple("aeiouyh"):
        return word
    return SHORTHAND.get(word, word)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lowercase, strip accents, punctuation and emoji, expand shorthand and police slang."""
    text = _PHRASE_RE.sub(lambda m: SHORTHAND[m.group(1)], _clean(text)).replace("-", " ")
    words = _REPEATED.sub(r"\1\1", text).split()
    following = [*words[1:], ""]
    return " ".join(_expand(word, following[i]) for i, word in enumerate(words))
