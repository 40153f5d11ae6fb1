"""Learned understanding: a topic classifier (every topic and an off-topic class), a danger
classifier (emergency yes/no, and which kind) and a language classifier (French or English),
trained with scikit-learn from the labelled corpus and the knowledge base's phrasings.

Text is normalized (faq.normalize); TF-IDF over word uni- and bigrams and character 3-5 grams
(a gram may span two words) feeds linear SVMs for topics (probabilities from a softmax whose
temperature is fitted on held-out scores) and for the kinds of danger (against every message
that is not an emergency), and logistic regressions for danger (on features scaled by naive
Bayes ratios; its score blended with the best kind's, by weights fitted on held-out batches) and
the language. Training is deterministic, in two worker processes. Every model is linear, so what
is kept is plain data: vocabularies, idf weights and one weight matrix, in a local cache named
by the hash of everything it was trained from (corpus, knowledge base, topic list, this code,
scikit-learn's version). Nothing is unpickled; answering a message is a dictionary lookup per
n-gram and one small matrix product.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
from joblib import Parallel, delayed
from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from faq.corpus import CORPUS_DIR, Example, read_corpus
from faq.loader import KnowledgeBase, read_topic_ids
from faq.normalize import normalize

OFFTOPIC = "_offtopic"
SENDERS = frozenset({"student", "parent", "teacher", "staff", "community"})  # "unknown": early sets
NO_DANGER = "_none"  # the kinds model's class for every message that is not an emergency
MODEL_VERSION = "13"  # change when features or training change
SEED = 0
DEFAULT_CACHE = Path.home() / ".cache" / "sro-bot" / "models"
TEMPERATURES = np.linspace(0.5, 8.0, 31)
# Ages, grades, rooms: one token; the numbers of help stay themselves: 911, 9-8-8, and the
# police non-emergency line (403-266-1234), which becomes its name.
_NUMBER = re.compile(r"\b(?!(?:911|988)\b)\d+\b")
_NON_EMERGENCY_LINE = re.compile(r"\b(?:1 )?(?:403 ?)?266 ?1234\b")


def _text(message: str) -> str:
    """What the features see: normalized text, the non-emergency number as its name, and every
    other number but 911 and 988 as 0."""
    return _NUMBER.sub("0", _NON_EMERGENCY_LINE.sub("non emergency line", normalize(message)))


@dataclass(frozen=True)
class Analysis:
    """What the models say about one message."""

    topics: tuple[tuple[str, float], ...]  # best first; OFFTOPIC is one of them
    danger: float  # probability of an emergency
    categories: tuple[str, ...]  # kinds of danger, most likely first
    french: float = 0.5  # probability that the message is in French (else English)
    kind_margin: float = 1.0  # how far the likeliest kind of danger leads the second (a margin)
    adult: float = 0.0  # probability that the sender is an adult (a parent, teacher, neighbour)


# Word uni- and bigrams, and character 3-5 grams (a gram may span two words; those seen in one
# message only are dropped). The character grams are counted in two parts, side by side.
# Without the 2-grams (commit of 2026-12-04 evening): out of fold, 5 folds grouped by batch,
# 37,352 messages, topic 91.03 % EN / 91.04 % FR against 90.97 / 91.05, recall at 2.25 % false
# alarms 98.37 % against 98.28 %, and training a sixth faster.
WORDS = {"ngram_range": (1, 2)}
CHARS = {"analyzer": "char", "ngram_range": (3, 5)}
CHAR_PARTS = ({**CHARS, "ngram_range": (4, 5)}, {**CHARS, "ngram_range": (3, 3)})


def _start_workers() -> None:
    """Start joblib's two worker processes; each imports scikit-learn (2-3 s) for its first task."""
    Parallel(n_jobs=2)(delayed(_svm)() for _ in range(2))


def _count(texts: list[str], options: dict, min_df: int) -> tuple:
    counter = CountVectorizer(**options, min_df=min_df)
    return counter.fit_transform(texts), counter.vocabulary_


