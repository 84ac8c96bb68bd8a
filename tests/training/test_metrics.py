import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_pipeline.training.metrics import (
    MaskedTokenAccuracy,
    MaskedTokenCrossentropy,
    token_crossentropy,
    token_hits,
)


@pytest.fixture
def logits_and_targets():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((4, 6, 9)).astype("float32") * 3
    targets = rng.integers(1, 9, (4, 6)).astype("int32")
    targets[0, 3:] = 0  # PAD tails of different lengths
    targets[2, 1:] = 0
    return logits, targets


def test_token_crossentropy_is_minus_log_softmax_of_the_target(logits_and_targets):
    logits, targets = logits_and_targets
    shifted = logits - logits.max(-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    expected = -np.take_along_axis(log_softmax, targets[..., None], -1)[..., 0]
    np.testing.assert_allclose(
        np.asarray(token_crossentropy(targets, logits)), expected, rtol=1e-5
    )


def test_token_hits_mark_where_the_argmax_is_the_target(logits_and_targets):
    logits, targets = logits_and_targets
    targets[1] = logits[1].argmax(-1)  # a row predicted right throughout
    expected = (logits.argmax(-1) == targets).astype("float32")
    hits = np.asarray(token_hits(targets, logits))
    np.testing.assert_array_equal(hits, expected)
    assert hits[1].all() and hits.shape == targets.shape


def test_token_crossentropy_stays_finite_for_large_logits():
    logits = np.array([[1e4, -1e4, 0.0]], dtype="float32")
    values = np.asarray(token_crossentropy(np.array([1]), logits))
    np.testing.assert_allclose(values, [2e4], rtol=1e-6)


def test_masked_loss_is_the_mean_over_non_pad_tokens(logits_and_targets):
    logits, targets = logits_and_targets
    per_token = np.asarray(token_crossentropy(targets, logits))
    real = targets != 0
    loss = float(MaskedTokenCrossentropy()(targets, logits))
    assert loss == pytest.approx(per_token[real].mean(), rel=1e-5)
    # The same figure as Keras's own loss with PAD as the ignored class.
    keras_loss = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=0
    )
    assert loss == pytest.approx(float(keras_loss(targets, logits)), rel=1e-5)


def test_pad_positions_get_no_gradient(logits_and_targets):
    logits, targets = logits_and_targets
    logits = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = MaskedTokenCrossentropy()(targets, logits)
    gradient = tape.gradient(loss, logits).numpy()
    assert np.all(gradient[targets == 0] == 0)
    assert np.all(np.abs(gradient[targets != 0]).sum(-1) > 0)


def test_a_batch_of_only_pad_has_zero_loss():
    targets = np.zeros((2, 3), dtype="int32")
    logits = np.ones((2, 3, 5), dtype="float32")
    assert float(MaskedTokenCrossentropy()(targets, logits)) == 0.0


def test_loss_is_taken_in_float32_for_bfloat16_logits(logits_and_targets):
    logits, targets = logits_and_targets
    low = keras.ops.cast(logits, "bfloat16")
    loss = MaskedTokenCrossentropy()(targets, low)
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"
    reference = MaskedTokenCrossentropy()(targets, keras.ops.cast(low, "float32"))
    assert float(loss) == pytest.approx(float(reference), rel=1e-6)


def test_masked_loss_round_trips_through_its_config():
    loss = MaskedTokenCrossentropy(name="token_loss")
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(loss)
    )
    assert isinstance(restored, MaskedTokenCrossentropy)
    assert restored.name == "token_loss"


def test_token_accuracy_counts_tokens_across_batches():
    metric = MaskedTokenAccuracy()
    one_hot = np.eye(4, dtype="float32")
    # First batch: 3 real tokens, 2 right. Second: 1 real token, right.
    metric.update_state(np.array([[1, 2, 3, 0]]), one_hot[[1, 2, 1, 0]][None])
    metric.update_state(np.array([[3, 0]]), one_hot[[3, 3]][None])
    assert float(metric.result()) == pytest.approx(3 / 4)
