import math

import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import pad_ids
from rnn_pipeline.training.evaluation import (
    best_mixture_weight,
    evaluate_by_bucket,
    mixture_perplexity,
    token_probabilities,
)


def test_per_bucket_loss_perplexity_and_accuracy_of_an_untrained_model():
    model = Seq2Seq(12, 12, embedding_dim=4, units=8, num_layers=1)
    sources = pad_ids([[4, 5], [6, 7, 8], [4, 4, 4, 4, 4, 4]], 8)
    targets = pad_ids([[5, 2], [6, 2], [7, 7, 7, 7, 2]], 8)
    results = evaluate_by_bucket(
        model, sources, targets, np.array([0, 0, 1]), ["small", "large", "empty"]
    )
    assert set(results) == {"small", "large", "all"}  # empty buckets are left out
    assert results["small"]["pairs"] == 2 and results["small"]["tokens"] == 4
    assert results["all"]["tokens"] == 9
    # An untrained model is close to uniform over 12 tokens.
    assert abs(results["all"]["loss"] - math.log(12)) < 0.5
    assert math.isclose(results["all"]["perplexity"], math.exp(results["all"]["loss"]))
    assert 0.0 <= results["all"]["accuracy"] <= 1.0


def test_token_probabilities_give_the_bucket_loss_pair_by_pair_in_order():
    model = Seq2Seq(12, 12, embedding_dim=4, units=8, num_layers=1)
    sources = [[4, 5], [6, 7, 8], [4, 4, 4, 4, 4, 4], [9, 10]]
    targets = [[7, 7, 7, 7, 2], [5, 2], [6, 2], [8, 9, 2]]
    batched = token_probabilities(model, sources, targets, batch_size=3)
    assert [len(p) for p in batched] == [5, 2, 2, 3]
    # Sorted into length batches and put back: the same as one pair at a time.
    for pair, probabilities in enumerate(batched):
        alone = token_probabilities(model, [sources[pair]], [targets[pair]])[0]
        assert probabilities == pytest.approx(alone, rel=1e-4)
    results = evaluate_by_bucket(
        model, pad_ids(sources, 8), pad_ids(targets, 8), np.zeros(4, int), ["all"]
    )
    nll = -np.log(np.concatenate(batched))
    assert nll.mean() == pytest.approx(results["all"]["loss"], rel=1e-4)


def test_two_models_that_err_on_different_tokens_mix_better_than_either():
    # One is sure where the other is lost, and the other way round.
    network = np.array([0.9, 0.02] * 50)
    counts = np.array([0.02, 0.9] * 50)
    weight = best_mixture_weight(network, counts)
    assert weight == pytest.approx(0.5)
    alone = mixture_perplexity(network, counts, 0.0)
    assert alone == pytest.approx(mixture_perplexity(network, counts, 1.0))
    assert mixture_perplexity(network, counts, weight) < 0.5 * alone


def test_a_count_model_worse_everywhere_gets_no_weight():
    network = np.array([0.5, 0.3, 0.4])
    assert best_mixture_weight(network, network / 4) == 0.0
    assert best_mixture_weight(network / 4, network) == 1.0


def test_the_mixture_needs_the_same_tokens_from_both_models():
    with pytest.raises(ValueError, match="same tokens"):
        mixture_perplexity(np.array([0.5, 0.5]), np.array([0.5]), 0.5)