def _features(texts: list[str]) -> tuple:
    """TF-IDF (sublinear, each block L2-normalized) of words and characters, with the
    vocabularies and idf weights, counted in two worker processes."""
    (long, long_vocab), (short, short_vocab), (words, word_vocab) = Parallel(n_jobs=2)(
        delayed(_count)(texts, options, min_df)
        for options, min_df in ((CHAR_PARTS[0], 2), (CHAR_PARTS[1], 2), (WORDS, 1))
    )
    char_vocab = {**long_vocab, **{g: i + len(long_vocab) for g, i in short_vocab.items()}}
    blocks, idf = [], []
    for counts in (words, hstack([long, short]).tocsr()):
        tfidf = TfidfTransformer(sublinear_tf=True)
        blocks.append(tfidf.fit_transform(counts))
        idf.append(tfidf.idf_)
    vocab = [{g: int(i) for g, i in v.items()} for v in (word_vocab, char_vocab)]
    return hstack(blocks).tocsr(), vocab, np.concatenate(idf).astype(np.float32)


class Models:
    """The fitted linear models as plain arrays: weights (features x outputs) and biases, the
    outputs being topics, then danger, then French-or-English, then adult-or-student, then kinds
    of danger."""

    def __init__(self, vocab: list[dict[str, int]], idf: np.ndarray, weights, bias, meta):
        self.vocab, self.idf, self.weights, self.bias, self.meta = vocab, idf, weights, bias, meta
        self.topics = meta["topics"]
        self.categories = meta["categories"]
        self.temperature = meta["temperature"]
        self.blend = meta["blend"]
        self._analyzers = [CountVectorizer(**o).build_analyzer() for o in (WORDS, CHARS)]

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values (each vectorizer L2-normalized), as sklearn makes."""
        norm = _text(text)
        cols: list[int] = []
        vals: list[float] = []
        offset = 0
        for analyzer, vocab in zip(self._analyzers, self.vocab, strict=True):
            counts = Counter(vocab[g] for g in analyzer(norm) if g in vocab)
            part = [
                (offset + i, (1 + math.log(n)) * self.idf[offset + i]) for i, n in counts.items()
            ]
            length = math.sqrt(sum(v * v for _, v in part)) or 1.0
            cols += [i for i, _ in part]
            vals += [v / length for _, v in part]
            offset += len(vocab)
        return np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float32)

    def analyze(self, text: str) -> Analysis:
        """Topic probabilities, danger probability and likely kinds of danger, in one pass."""
        cols, vals = self._features(text)
        scores = vals @ self.weights[cols] + self.bias
        n = len(self.topics)
        topic_scores = scores[:n] * self.temperature
        probs = np.exp(topic_scores - topic_scores.max())
        probs /= probs.sum()
        order = np.argsort(-probs)[:5]
        kind_scores = scores[n + 3 :]
        weight, kind_weight, bias = self.blend
        danger_score = weight * scores[n] + kind_weight * kind_scores.max() + bias
        danger, french, adult = (
            1.0 / (1.0 + math.exp(-float(s))) for s in (danger_score, scores[n + 1], scores[n + 2])
        )
        kinds = np.argsort(-kind_scores)[:2]
        return Analysis(
            tuple((self.topics[i], float(probs[i])) for i in order),
            danger,
            tuple(self.categories[i] for i in kinds),
            french,
            float(kind_scores[kinds[0]] - kind_scores[kinds[1]]),
            adult,
        )

    def save(self, path: Path) -> None:
        """Write the arrays (.npz) and vocabularies (.json) atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "vocab": self.vocab}
        for suffix, write in (
            (".npz", lambda f: np.savez(f, idf=self.idf, weights=self.weights, bias=self.bias)),
            (".json", lambda f: f.write(json.dumps(meta).encode())),
        ):
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
                write(out)
            os.replace(out.name, path.with_suffix(suffix))

    @classmethod
    def read(cls, path: Path) -> Models | None:
        """The models saved at path, or None when they are not there (never unpickles)."""
        arrays, meta_file = path.with_suffix(".npz"), path.with_suffix(".json")
        if not (arrays.is_file() and meta_file.is_file()):
            return None
        with np.load(arrays, allow_pickle=False) as data:
            idf, weights, bias = data["idf"], data["weights"], data["bias"]
        meta = json.loads(meta_file.read_text())
        return cls(meta.pop("vocab"), idf, weights, bias, meta)


