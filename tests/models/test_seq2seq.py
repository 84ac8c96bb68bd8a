import keras
import numpy as np
import pytest

from rnn_pipeline import samplers
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import FitOptions, compile_model, fit_with_resume


def tiny_model(**overrides):
    options = dict(embedding_dim=8, units=16, num_layers=2, dropout=0.0)
    options.update(overrides)
    return Seq2Seq(20, 22, **options)


def batch(seed=0):
    rng = np.random.default_rng(seed)
    source = rng.integers(4, 20, (3, 7)).astype("int32")
    source[0, 4:] = 0
    decoder = rng.integers(4, 22, (3, 5)).astype("int32")
    return source, decoder


@pytest.mark.parametrize("cell_type", ["lstm", "gru"])
@pytest.mark.parametrize("attention", ["luong", "bahdanau"])
def test_output_shape(cell_type, attention):
    model = tiny_model(cell_type=cell_type, attention=attention)
    source, decoder = batch()
    assert tuple(model([source, decoder]).shape) == (3, 5, 22)


def test_get_config_round_trip():
    model = tiny_model(attention="bahdanau", cell_type="gru")
    clone = Seq2Seq.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.count_params() == model.count_params()


def test_embedding_dropout_acts_in_training_only_and_is_kept_in_the_config():
    model = tiny_model(num_layers=1, embedding_dropout=0.5)
    assert Seq2Seq.from_config(model.get_config()).embedding_dropout == 0.5
    source, decoder = batch()
    inference = [model([source, decoder], training=False) for _ in range(2)]
    np.testing.assert_allclose(inference[0], inference[1])
    # One layer, so the only dropout in play is on the embedded tokens.
    keras.utils.set_random_seed(1)
    training = model([source, decoder], training=True)
    assert not np.allclose(training, inference[0], atol=1e-6)


def test_tied_embeddings_write_logits_with_the_embedding_matrix(tmp_path):
    tied, untied = tiny_model(tie_embeddings=True), tiny_model()
    source, decoder = batch()
    assert tuple(tied([source, decoder]).shape) == (3, 5, 22)
    # No units x vocabulary projection (bias kept); the combination shrinks to
    # embedding_dim.
    decoder_layer = tied.get_layer("decoder")
    assert decoder_layer.projection is None
    assert untied.count_params() - tied.count_params() == 16 * 22 + (16 + 16) * 8 + 8
    # Changing one row of the embedding changes that token's logit at every step.
    before = np.asarray(tied([source, decoder]))
    table = decoder_layer.embedding.embeddings
    rows = table.numpy()
    rows[3] += 1.0
    table.assign(rows)
    after = np.asarray(tied([source, decoder]))
    changed = ~np.isclose(before, after, atol=1e-6).all(axis=(0, 1))
    # Token 3 is never fed to the decoder here, so only its logit can move.
    assert (decoder != 3).all() and changed.tolist() == [i == 3 for i in range(22)]
    clone = Seq2Seq.from_config(tied.get_config())
    assert clone.tie_embeddings and clone.count_params() == tied.count_params()
    path = tmp_path / "tied.keras"
    tied.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded([source, decoder]), after, atol=1e-6)
    state = tied.encode(source)
    for t in range(decoder.shape[1]):
        logits, state = tied.next(decoder[:, t], state)
        np.testing.assert_allclose(logits, after[:, t], atol=1e-5)


def test_keras_file_loads_with_safe_mode_and_gives_the_same_outputs(tmp_path):
    model = tiny_model(attention="bahdanau")
    source, decoder = batch()
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, Seq2Seq)
    np.testing.assert_allclose(
        loaded([source, decoder]), model([source, decoder]), atol=1e-6
    )


def test_step_decoding_matches_teacher_forcing():
    # The inference step and the training graph share weights and must agree.
    model = tiny_model()
    source, decoder = batch()
    full = np.asarray(model([source, decoder]))
    state = model.encode(source)
    for t in range(decoder.shape[1]):
        logits, state = model.next(decoder[:, t], state)
        np.testing.assert_allclose(logits, full[:, t], atol=1e-5)


def test_padding_does_not_change_the_encoding():
    model = tiny_model()
    source = np.array([[5, 6, 7]], dtype="int32")
    padded = np.array([[5, 6, 7, 0, 0, 0]], dtype="int32")
    decoder = np.array([[1, 4, 5]], dtype="int32")
    np.testing.assert_allclose(
        model([source, decoder]), model([padded, decoder]), atol=1e-5
    )


def reverse_task(n, rng):
    sources, targets = [], []
    for _ in range(n):
        sequence = list(rng.integers(4, 14, rng.integers(3, 9)))
        sources.append(sequence)
        targets.append(sequence[::-1] + [2])
    return pad_ids(sources, 8), pad_ids(targets, 9)


@pytest.mark.slow
def test_learns_to_reverse_sequences(tmp_path):
    """The chatbot's model class, small, reaches >= 95% greedy token accuracy.

    With tied embeddings (the untied model learns the copy task in test_attention).
    """
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    train_s, train_t = reverse_task(3000, rng)
    test_s, test_t = reverse_task(300, rng)
    model = Seq2Seq(
        14,
        14,
        embedding_dim=32,
        units=64,
        num_layers=1,
        dropout=0.0,
        tie_embeddings=True,
    )
    options = FitOptions(epochs=6, learning_rate=5e-3, verbose=0)
    compile_model(model, options)
    history = fit_with_resume(
        model,
        make_seq2seq_dataset(train_s, train_t, np.zeros(3000, int), 64, shuffle=True),
        make_seq2seq_dataset(test_s, test_t, np.zeros(300, int), 64),
        options,
        tmp_path / "ckpt",
    )
    assert history["loss"][-1] < history["loss"][0] / 10
    decoded = Seq2SeqGenerator(model, samplers.get("greedy"), 9)(test_s)
    mask = test_t != 0
    accuracy = ((decoded == test_t) & mask).sum() / mask.sum()
    assert accuracy >= 0.95, f"greedy token accuracy {accuracy:.3f}"


def test_compiled_decoding_with_and_without_xla_agree():
    from rnn_pipeline import samplers
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator

    model = tiny_model()
    source, _ = batch()
    outputs = [
        Seq2SeqGenerator(model, samplers.get("greedy"), 6, jit_compile=jit)(source)
        for jit in (False, True)
    ]
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert outputs[0].shape == (3, 6)
