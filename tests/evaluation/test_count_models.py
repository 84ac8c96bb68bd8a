"""Count models of the replies: fitted once per order, compared with the network,
mixed with it."""

import logging

import numpy as np
import pytest

from rnn_pipeline.evaluation.count_models import (
    baseline_comparison,
    best_mixture_weight,
    count_probabilities,
    fit_count_models,
    mixture_perplexities,
    mixture_perplexity,
)

REPLIES = [[4, 5, 6], [4, 5, 7], [4, 5, 6, 6], [8, 9]] * 10


def test_one_model_per_distinct_order():
    models = fit_count_models(REPLIES, [3, 1, 2, 3, 4], vocabulary_size=10)
    assert sorted(models) == [1, 2, 3, 4]
    assert [models[n].order for n in sorted(models)] == [1, 2, 3, 4]


def test_the_baselines_beside_the_network_with_ratios():
    models = fit_count_models(REPLIES, [1, 2, 3], vocabulary_size=10)
    entry = baseline_comparison(2.0, [[4, 5, 6]], models)
    assert max(entry["trigram"], entry["bigram"]) < entry["unigram"]
    assert entry["ratio_to_trigram"] == pytest.approx(2.0 / entry["trigram"])


def test_mixture_perplexities_at_the_best_or_a_given_weight():
    models = fit_count_models(REPLIES, [2], vocabulary_size=10)
    count = count_probabilities(models[2], [[4, 5, 6], [8, 9]])
    assert len(count) == 7  # EOS counted
    network = np.full(7, 0.5)
    chosen = mixture_perplexities(network, count)
    assert chosen["interpolated"] <= min(chosen["model"], chosen["count_model"])
    given = mixture_perplexities(network, count, weight=0.0)
    assert given["interpolated"] == pytest.approx(2.0)


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


def test_fits_and_scoring_end_with_a_line_of_their_time(caplog):
    with caplog.at_level(logging.INFO, logger="rnn_pipeline.training.progress"):
        models = fit_count_models(REPLIES, [1, 2], 10, "reply count models")
        count_probabilities(models[2], REPLIES, "scoring the replies")
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith(f"fitting reply count models: {2 * len(REPLIES)} ")
    assert messages[1].startswith(f"scoring the replies: {len(REPLIES)} done in ")
