"""The encoder of the seq2seq model: an embedding and a stack of recurrent layers."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.models.recurrent import make_recurrent_stack
from rnn_pipeline.text.specials import PAD


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class Seq2SeqEncoder(keras.layers.Layer):
    """Embeds source tokens and runs them through ``num_layers`` recurrent layers.

    Padded positions (PAD) are masked, so each layer's final state is the state at the
    last real token.

    Args:
        vocabulary_size: Source vocabulary size.
        embedding_dim: Embedding size.
        units: Hidden size of every recurrent layer.
        num_layers: Depth of the stack.
        cell_type: ``lstm``, ``gru`` or ``simple_rnn``.
        dropout: Dropout between layers, in training only.
        embedding_dropout: Dropout on the embedded tokens before the first layer, in
            training only (the non-recurrent input connection, Zaremba et al. 2014).

    Call args:
        tokens: ``(batch, source_len)`` int ids.

    Returns:
        The top layer's outputs ``(batch, source_len, units)`` and a flat list of the
        final states, layer by layer (h, c per LSTM layer).
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int,
        units: int,
        num_layers: int,
        cell_type: str = "lstm",
        dropout: float = 0.0,
        embedding_dropout: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.dropout = dropout
        self.embedding_dropout = embedding_dropout
        self.embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, name="embedding"
        )
        self.recurrent_layers = make_recurrent_stack(cell_type, units, num_layers)
        self.dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        self.embedding_dropout_layer = keras.layers.Dropout(
            embedding_dropout, name="embedding_dropout"
        )

    def build(self, tokens_shape) -> None:
        self.embedding.build(tokens_shape)
        shape = (*tokens_shape, self.embedding_dim)
        for layer in self.recurrent_layers:
            layer.build(shape)
            shape = (*tokens_shape, self.units)
        self.built = True

    def call(self, tokens, training=None):
        mask = ops.not_equal(tokens, PAD)
        x = self.embedding_dropout_layer(self.embedding(tokens), training=training)
        states = []
        for i, layer in enumerate(self.recurrent_layers):
            if i > 0:
                x = self.dropout_layer(x, training=training)
            x, *layer_states = layer(x, mask=mask, training=training)
            states.extend(layer_states)
        return x, states

    def compute_output_shape(self, tokens_shape):
        n_states = self.num_layers * (2 if self.cell_type == "lstm" else 1)
        state_shape = (tokens_shape[0], self.units)
        return (*tokens_shape, self.units), [state_shape] * n_states

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "num_layers": self.num_layers,
                "cell_type": self.cell_type,
                "dropout": self.dropout,
                "embedding_dropout": self.embedding_dropout,
            }
        )
        return config
