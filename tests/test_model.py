"""Training: deterministic, the saved models answer as the trained ones, and the danger score
blends the regression with the best kind-of-danger score."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from faq.corpus import read_corpus
from faq.loader import load, read_topic_ids
from faq.model import Models, _blend, _features, _text, kb_examples, train


@pytest.fixture(scope="module")
def examples():
    """A fifth of the corpus and the knowledge base's phrasings: every topic, every kind of
    danger, trained in a few seconds."""
    kb = load()
    corpus = read_corpus((*read_topic_ids(), *kb.topic_ids))
    return corpus[::5] + kb_examples(kb), kb.topic_ids


@pytest.fixture(scope="module")
def models(examples):
    return train(*examples)


def test_training_twice_gives_the_same_models(examples, models):
    first, second = models, train(*examples)
    assert first.meta == second.meta
    assert first.vocab == second.vocab
    for name in ("idf", "weights", "bias"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name


def test_saved_models_answer_as_the_trained_ones(models, tmp_path):
    models.save(tmp_path / "models")
    read = Models.read(tmp_path / "models")
    assert read is not None
    for text in ("is the officer in today", "il y a un gars avec un couteau", "thx bye"):
        assert read.analyze(text) == models.analyze(text)


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("Is 403-266-1234 open 24 hours?", "is non emergency line open 0 hours"),
        ("(403) 266-1234 c le bon numero?", "non emergency line c le bon numero"),
        ("text 988 or call 911 from room 12", "text 988 or call 911 from room 0"),
    ],
)
def test_the_numbers_of_help_keep_their_meaning_and_others_become_one_token(text, seen):
    assert _text(text) == seen


def test_the_danger_score_blends_the_regression_and_the_best_kind(models):
    weight, kind_weight, bias = models.blend
    assert weight > 0 and kind_weight > 0  # fitted on held-out batches, not the fallback
    n = len(models.topics)
    for text in ("the knife is ready", "the power just went out rn", "thx bye"):
        cols, vals = models._features(text)
        scores = vals @ models.weights[cols] + models.bias
        blended = weight * scores[n] + kind_weight * scores[n + 2 :].max() + bias
        assert models.analyze(text).danger == pytest.approx(1 / (1 + math.exp(-blended)))


def test_one_batch_leaves_the_regression_alone(examples):
    """Nothing to hold out: the danger score is the regression's."""
    few = [dataclasses.replace(e, batch="one") for e in examples[0][::10]]
    x, _, _ = _features([_text(e.text) for e in few])
    assert _blend(x, few) == [1.0, 0.0, 0.0]


def test_the_sender_model_tells_a_parent_from_a_child(models):
    for parent in (
        "my son told me his coach touched him, what do i do",
        "ma fille se fait intimider",
    ):
        assert models.analyze(parent).adult > 0.8, parent
    for child in ("my coach touched me and i dont know what to do", "je me fais intimider"):
        assert models.analyze(child).adult < 0.5, child


def test_examples_of_one_kind_of_sender_say_student():
    from scipy.sparse import csr_matrix

    from faq.corpus import Example
    from faq.model import _fit_adult

    only = [Example(f"question {n}", "en", "sro-role", False, who="student") for n in range(4)]
    coef, bias = _fit_adult(csr_matrix(np.eye(4)), only)
    assert not coef.any() and bias[0] <= -10
