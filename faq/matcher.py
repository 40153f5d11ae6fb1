"""Fuzzy FAQ matcher on rapidfuzz. The index is built once; matching does no I/O.

Scoring, stated plainly:
- features: content words (stopwords dropped) after faq.normalize, lightly stemmed, plus bigrams;
  a query word unknown to the index is corrected to the closest known word when
  rapidfuzz.fuzz.ratio >= TYPO_CUTOFF (words of 4+ letters only).
- evidence(topic) = sum over query features of BM25 idf * tf / (tf + 1), where keywords count
  KEYWORD_WEIGHT times a phrasing; coverage = evidence / the query's total idf.
- phrase(topic): the best rapidfuzz.fuzz.token_sort_ratio between the query's content words and
  one of the topic's example phrasings (same content-word processor), / 100.
- score = COVERAGE * coverage + EVIDENCE * (1 - exp(-evidence / EVIDENCE_SCALE)) + PHRASE * phrase.
The off-topic phrasings of the knowledge base form one extra class, OFFTOPIC: when it ranks first
the message is out of scope.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from faq.loader import KnowledgeBase
from faq.normalize import normalize
from faq.schema import Entry
from faq.text import content_words, features, stem

OFFTOPIC = "_offtopic"
KEYWORD_WEIGHT = 3.0
TITLE_WEIGHT = 2.0
TYPO_CUTOFF = 80.0
SHORT_TYPO_CUTOFF = 85.0  # 4-letter stems: one letter added or dropped, no more
UNKNOWN_WEIGHT = 9.0
IDF_POWER = 2.0
SATURATION = 2.0
BIGRAM_WEIGHT = 0.7
COVERAGE, EVIDENCE, PHRASE = 0.4, 0.4, 0.2
EVIDENCE_SCALE = 40.0
CANDIDATES = 8
QUESTION_BOOST = 1.5  # long messages: the sentence with the question mark says what is asked
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
WHOLE_CUTOFF = 85.0


@dataclass(frozen=True)
class Match:
    """One ranked topic with its score in [0, 1]."""

    topic: str
    score: float


@dataclass(frozen=True)
class _Doc:
    id: str
    weighted: tuple[tuple[str, float], ...]  # (text, weight)
    questions: tuple[str, ...]


def _docs(entries: list[Entry], offtopic: tuple[str, ...]) -> list[_Doc]:
    docs = [
        _Doc(
            e.id,
            tuple(
                [(q, 1.0) for q in e.questions]
                + [(k, KEYWORD_WEIGHT) for k in e.keywords]
                + [(e.title, TITLE_WEIGHT)]
            ),
            tuple(e.questions),
        )
        for e in entries
    ]
    if offtopic:
        docs.append(_Doc(OFFTOPIC, tuple((q, 1.0) for q in offtopic), offtopic))
    return docs


class LanguageIndex:
    """Inverted index and phrasings of one language's entries."""

    def __init__(self, entries: list[Entry], offtopic: tuple[str, ...] = ()):
        docs = _docs(entries, offtopic)
        self.votes: dict[str, dict[str, float]] = {}  # feature -> topic -> saturated count
        self.phrasings: dict[str, list[str]] = {}
        self.whole: list[tuple[str, str]] = []  # (normalized phrasing with stopwords, topic)
        df: Counter = Counter()  # in how many phrasings and keywords a feature occurs
        counts: dict[str, dict[str, float]] = defaultdict(dict)  # feature -> topic -> count
        for doc in docs:
            for feat, tf in self._counts(doc, df).items():
                counts[feat][doc.id] = tf
            self.phrasings[doc.id] = [" ".join(content_words(q)) for q in doc.questions]
            self.whole += [(normalize(q), doc.id) for q in doc.questions]
        for feat, by_topic in counts.items():
            self.votes[feat] = {t: c / (c + SATURATION) for t, c in by_topic.items()}
        n = sum(len(d.weighted) for d in docs)
        self.weight = {f: _weight(f, n, df[f]) for f in counts}
        self.stems_by_letter: dict[str, list[str]] = defaultdict(list)
        for f in sorted(counts):
            if "_" not in f:
                self.stems_by_letter[f[0]].append(f)

    @staticmethod
    def _counts(doc: _Doc, df: Counter) -> dict[str, float]:
        counts: dict[str, float] = defaultdict(float)
        for text, weight in doc.weighted:
            feats = set(features(content_words(text)))
            df.update(feats)
            for feat in feats:
                counts[feat] += weight
        return counts

    def rank_whole(self, text: str) -> list[Match]:
        """For messages made only of common words ("what can you do"): whole-phrasing match."""
        hit = process.extractOne(
            normalize(text),
            [w for w, _ in self.whole],
            scorer=fuzz.ratio,
            score_cutoff=WHOLE_CUTOFF,
        )
        return [Match(self.whole[hit[2]][1], hit[1] / 100.0)] if hit else []

    def rank(self, words: list[str], asked: frozenset[str] = frozenset()) -> list[Match]:
        """Topics ranked by score for these content words; words in `asked` count more."""
        stems = [_correct(self, stem(w)) for w in words]
        feats = set(stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)])
        focus = {_correct(self, stem(w)) for w in asked}
        tally: dict[str, float] = defaultdict(float)
        for f in feats:
            boost = QUESTION_BOOST if set(f.split("_")) <= focus else 1.0
            for topic, share in self.votes.get(f, {}).items():
                tally[topic] += self.weight[f] * share * boost
        if not tally:
            return []
        known = [f for f in feats if "_" not in f or f in self.weight]  # unseen bigrams add nothing
        total = sum(self.weight.get(f, UNKNOWN_WEIGHT) for f in known)
        best = sorted(tally, key=tally.__getitem__, reverse=True)[:CANDIDATES]
        query = " ".join(words)
        scored = [Match(t, self._score(tally[t], total, query, t)) for t in best]
        return sorted(scored, key=lambda m: m.score, reverse=True)

    def _score(self, tally: float, total: float, query: str, topic: str) -> float:
        coverage = tally / total
        strength = 1 - math.exp(-tally / EVIDENCE_SCALE)
        hit = process.extractOne(query, self.phrasings[topic], scorer=fuzz.token_sort_ratio)
        phrase = hit[1] / 100.0 if hit else 0.0
        return COVERAGE * min(1.0, coverage) + EVIDENCE * strength + PHRASE * phrase


