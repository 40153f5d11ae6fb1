"""Turning normalized text into matching features: stopwords, a light stemmer, bigrams."""

from __future__ import annotations

from functools import lru_cache

from faq.normalize import normalize

STOPWORDS = frozenset(
    """
    a an the is are am be been being was were i you he she it we they me him them us my your his
    her our their its mine yours to of in on at for with and or but if so do does did doing done
    can could would should will shall may might must what how why when who whom where which there
    here that this these those just like really very not no yes have has had having get got gets
    getting about from up out as by any some all lol ok okay hi hello hey please thanks thank know
    want need tell ask asking wondering wonder then than also too even still
    one thing things stuff something anything kind sort going go gonna whats more much many way
    im am let lets ya yo uh um oh well maybe actually literally basically sure anyone someone
    best good ever great year years old now right lowkey highkey ngl fr
    le la les un une des du de d l et ou est ce c cest qu que qui quoi je j tu il elle on nous vous
    ils elles mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs a au aux en dans
    pour par avec sur pas ne n se s y ca cela ceci quand comment pourquoi est-ce estce bonjour
    merci svp sil plait pis tsé fait faire etre avoir ai as ont suis es sont jsuis chu moi toi
    lui eux si mais donc
    """.split()
)

SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light suffix stripper: "drills" and "drilling" become "drill"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]
            return base
    return word


KEPT_NUMBERS = frozenset({"911", "988", "811"})


def _meaningful(word: str) -> bool:
    if word.isdigit():
        return word in KEPT_NUMBERS  # ages, grades and times say little about the topic
    return len(word) > 1 and word not in STOPWORDS


def content_words(text: str) -> list[str]:
    """Normalized words that carry meaning (stopwords and most numbers dropped, unstemmed)."""
    return [w for w in normalize(text).split() if _meaningful(w)]


def features(words: list[str]) -> list[str]:
    """Stems plus adjacent-stem bigrams ("lockdown drill" -> "lockdown_drill")."""
    stems = [stem(w) for w in words]
    return stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]
