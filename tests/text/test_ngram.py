"""The count-based baselines: proper distributions, smoothing, and learning."""

import math
import random
from itertools import pairwise

import pytest

from rnn_pipeline.text.ngram import NgramLanguageModel, baseline_perplexities
from rnn_pipeline.text.specials import EOS, GO

VOCAB = 12


def _corpus(n: int = 300, seed: int = 0) -> list[list[int]]:
    """Replies from a tiny grammar: 4 5 6 ... repeated patterns plus noise."""
    rng = random.Random(seed)
    patterns = [[4, 5, 6], [4, 5, 7, 8], [9, 10], [4, 11, 6]]
    return [list(rng.choice(patterns)) for _ in range(n)]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_probabilities_sum_to_one_in_every_context(order):
    model = NgramLanguageModel(order, VOCAB).fit(_corpus())
    for context in ([GO, GO], [4, 5], [9, 10], [11, 11], [7]):
        total = sum(model.probability(context, t) for t in range(VOCAB))
        assert total == pytest.approx(1.0, abs=1e-9)


def test_unseen_tokens_keep_some_probability():
    model = NgramLanguageModel(3, VOCAB).fit(_corpus())
    assert model.probability([4, 5], 3) > 0


def test_higher_orders_predict_a_structured_corpus_better():
    train, test = _corpus(400, seed=1), _corpus(100, seed=2)
    scores = baseline_perplexities(train, test, VOCAB)
    assert scores["trigram"] < scores["bigram"] < scores["unigram"]
    # After "4 5" only 6 or 7 follow, each about half the time.
    model = NgramLanguageModel(3, VOCAB).fit(train)
    assert model.probability([4, 5], 6) + model.probability([4, 5], 7) > 0.9


def test_unigram_is_add_one():
    model = NgramLanguageModel(1, 5).fit([[4, 4]])  # tokens 4, 4, EOS
    assert model.probability([], 4) == pytest.approx((2 + 1) / (3 + 5))
    assert model.probability([], 3) == pytest.approx(1 / 8)


def test_sequences_are_closed_by_eos_once():
    model = NgramLanguageModel(2, VOCAB).fit([[4, 5]])
    with_eos, n = model.sequence_log_prob([4, 5, EOS, 0, 0])
    without, m = model.sequence_log_prob([4, 5])
    assert (with_eos, n) == (without, m) and n == 3


def test_perplexity_matches_the_definition():
    model = NgramLanguageModel(2, VOCAB).fit(_corpus())
    test = [[4, 5, 6], [9, 10]]
    log_prob = sum(model.sequence_log_prob(s)[0] for s in test)
    assert model.perplexity(test) == pytest.approx(math.exp(-log_prob / 7))


def test_save_and_load_give_the_same_probabilities():
    model = NgramLanguageModel(3, VOCAB).fit(_corpus())
    loaded = NgramLanguageModel.from_dict(model.to_dict())
    for context, token in (([GO, GO], 4), ([4, 5], 7), ([10, 10], 3)):
        assert loaded.probability(context, token) == pytest.approx(
            model.probability(context, token)
        )


def test_a_wrong_saved_form_is_a_clear_error():
    with pytest.raises(ValueError, match="expected a saved n-gram model"):
        NgramLanguageModel.from_dict({"format": "something else"})


def test_perplexity_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="at least one token"):
        NgramLanguageModel(1, VOCAB).fit(_corpus()).perplexity([])


def test_token_probabilities_are_each_steps_probability():
    model = NgramLanguageModel(3, VOCAB).fit(_corpus())
    steps = model.token_probabilities([4, 5, 6])
    expected = [
        model.probability([GO, GO], 4),
        model.probability([GO, 4], 5),
        model.probability([4, 5], 6),
        model.probability([5, 6], EOS),
    ]
    assert steps.tolist() == pytest.approx(expected)
    log_prob, n = model.sequence_log_prob([4, 5, 6])
    assert n == 4 and log_prob == pytest.approx(sum(math.log(p) for p in expected))


def test_unigram_probabilities_sum_to_one_and_rank_continuation_counts():
    # 'x' follows three different characters, 'y' one (though as often).
    model = NgramLanguageModel(order=3, vocabulary_size=10).fit(
        [[4, 7], [5, 7], [6, 7], [8, 9], [8, 9], [8, 9]]
    )
    unigram = model.unigram_probabilities()
    assert unigram.sum() == pytest.approx(1.0)
    assert unigram[7] > unigram[9]
    laplace = NgramLanguageModel(order=1, vocabulary_size=10).fit([[4, 4, 5]])
    assert laplace.unigram_probabilities()[4] > laplace.unigram_probabilities()[5]


@pytest.mark.parametrize("order", [2, 3, 4])
def test_seen_pair_knows_exactly_the_adjacent_pairs_of_the_corpus(order):
    corpus = _corpus()
    model = NgramLanguageModel(order, VOCAB).fit(corpus)
    pairs = {(a, b) for s in corpus for a, b in pairwise(s)}
    for first in range(4, VOCAB):
        for second in range(4, VOCAB):
            assert model.seen_pair(first, second) == ((first, second) in pairs)
    reloaded = NgramLanguageModel.from_dict(model.to_dict())
    assert reloaded.seen_pair(4, 5) and not reloaded.seen_pair(5, 4)


def test_seen_pair_of_a_unigram_is_a_clear_error():
    with pytest.raises(ValueError, match="order of 2 or more, got 1"):
        NgramLanguageModel(1, VOCAB).fit(_corpus()).seen_pair(4, 5)