def _weight(feature: str, n: int, df: int) -> float:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf**IDF_POWER * (BIGRAM_WEIGHT if "_" in feature else 1.0)


@lru_cache(maxsize=8192)
def _correct(index: LanguageIndex, word_stem: str) -> str:
    """The closest known stem for a misspelled one, or the stem itself."""
    if len(word_stem) < 4 or word_stem in index.votes:
        return word_stem
    cutoff = TYPO_CUTOFF if len(word_stem) >= 5 else SHORT_TYPO_CUTOFF
    same_start = index.stems_by_letter.get(word_stem[0], [])  # a first letter is rarely mistyped
    hit = process.extractOne(word_stem, same_start, scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else word_stem


def _asked_words(text: str) -> frozenset[str]:
    """In a message of several sentences, the content words of the ones that ask something."""
    sentences = _SENTENCE.findall(text)
    if len(sentences) < 2:
        return frozenset()
    return frozenset(w for s in sentences if s.rstrip().endswith("?") for w in content_words(s))


class Matcher:
    """Ranks knowledge-base topics for a message, in every language the knowledge base has."""

    def __init__(self, kb: KnowledgeBase):
        self.indexes = {
            lang: LanguageIndex(list(entries.values()), kb.offtopic.get(lang, ()))
            for lang, entries in kb.entries.items()
        }

    def rank(self, text: str, lang: str = "en") -> list[Match]:
        """Best topics first (OFFTOPIC may be among them); other languages count a little less."""
        words = content_words(text)
        asked = _asked_words(text)
        merged: dict[str, float] = {}
        for index_lang, index in self.indexes.items():
            weight = 1.0 if index_lang == lang else 0.85
            for m in index.rank(words, asked) if words else index.rank_whole(text):
                merged[m.topic] = max(merged.get(m.topic, 0.0), m.score * weight)
        ranked = sorted(merged.items(), key=lambda kv: kv[1], reverse=True)
        return [Match(t, s) for t, s in ranked]
