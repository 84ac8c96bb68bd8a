import math
from collections import Counter

import keras
import numpy as np
import pytest

from rnn_pipeline.models import CharRNN
from rnn_pipeline.text.plain import split_contiguous
from rnn_pipeline.text.vocab import build_vocab
from rnn_pipeline.training.fit import FitOptions, compile_model
from rnn_pipeline.training.windows import make_window_dataset

VOCAB = 20


def tiny_model(**overrides):
    options = dict(embedding_dim=8, units=16, num_layers=2, dropout=0.0)
    options.update(overrides)
    return CharRNN(VOCAB, **options)


def tokens(seed=0, shape=(3, 9)):
    return np.random.default_rng(seed).integers(4, VOCAB, shape).astype("int32")


@pytest.mark.parametrize("cell_type", ["lstm", "gru"])
@pytest.mark.parametrize("use_embedding", [True, False])
def test_output_shape(cell_type, use_embedding):
    model = tiny_model(cell_type=cell_type, use_embedding=use_embedding)
    assert tuple(model(tokens()).shape) == (3, 9, VOCAB)


def test_one_hot_input_is_frozen_and_exact():
    model = tiny_model(use_embedding=False)
    table = model.get_layer("input_encoding")
    assert not table.trainable
    np.testing.assert_array_equal(np.asarray(table.embeddings), np.eye(VOCAB))


def test_get_config_round_trip():
    model = tiny_model(cell_type="gru", use_embedding=False, dropout=0.3)
    clone = CharRNN.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.count_params() == model.count_params()


def test_keras_file_loads_with_safe_mode_and_gives_the_same_outputs(tmp_path):
    model = tiny_model()
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, CharRNN)
    np.testing.assert_allclose(loaded(tokens()), model(tokens()), atol=1e-6)


@pytest.mark.parametrize("cell_type", ["lstm", "gru"])
def test_step_function_and_priming_match_the_full_sequence(cell_type):
    # Generation (prime once, then next per character) shares the training weights.
    model = tiny_model(cell_type=cell_type, dropout=0.5)
    x = tokens()
    full = np.asarray(model(x, training=False))
    state = model.initial_state(3)
    for t in range(x.shape[1]):
        logits, state = model.next(x[:, t], state)
        np.testing.assert_allclose(logits, full[:, t], atol=1e-5)
    primed = model.prime(x[:, :5])
    logits, _ = model.next(x[:, 5], primed)
    np.testing.assert_allclose(logits, full[:, 5], atol=1e-5)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="cell_type must be one of"):
        CharRNN(VOCAB, cell_type="simple_rnn")
    with pytest.raises(ValueError, match="got 1, 128, 2"):
        CharRNN(1)


@pytest.mark.slow
def test_learns_a_periodic_text_far_below_its_character_entropy():
    # Each character follows from the two before it, so a model that learned reaches a
    # loss near 0; one that only counts characters stays at the unigram entropy.
    text = "the cat sat on the mat. " * 400
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log(n / len(text)) for n in counts.values())
    vocabulary = build_vocab([text])
    train, validation = split_contiguous(text, 0.2, 1000)
    datasets = [
        make_window_dataset(vocabulary.encode(part), 24, 16, shuffle=shuffle)
        for part, shuffle in ((train, True), (validation, False))
    ]
    keras.utils.set_random_seed(0)
    model = CharRNN(len(vocabulary), units=48, num_layers=1, dropout=0.0)
    compile_model(model, FitOptions(learning_rate=0.01))
    model.fit(datasets[0], epochs=12, verbose=0, shuffle=False)  # tf.data shuffles
    loss = model.evaluate(datasets[1], verbose=0, return_dict=True)["loss"]
    assert loss < 0.1 * entropy, (loss, entropy)
