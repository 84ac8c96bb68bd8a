"""Attention of decoder positions over encoder outputs (Bahdanau or Luong)."""

from __future__ import annotations

import keras
from keras import ops

ATTENTION_TYPES = ("bahdanau", "luong")


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class SequenceAttention(keras.layers.Layer):
    """Scores every encoder position for every decoder position.

    ``bahdanau`` is additive attention, ``v . tanh(W_q q + W_k k)``; ``luong`` is the
    multiplicative "general" form, ``q . W k``. Padded encoder positions get no weight.

    Args:
        units: Size of the attention projections.
        score: ``bahdanau`` or ``luong``.

    Call args:
        query: Decoder states, ``(batch, target_len, dim)``.
        keys: Encoder outputs, ``(batch, source_len, dim)``.
        keys_mask: Boolean ``(batch, source_len)``, True where the source is real.

    Returns:
        The context vectors ``(batch, target_len, dim)`` and the attention weights
        ``(batch, target_len, source_len)``.
    """

    def __init__(self, units: int, score: str = "luong", **kwargs) -> None:
        super().__init__(**kwargs)
        if score not in ATTENTION_TYPES:
            raise ValueError(f"score must be one of {ATTENTION_TYPES}, got {score!r}")
        self.units = units
        self.score = score
        self.key_projection = keras.layers.Dense(
            units, use_bias=False, name="key_projection"
        )
        if score == "bahdanau":
            self.query_projection = keras.layers.Dense(
                units, use_bias=False, name="query_projection"
            )
            self.score_vector = keras.layers.Dense(1, use_bias=False, name="score")

    def build(self, query_shape, keys_shape=None, keys_mask_shape=None) -> None:
        keys_shape = keys_shape or query_shape
        self.key_projection.build(keys_shape)
        if self.score == "bahdanau":
            self.query_projection.build(query_shape)
            self.score_vector.build((None, None, None, self.units))
        self.built = True

    def call(self, query, keys, keys_mask=None):
        projected_keys = self.key_projection(keys)
        if self.score == "bahdanau":
            projected_query = self.query_projection(query)
            hidden = ops.tanh(
                ops.expand_dims(projected_query, 2) + ops.expand_dims(projected_keys, 1)
            )
            scores = ops.squeeze(self.score_vector(hidden), -1)
        else:
            scores = ops.einsum("btd,bsd->bts", query, projected_keys)
        if keys_mask is not None:
            mask = ops.expand_dims(ops.cast(keys_mask, "bool"), 1)
            scores = ops.where(mask, scores, ops.cast(-1e9, scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        context = ops.einsum("bts,bsd->btd", weights, keys)
        return context, weights

    def compute_output_shape(self, query_shape, keys_shape=None, keys_mask_shape=None):
        keys_shape = keys_shape or query_shape
        return (
            (query_shape[0], query_shape[1], keys_shape[2]),
            (query_shape[0], query_shape[1], keys_shape[1]),
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units, "score": self.score})
        return config
