"""Weighted bags of characters and their cosine."""

import numpy as np
import pytest

from rnn_pipeline.text.overlap import cosine, information, weighted_bag
from rnn_pipeline.text.specials import EOS, PAD

WEIGHTS = np.array([1.0, 1.0, 1.0, 0.1, 5.0, 5.0])


def test_a_shared_rare_token_counts_more_than_a_shared_common_one():
    prompt = weighted_bag([3, 4], WEIGHTS)
    assert cosine(prompt, weighted_bag([4, 5], WEIGHTS)) > cosine(
        prompt, weighted_bag([3, 5], WEIGHTS)
    )
    assert cosine(prompt, prompt) == pytest.approx(1.0)


def test_specials_are_left_out_and_an_empty_bag_shares_nothing():
    assert weighted_bag([4, EOS, PAD], WEIGHTS) == weighted_bag([4], WEIGHTS)
    assert cosine(weighted_bag([], WEIGHTS), weighted_bag([4], WEIGHTS)) == 0.0


def test_information_is_minus_log_probability():
    assert information(np.array([1.0, 0.5])).tolist() == pytest.approx([0.0, np.log(2)])
