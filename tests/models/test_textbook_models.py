"""SequenceClassifier, SequenceRegressor and SkipGram: shapes, config, .keras files."""

import keras
import numpy as np
import pytest

from rnn_pipeline.models import SequenceClassifier, SequenceRegressor, SkipGram

SEQUENCES = np.random.default_rng(0).random((3, 8, 5)).astype("float32")
WORDS = np.array([1, 2, 3], dtype="int32")
CANDIDATES = np.array([[2, 5, 6], [3, 7, 8], [1, 9, 4]], dtype="int32")


def models():
    return [
        (SequenceClassifier(10, units=6, num_layers=2, cell_type="gru"), SEQUENCES),
        (SequenceRegressor(2, units=6, num_layers=2, cell_type="lstm"), SEQUENCES),
        (SkipGram(12, embedding_dim=4), (WORDS, CANDIDATES)),
    ]


@pytest.mark.parametrize("cell_type", ["simple_rnn", "lstm", "gru"])
def test_output_shapes(cell_type):
    classifier = SequenceClassifier(10, units=6, num_layers=2, cell_type=cell_type)
    regressor = SequenceRegressor(1, units=6, num_layers=2, cell_type=cell_type)
    assert tuple(classifier(SEQUENCES).shape) == (3, 10)
    assert tuple(regressor(SEQUENCES).shape) == (3, 8, 1)
    assert tuple(SkipGram(12, 4)((WORDS, CANDIDATES)).shape) == (3, 3)


@pytest.mark.parametrize("index", range(3))
def test_get_config_round_trip(index):
    model, inputs = models()[index]
    model(inputs)
    clone = type(model).from_config(model.get_config())
    clone(inputs)
    assert clone.get_config() == model.get_config()
    assert clone.count_params() == model.count_params()


@pytest.mark.parametrize("index", range(3))
def test_keras_file_loads_with_safe_mode_and_gives_the_same_outputs(index, tmp_path):
    model, inputs = models()[index]
    expected = np.asarray(model(inputs))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    np.testing.assert_allclose(np.asarray(loaded(inputs)), expected, atol=1e-6)


def test_unknown_cell_type_is_named_in_the_error():
    with pytest.raises(ValueError, match="got 'rnn'"):
        SequenceClassifier(10, cell_type="rnn")
    with pytest.raises(ValueError, match="got 'rnn'"):
        SequenceRegressor(1, cell_type="rnn")


def test_skip_gram_word_vectors_are_the_word_embedding():
    model = SkipGram(12, 4)
    model((WORDS, CANDIDATES))
    assert model.word_vectors().shape == (12, 4)
