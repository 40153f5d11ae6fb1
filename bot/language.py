"""Tell French from English with a few function words: enough to pick the reply language."""

from __future__ import annotations

from faq.normalize import strip_accents

FRENCH = frozenset(
    """
    je j tu il elle nous vous ils elles le la les un une des du au aux est sont suis etre
    c cest quoi qui que quel quelle quels comment pourquoi quand ou mon ma mes ton ta tes son sa ses
    notre votre leur avec pour dans sur pas ne plus fait faire peux peut veux veut dois doit
    bonjour merci allo salut oui pis jsuis jfais chu tsé tse ca ecole agente policier
    enfant fils fille lui moi ya
    """.split()
)
ENGLISH = frozenset(
    """
    i you he she it we they the a an is are am was were be my your his her our their what how why
    when who where which do does did can could would should will to of in on at for with and or
    not this that there here have has had get hi hello thanks please
    """.split()
)


def detect(text: str, default: str = "en") -> str:
    """ "fr" when French function words outnumber English ones, else "en" (or default on a tie)."""
    words = strip_accents(text.lower()).replace("'", " ").replace("\u2019", " ").split()
    fr = sum(w in FRENCH for w in words)
    en = sum(w in ENGLISH for w in words)
    if fr == en:
        return default
    return "fr" if fr > en else "en"
