import numpy as np
import pytest

from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.training.windows import make_window_dataset, window_count


def test_targets_are_the_inputs_shifted_by_one():
    ids = np.arange(4, 30)
    batches = list(make_window_dataset(ids, 5, 2))
    inputs = np.concatenate([np.asarray(x) for x, _ in batches])
    targets = np.concatenate([np.asarray(y) for _, y in batches])
    assert inputs.shape == (window_count(len(ids), 5), 5) == (5, 5)
    np.testing.assert_array_equal(targets, inputs + 1)
    np.testing.assert_array_equal(inputs.reshape(-1), ids[:25])


def test_training_batches_are_full_and_shuffled():
    ids = np.arange(4, 4 + 8 * 10 + 1)
    batches = [np.asarray(x) for x, _ in make_window_dataset(ids, 8, 3, True, 1, True)]
    assert [b.shape for b in batches] == [(3, 8)] * 3
    firsts = np.concatenate(batches)[:, 0]
    assert not np.array_equal(firsts, np.sort(firsts))


def test_too_short_text_and_bad_sizes_are_errors():
    with pytest.raises(CorpusError, match="validation text has 5 characters"):
        make_window_dataset(np.arange(5), 10, 2, name="validation")
    with pytest.raises(CorpusError, match="need at least 41"):
        make_window_dataset(np.arange(30), 10, 4, drop_remainder=True)
    with pytest.raises(ValueError, match="got 0 and 2"):
        make_window_dataset(np.arange(30), 0, 2)
