import numpy as np
import pytest

from rnn_pipeline.text.word_vectors import nearest_neighbours, project_2d


def test_nearest_neighbours_by_cosine_excluding_the_word_itself():
    vectors = np.array([[1, 0], [10, 1], [0, 1], [-1, 0]], dtype=float)
    found = nearest_neighbours(vectors, ["a", "b", "c", "d"], ["a", "zzz"], k=2)
    assert [w for w, _ in found["a"]] == ["b", "c"]
    assert "zzz" not in found


def test_projection_is_two_dimensional_and_needs_three_vectors():
    points = project_2d(np.random.default_rng(0).random((20, 5)), perplexity=5)
    assert points.shape == (20, 2)
    with pytest.raises(ValueError, match="got 2"):
        project_2d(np.zeros((2, 5)))
