import math

import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import pad_ids
from rnn_pipeline.training.evaluation import evaluate_by_bucket, token_probabilities


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
