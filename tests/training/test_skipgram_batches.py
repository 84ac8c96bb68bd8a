import numpy as np
import pytest

from rnn_pipeline.text.skipgram import noise_distribution
from rnn_pipeline.training.skipgram_batches import SkipGramBatches


def test_batches_hold_the_true_context_first_then_noise():
    words, contexts = np.arange(10), np.arange(10) + 100
    batches = SkipGramBatches(words, contexts, noise_distribution([1] * 5), 3, 4)
    assert len(batches) == 3
    seen = []
    for i in range(len(batches)):
        (w, candidates), labels = batches[i]
        assert candidates.shape == labels.shape == (len(w), 4)
        np.testing.assert_array_equal(candidates[:, 0], w + 100)
        assert (candidates[:, 1:] < 5).all()
        assert labels[:, 0].all() and not labels[:, 1:].any()
        seen += w.tolist()
    assert sorted(seen) == list(range(10))


def test_mismatched_pairs_are_refused():
    with pytest.raises(ValueError, match="got 3 words and 2 contexts"):
        SkipGramBatches(np.arange(3), np.arange(2), noise_distribution([1]), 1, 2)