# Replies to the bot's own prompts, greetings and the words that end a chat (menu digits, yes/no,
# commands, "thx bye"): on their own they are neither danger nor a question about any topic. The
# corpus says "bye" mostly in farewells before suicide, so without these the danger model took a
# plain "thanks bye" for one.
PROMPT_REPLIES = {
    "en": (
        *(str(n) for n in range(1, 13)),
        *"yes no ok okay sure nope yep menu help more stop start status info".split(),
        *"hi hello hey thanks bye cya ttyl".split(),
        *("ok bye", "thanks bye", "thx bye", "bye bye", "see you", "ok thanks bye"),
        "have a good day",
    ),
    "fr": (
        *"oui non merci aide plus bonjour salut allo sujets statut bye".split(),
        *("au revoir", "merci bye", "merci au revoir", "ok bye", "bonne journee", "bonne soiree"),
    ),
}


def kb_examples(kb: KnowledgeBase) -> list[Example]:
    """The knowledge base's phrasings, titles and off-topic lists as topic examples, and the
    replies to the bot's own prompts as off-topic messages that are not danger."""
    out = [
        Example(reply, lang, None, False, kind="kb", batch="kb")
        for lang, replies in PROMPT_REPLIES.items()
        for reply in replies
    ]
    for entry in kb.all_entries():
        for text in (entry.title, *entry.questions):
            out.append(Example(text, entry.lang, entry.id, False, kind="kb", batch="kb"))
    for lang, phrases in kb.offtopic.items():
        out += [Example(p, lang, None, False, kind="kb", batch="kb") for p in phrases]
    return out


def _svm() -> LinearSVC:
    """A linear SVM as every model here fits it; a tolerance of 0.01 instead of 0.0001 moves no
    answer on the corpus (scores within 0.001) and saves a fifth of the time."""
    return LinearSVC(C=0.5, tol=1e-2, random_state=SEED)


def _per_class(svm: LinearSVC) -> tuple[np.ndarray, np.ndarray]:
    """One weight row and bias per class (sklearn keeps a single row for two classes)."""
    if len(svm.classes_) == 2:
        return np.vstack([-svm.coef_, svm.coef_]), np.concatenate([-svm.intercept_, svm.intercept_])
    return svm.coef_, svm.intercept_


def _fit(model, x, y):
    return model.fit(x, y)


