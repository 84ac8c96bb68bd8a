"""Metrics that ignore PAD positions."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.text.specials import PAD


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
        predicted = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
        hits = ops.cast(ops.equal(predicted, y_true), "float32") * mask
        self.hits.assign_add(ops.sum(hits))
        self.tokens.assign_add(ops.sum(mask))

    def result(self):
        return self.hits / ops.maximum(self.tokens, 1.0)

    def reset_state(self) -> None:
        self.hits.assign(0.0)
        self.tokens.assign(0.0)


def masked_loss() -> keras.losses.Loss:
    """Token cross-entropy from logits, averaged over non-PAD positions."""
    return keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=PAD
    )
