"""The character-level language model (the classic char-RNN), as a functional model."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.models.recurrent import make_recurrent_stack, state_count

CHAR_CELL_TYPES = ("lstm", "gru")


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class CharRNN(keras.Model):
    """Next-character model: embedding (or one-hot), stacked LSTM/GRU, dense logits.

    Training maps ``(batch, time)`` character ids to ``(batch, time, vocabulary)``
    logits of the next character. Generation uses ``prime`` once over a start string
    and then ``next`` per character, carrying the recurrent state; both fetch the
    sub-layers by name and share the weights of the full-sequence layers.

    Args:
        vocabulary_size: Number of token ids (special tokens included).
        embedding_dim: Embedding size; ignored when ``use_embedding`` is off.
        units: Hidden size of every recurrent layer.
        num_layers: Depth of the recurrent stack.
        cell_type: ``lstm`` or ``gru``.
        use_embedding: A trained embedding (on, for large alphabets such as Chinese)
            or a fixed one-hot input (off, the classic choice for English).
        dropout: Dropout on each recurrent layer's output, in training only.
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int = 128,
        units: int = 128,
        num_layers: int = 2,
        cell_type: str = "lstm",
        use_embedding: bool = True,
        dropout: float = 0.5,
        **kwargs,
    ) -> None:
        if cell_type not in CHAR_CELL_TYPES:
            raise ValueError(
                f"cell_type must be one of {CHAR_CELL_TYPES}, got {cell_type!r}"
            )
        if vocabulary_size < 2 or units < 1 or num_layers < 1:
            raise ValueError(
                "expected vocabulary_size >= 2, units >= 1 and num_layers >= 1, got "
                f"{vocabulary_size}, {units}, {num_layers}"
            )
        tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
        x = _input_layer(vocabulary_size, embedding_dim, use_embedding)(tokens)
        for i, layer in enumerate(make_recurrent_stack(cell_type, units, num_layers)):
            x = layer(x)[0]
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
        logits = keras.layers.Dense(vocabulary_size, name="logits")(x)
        super().__init__(inputs=tokens, outputs=logits, **kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.use_embedding = use_embedding
        self.dropout = dropout

    def _recurrent_layers(self) -> list[keras.layers.Layer]:
        return [self.get_layer(f"{self.cell_type}_{i}") for i in range(self.num_layers)]

    def initial_state(self, batch_size) -> list:
        """Zero states, a flat list layer by layer (h, c per LSTM layer)."""
        count = self.num_layers * state_count(self.cell_type)
        return [ops.zeros((batch_size, self.units), dtype="float32")] * count

    def prime(self, tokens, state: list | None = None) -> list:
        """Run a whole start string ``(batch, time)`` once and return the state."""
        per_layer = state_count(self.cell_type)
        if state is None:
            state = self.initial_state(ops.shape(tokens)[0])
        x = self.get_layer("input_encoding")(tokens)
        new_state = []
        for i, layer in enumerate(self._recurrent_layers()):
            layer_state = state[i * per_layer : (i + 1) * per_layer]
            x, *final = layer(x, initial_state=layer_state, training=False)
            new_state.extend(final)
        return new_state

    def next(self, tokens, state: list):
        """One step: ``(tokens (batch,), state) -> (logits (batch, vocab), state)``."""
        per_layer = state_count(self.cell_type)
        x = self.get_layer("input_encoding")(tokens)
        new_state = []
        for i, layer in enumerate(self._recurrent_layers()):
            layer_state = list(state[i * per_layer : (i + 1) * per_layer])
            x, cell_state = layer.cell(x, layer_state, training=False)
            if not isinstance(cell_state, (list, tuple)):
                cell_state = [cell_state]
            new_state.extend(cell_state)
        return self.get_layer("logits")(x), new_state

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "num_layers": self.num_layers,
            "cell_type": self.cell_type,
            "use_embedding": self.use_embedding,
            "dropout": self.dropout,
        }

    @classmethod
    def from_config(cls, config: dict) -> CharRNN:
        return cls(**config)


def _input_layer(
    vocabulary_size: int, embedding_dim: int, use_embedding: bool
) -> keras.layers.Embedding:
    """A trained embedding, or a frozen identity table (one-hot without a custom
    layer, so the saved model needs nothing beyond built-in layers)."""
    if use_embedding:
        return keras.layers.Embedding(
            vocabulary_size, embedding_dim, name="input_encoding"
        )
    return keras.layers.Embedding(
        vocabulary_size,
        vocabulary_size,
        embeddings_initializer="identity",
        trainable=False,
        name="input_encoding",
    )