def _fit_danger(x, emergency: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of the danger regression, fitted on features scaled by how much more
    often each appears in emergencies than in other messages or the reverse (the absolute
    naive Bayes log-count ratio, as in Wang and Manning's NBSVM, 2012). The scale is folded into
    the weights: answering costs nothing more."""
    y = np.asarray(emergency)
    seen = x.copy()
    seen.data[:] = 1.0
    ratio = np.zeros(x.shape[1])
    for rows, sign in ((y, 1.0), (~y, -1.0)):
        counts = 1.0 + np.asarray(seen[rows].sum(axis=0)).ravel()
        ratio += sign * np.log(counts / counts.sum())
    ratio = np.abs(ratio)
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000)
    model.fit(x.multiply(ratio).tocsr(), y)
    return model.coef_ * ratio, model.intercept_


def _fit_kinds(x, examples: Sequence[Example], rows) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Weights (kinds x features), biases and names of the kinds of danger: a one-vs-rest SVM
    over the emergencies of rows that name their kind and one more class, every non-emergency of
    rows, whose row is then dropped. The kinds' scores rank them; their best says how closely a
    message matches some kind of emergency rather than the messages that are not one."""
    keep = [i for i in rows if not examples[i].emergency or examples[i].category]
    labels = [examples[i].category if examples[i].emergency else NO_DANGER for i in keep]
    svm = _svm().fit(x[keep], labels)
    coef, bias = _per_class(svm)
    kinds = svm.classes_ != NO_DANGER
    return coef[kinds], bias[kinds], [str(c) for c in svm.classes_[kinds]]


def _fit_adult(x, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of a logistic regression, adult (parent, teacher, staff, community) or
    student, on the examples whose sender is known; a bias that always says student when the
    examples hold only one of the two. Fitted by stochastic gradient descent: out of fold it
    decides as lbfgs did at C 10 (adults at 0.8: precision 94.1 against 93.9 %, recall 74.3
    against 74.9 %) in 0.6 s instead of 4.6 s."""
    rows = [i for i, e in enumerate(examples) if e.who in SENDERS]
    y = [examples[i].who != "student" for i in rows]
    if len(set(y)) < 2:
        return np.zeros((1, x.shape[1])), np.array([-10.0])
    model = SGDClassifier(
        loss="log_loss", alpha=5e-6, class_weight="balanced", tol=1e-3, random_state=SEED
    )
    model.fit(x[rows], y)
    return model.coef_, model.intercept_


def _blend(x, examples: Sequence[Example]) -> list[float]:
    """How the danger score is made: weight * the regression's score + kind_weight * the best
    score of the kinds of danger + bias, a logistic regression fitted on one half of the batches
    with the two models trained on the other half. The best kind score says how closely a
    message matches some kind of emergency ("the knife is ready") rather than sounding urgent in
    general ("the power just went out rn"). [1, 0, 0] (the regression alone) when the examples
    are too few to split."""
    y = np.array([e.emergency for e in examples])
    groups = [e.batch for e in examples]
    if len(set(groups)) < 2:
        return [1.0, 0.0, 0.0]
    fit, held = next(GroupKFold(2).split(y, y, groups))
    kinds = {examples[i].category for i in fit if examples[i].emergency and examples[i].category}
    if len(set(y[fit])) < 2 or len(set(y[held])) < 2 or not kinds:
        return [1.0, 0.0, 0.0]
    coef, bias = _fit_danger(x[fit], list(y[fit]))
    kind_coef, kind_bias, _ = _fit_kinds(x, examples, fit)
    evidence = np.column_stack(
        [x[held] @ coef.ravel() + bias, (x[held] @ kind_coef.T + kind_bias).max(axis=1)]
    )
    model = LogisticRegression(class_weight="balanced").fit(evidence, y[held])
    return [*(float(w) for w in model.coef_[0]), float(model.intercept_[0])]


def _held_out_scores(x, y: np.ndarray, fit: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Scores (held rows x classes) of an SVM fitted on the other rows."""
    svm = _svm().fit(x[fit], y[fit])
    coef, bias = _per_class(svm)
    scores = np.zeros((len(held), int(y.max()) + 1))
    scores[:, svm.classes_] = x[held] @ coef.T + bias
    return scores


def _temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that makes held-out SVM scores the best probabilities."""

    def log_loss(t: float) -> float:
        z = scores * t
        z -= z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))).mean())

    return float(min(TEMPERATURES, key=log_loss))


def _calibration_split(labels: list[str]) -> tuple[np.ndarray, tuple | None]:
    """Class numbers, and the topical examples split in two halves (stratified): an SVM
    fitted on one scores the other, to calibrate on. None when a class has one example: nothing
    to calibrate on. Scoring both halves (2 folds) gives the same temperature in twice the
    time."""
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    if np.bincount(y).min() < 2:
        return y, None
    return y, next(StratifiedKFold(2, shuffle=True, random_state=SEED).split(y, y))


def _fit_all(x, examples: Sequence[Example], topical: list[int], labels: list[str]):
    """Every model, fitted in two worker processes, the topic SVM (the longest) first.
    Processes, not threads: liblinear draws from one random generator per process, so SVMs
    fitted side by side in threads would not come out the same twice."""
    x_topical = x[topical]
    y, split = _calibration_split(labels)
    jobs = [
        delayed(_fit)(_svm(), x_topical, labels),
        delayed(_fit_danger)(x, [e.emergency for e in examples]),
        delayed(_fit)(
            LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000),
            x,
            [e.lang == "fr" for e in examples],
        ),
        delayed(_fit_kinds)(x, examples, range(len(examples))),
        delayed(_blend)(x, examples),
        delayed(_fit_adult)(x, examples),
    ]
    if split is not None:
        jobs.insert(1, delayed(_held_out_scores)(x_topical, y, *split))
    topic, *held_out, danger, french, category, blend, adult = Parallel(n_jobs=2)(jobs)
    temperature = _temperature(held_out[0], y[split[1]]) if split is not None else 1.0
    return topic, temperature, danger, french, category, blend, adult


def train(examples: Sequence[Example], topics: Sequence[str] | None = None) -> Models:
    """Fit the features and the three classifiers on examples; with topics, examples of other
    topics train only the danger classifier (a knowledge base without those topics)."""
    starting = threading.Thread(target=_start_workers)
    starting.start()  # the two worker processes start while the texts are normalized
    norm = [_text(e.text) for e in examples]
    starting.join()
    x, vocab, idf = _features(norm)
    known = set(topics) if topics is not None else {e.topic for e in examples}
    topical = [
        i
        for i, e in enumerate(examples)
        if e.topic_known and (e.topic in known if e.topic else not e.emergency)
    ]
    labels = [examples[i].topic or OFFTOPIC for i in topical]
    topic, temperature, danger, french, category, blend, adult = _fit_all(
        x, examples, topical, labels
    )
    topic_coef, topic_bias = _per_class(topic)
    kind_coef, kind_bias, kinds = category
    danger_coef, danger_bias = danger
    adult_coef, adult_bias = adult
    weights = np.hstack([topic_coef.T, danger_coef.T, french.coef_.T, adult_coef.T, kind_coef.T])
    bias = np.concatenate([topic_bias, danger_bias, french.intercept_, adult_bias, kind_bias])
    meta = {
        "topics": [str(c) for c in topic.classes_],
        "categories": kinds,
        "temperature": temperature,
        "blend": blend,
    }
    return Models(vocab, idf, weights.astype(np.float32), bias.astype(np.float32), meta)


def fingerprint(kb_dir: Path, topics_file: Path, corpus_dir: Path = CORPUS_DIR) -> str:
    """Hash of everything a model is trained from, and of the code that trains it."""
    digest = hashlib.sha256()
    for part in (MODEL_VERSION, sklearn.__version__, sys.version.split()[0]):
        digest.update(part.encode())
    files = [
        *sorted(corpus_dir.glob("*.jsonl")),
        *sorted(kb_dir.glob("*.yaml")),
        topics_file,
        Path(__file__),
        Path(__file__).with_name("normalize.py"),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


_LOADED: dict[Path, Models] = {}  # per process: each cache entry is read once


def load_or_train(
    kb: KnowledgeBase,
    cache_dir: Path | None = None,
    corpus_dir: Path = CORPUS_DIR,
    say=lambda message: None,
) -> Models:
    """The cached models for exactly these inputs, trained (and cached) when missing."""
    key = fingerprint(kb.directory, kb.topics_file, corpus_dir)
    path = (cache_dir or DEFAULT_CACHE) / f"models-{key}"
    if path not in _LOADED:
        _LOADED[path] = Models.read(path) or _train_and_keep(kb, path, corpus_dir, say)
    return _LOADED[path]


def _train_and_keep(kb: KnowledgeBase, path: Path, corpus_dir: Path, say) -> Models:
    say("sro-bot: training the language models (first start only; about 25 s on two cores)...")
    started = time.perf_counter()
    known = (*read_topic_ids(), *kb.topic_ids)
    models = train(read_corpus(known, corpus_dir) + kb_examples(kb), kb.topic_ids)
    say(f"sro-bot: models trained in {time.perf_counter() - started:.1f} s")
    models.save(path)
    return models


def leave_one_batch_out(
    examples: Sequence[Example], always: Sequence[Example] = ()
) -> list[tuple[Example, Analysis]]:
    """Each batch scored by models trained on every other batch (plus always, such as the
    knowledge base's phrasings): figures for messages no model was trained on."""
    out = []
    for batch in sorted({e.batch for e in examples}):
        held = [e for e in examples if e.batch == batch]
        models = train([*(e for e in examples if e.batch != batch), *always])
        out += [(e, models.analyze(e.text)) for e in held]
    return out
