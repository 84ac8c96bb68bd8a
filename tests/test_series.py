import numpy as np
import pytest

from rnn_pipeline.series import (
    chapter_series,
    generate,
    sample_windows,
    split_windows,
    window_times,
)


def test_chapter_series_values():
    assert chapter_series(0.0) == 0.0
    t = np.pi / 2
    assert chapter_series(t) == pytest.approx(t / 3 + 2 * np.sin(5 * t))


def test_windows_are_consecutive_samples_of_the_series():
    starts, values = sample_windows(4, 20, 0.1, 0, 30, np.random.default_rng(0))
    assert values.shape == (4, 21)
    assert ((starts >= 0) & (starts + 2.0 < 30)).all()
    np.testing.assert_allclose(values, chapter_series(window_times(starts, 20, 0.1)))
    x, y = split_windows(values)
    assert x.shape == y.shape == (4, 20, 1)
    np.testing.assert_allclose(x[:, 1:], y[:, :-1])


def test_windows_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="steps=400"):
        sample_windows(4, 400, 0.1, 0, 30, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"got \(3,\)"):
        split_windows(np.zeros(3))


def test_generate_feeds_predictions_back():
    # A "model" that predicts each value plus one continues the count.
    sequence = generate(lambda w: w + 1, np.array([0.0, 1.0, 2.0]), 4)
    np.testing.assert_allclose(sequence, [0, 1, 2, 3, 4, 5, 6])
