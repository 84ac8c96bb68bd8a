"""Token cross-entropy and metrics that ignore PAD positions."""

from __future__ import annotations

import functools

import keras
from keras import ops

from rnn_pipeline.backend import compile_function
from rnn_pipeline.text.specials import PAD


def _flat_crossentropy(target, logits):
    # log-sum-exp of the logits minus the target's logit: -log softmax(logits)[target].
    picked = ops.take_along_axis(logits, ops.expand_dims(target, -1), axis=-1)
    return ops.logsumexp(logits, axis=-1) - picked[:, 0]


def _flat_hits(target, logits):
    predicted = ops.cast(ops.argmax(logits, axis=-1), "int32")
    return ops.cast(ops.equal(predicted, target), "float32")


@functools.cache
def _compiled(fn, backend: str):
    return compile_function(fn, jit_compile=True)


def _per_token(fn, target, logits):
    logits = ops.convert_to_tensor(logits)
    # Flattened to one rank, so TensorFlow's relaxed tracing never loses the rank.
    values = _compiled(fn, keras.backend.backend())(
        ops.reshape(ops.cast(target, "int32"), (-1,)),
        ops.reshape(logits, (-1, ops.shape(logits)[-1])),
    )
    return ops.reshape(values, ops.shape(target))


def token_crossentropy(target, logits):
    """Cross-entropy of every position: integer ``target`` ``(...)`` under ``logits``
    ``(..., vocabulary)``, in the logits' dtype.

    Compiled with XLA on TensorFlow, which fuses the softmax and its gradient into a
    few passes over the logits. TensorFlow's own fused kernel takes about three times
    as long on the CPU, and at batch 1024 that was a tenth of a training step
    (``benchmarks/train_throughput.py``). XLA compiles once per shape, a tenth of a
    second each.
    """
    return _per_token(_flat_crossentropy, target, logits)


def token_hits(target, logits):
    """1.0 where the logits' argmax is the integer ``target``, else 0.0, per position.

    One XLA-compiled pass over the logits on TensorFlow, like ``token_crossentropy``.
    """
    return _per_token(_flat_hits, target, logits)


def masked_token_sums(target, logits):
    """Summed cross-entropy, summed right predictions and the count of the non-PAD
    positions of a batch: what per-epoch token means are made of."""
    mask = ops.cast(ops.not_equal(target, PAD), "float32")
    losses = ops.cast(token_crossentropy(target, logits), "float32")
    return (
        ops.sum(losses * mask),
        ops.sum(token_hits(target, logits) * mask),
        ops.sum(mask),
    )


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class MaskedTokenAccuracy(keras.metrics.Metric):
    """Share of non-PAD target tokens whose argmax prediction is right.

    Counts tokens across batches (not a mean of batch means), so short and long
    batches weigh what their tokens weigh.
    """

    def __init__(self, name: str = "token_accuracy", **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.tokens = self.add_variable(shape=(), initializer="zeros", name="tokens")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = ops.cast(y_true, "int32")
        mask = ops.cast(ops.not_equal(y_true, PAD), "float32")
        hits = token_hits(y_true, y_pred) * mask
        self.hits.assign_add(ops.sum(hits))
        self.tokens.assign_add(ops.sum(mask))

    def result(self):
        return self.hits / ops.maximum(self.tokens, 1.0)

    def reset_state(self) -> None:
        self.hits.assign(0.0)
        self.tokens.assign(0.0)


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class MaskedTokenLoss(keras.metrics.Metric):
    """Cross-entropy per non-PAD target token over all batches seen.

    Sums the loss and counts tokens across batches, as the test evaluation does
    (``evaluation.evaluate_by_bucket``), so ``val_token_loss`` and the test loss
    are the same measure. Keras's own ``val_loss`` is a mean of batch means, where a
    batch of short pairs weighs as much as a batch of long ones.
    """

    def __init__(self, name: str = "token_loss", **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.tokens = self.add_variable(shape=(), initializer="zeros", name="tokens")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        # Summed in float32 whatever precision the layers compute in.
        total, _, tokens = masked_token_sums(
            ops.cast(y_true, "int32"), ops.cast(y_pred, "float32")
        )
        self.total.assign_add(total)
        self.tokens.assign_add(tokens)

    def result(self):
        return self.total / ops.maximum(self.tokens, 1.0)

    def reset_state(self) -> None:
        self.total.assign(0.0)
        self.tokens.assign(0.0)


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class MaskedTokenCrossentropy(keras.losses.Loss):
    """Token cross-entropy from logits, averaged over the non-PAD positions.

    PAD positions carry no loss and no gradient. Their logits are left as they are
    (Keras's ``ignore_class`` rewrites every PAD logit first, one more pass over the
    largest tensor of the step, and one more for its gradient).
    """

    def __init__(self, name: str = "masked_token_crossentropy", **kwargs) -> None:
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        mask = ops.cast(ops.not_equal(y_true, PAD), y_pred.dtype)
        losses = token_crossentropy(y_true, y_pred) * mask
        # The default reduction divides by every position; scaled like this, it
        # divides by the non-PAD ones (as Keras does with a mask).
        positions = ops.cast(ops.size(mask), mask.dtype)
        return losses * (positions / ops.maximum(ops.sum(mask), 1.0))


def masked_loss() -> keras.losses.Loss:
    """Token cross-entropy from logits, averaged over non-PAD positions."""
    return MaskedTokenCrossentropy()
