"""The decoder of the seq2seq model: recurrent stack, attention, output projection."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.models.attention import SequenceAttention
from rnn_pipeline.models.recurrent import make_recurrent_stack, state_count
from rnn_pipeline.text.specials import PAD


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class AttentionDecoder(keras.layers.Layer):
    """Decodes target tokens with attention over the encoder outputs.

    The top recurrent output attends over the encoder outputs; the output and its
    context are combined (``tanh`` dense) and projected to target-vocabulary logits.
    With ``tie_embeddings`` the combination has ``embedding_dim`` units and the
    logits are its dot products with the embedding matrix plus a bias (Press & Wolf
    2017, Inan et al. 2017): one matrix for reading and writing a character, a
    vocabulary-sized matrix fewer to fit, and half the output arithmetic when
    ``embedding_dim`` is half of ``units``.
    With ``attention="none"`` the decoder reads the source only through the encoder's
    final states (the seq2seq model before attention), for comparison.
    ``call`` runs a whole teacher-forced sequence; ``step`` runs one token and is what
    inference loops call, using the same weights.

    Args:
        vocabulary_size: Target vocabulary size.
        embedding_dim: Embedding size.
        units: Hidden size of every recurrent layer.
        num_layers: Depth of the stack (must match the encoder's).
        cell_type: ``lstm``, ``gru`` or ``simple_rnn``.
        attention: ``bahdanau``, ``luong`` or ``none``.
        dropout: Dropout between layers and before the projection, in training only.
        embedding_dropout: Dropout on the embedded tokens before the first layer, in
            training only.
        tie_embeddings: Share the embedding matrix with the output projection.
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int,
        units: int,
        num_layers: int,
        cell_type: str = "lstm",
        attention: str = "luong",
        dropout: float = 0.0,
        embedding_dropout: float = 0.0,
        tie_embeddings: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.attention = attention
        self.dropout = dropout
        self.embedding_dropout = embedding_dropout
        self.tie_embeddings = tie_embeddings
        # Tied, the table also writes logits: Keras's default uniform(+-0.05) start
        # gives near-zero logits and a stalled start (a 14-symbol reversal task: loss
        # 2.33 -> 1.48 in 6 epochs, against 2.07 -> 0.007 untied); N(0, 1/d) as
        # Transformers start a shared table learns like the untied model.
        self.embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer=(
                keras.initializers.RandomNormal(stddev=embedding_dim**-0.5)
                if tie_embeddings
                else "uniform"
            ),
            name="embedding",
        )
        self.recurrent_layers = make_recurrent_stack(cell_type, units, num_layers)
        self.attention_layer = (
            None
            if attention == "none"
            else SequenceAttention(units, score=attention, name="attention")
        )
        self.combine = keras.layers.Dense(
            embedding_dim if tie_embeddings else units,
            activation="tanh",
            name="combine",
        )
        # Tied: the logits are read off the embedding matrix (bias made in build).
        self.projection = (
            None
            if tie_embeddings
            else keras.layers.Dense(vocabulary_size, name="projection")
        )
        self.dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        self.embedding_dropout_layer = keras.layers.Dropout(
            embedding_dropout, name="embedding_dropout"
        )

    @property
    def states_per_layer(self) -> int:
        return state_count(self.cell_type)

    def build(self, tokens_shape, encoder_outputs_shape=None, *args, **kwargs) -> None:
        batch, length = tokens_shape[0], tokens_shape[1]
        self.embedding.build(tokens_shape)
        shape = (batch, length, self.embedding_dim)
        for layer in self.recurrent_layers:
            layer.build(shape)
            shape = (batch, length, self.units)
        encoder_outputs_shape = encoder_outputs_shape or (batch, None, self.units)
        context_size = 0
        if self.attention_layer is not None:
            self.attention_layer.build(shape, encoder_outputs_shape)
            context_size = encoder_outputs_shape[-1]
        self.combine.build((batch, length, self.units + context_size))
        if self.projection is None:
            self.output_bias = self.add_weight(
                shape=(self.vocabulary_size,), initializer="zeros", name="output_bias"
            )
        else:
            self.projection.build((batch, length, self.units))
        self.built = True

    def _split_states(self, states):
        n = self.states_per_layer
        return [list(states[i * n : (i + 1) * n]) for i in range(self.num_layers)]

    def _output(self, hidden, encoder_outputs, source_mask, training=None):
        if self.attention_layer is None:
            # No attention: no weight on any source position.
            weights = ops.zeros_like(
                ops.einsum("btd,bsd->bts", hidden, encoder_outputs)
            )
            combined = self.combine(hidden)
        else:
            context, weights = self.attention_layer(
                hidden, encoder_outputs, source_mask
            )
            combined = self.combine(ops.concatenate([hidden, context], axis=-1))
        combined = self.dropout_layer(combined, training=training)
        if self.projection is None:
            # One 2-D matmul against the transposed table: TensorFlow's einsum for
            # this contraction took 1.6 times as long per training step on a CPU.
            table = ops.transpose(ops.cast(self.embedding.embeddings, combined.dtype))
            shape = ops.shape(combined)
            flat = ops.matmul(ops.reshape(combined, (-1, shape[-1])), table)
            logits = ops.reshape(flat, (shape[0], shape[1], self.vocabulary_size))
            return logits + ops.cast(self.output_bias, combined.dtype), weights
        return self.projection(combined), weights

    def call(
        self,
        tokens,
        encoder_outputs,
        source_tokens,
        initial_states,
        training=None,
        return_attention=False,
    ):
        source_mask = ops.not_equal(source_tokens, PAD)
        x = self.embedding_dropout_layer(self.embedding(tokens), training=training)
        for i, (layer, states) in enumerate(
            zip(self.recurrent_layers, self._split_states(initial_states), strict=True)
        ):
            if i > 0:
                x = self.dropout_layer(x, training=training)
            x = layer(x, initial_state=states, training=training)[0]
        logits, weights = self._output(x, encoder_outputs, source_mask, training)
        if return_attention:
            return logits, weights
        return logits

    def step(self, tokens, states, encoder_outputs, source_mask):
        """Decode one token per sequence.

        Args:
            tokens: ``(batch,)`` the previous token of each sequence.
            states: Flat list of recurrent states, layer by layer.
            encoder_outputs: ``(batch, source_len, units)``.
            source_mask: Boolean ``(batch, source_len)``.

        Returns:
            Logits ``(batch, vocabulary_size)``, the new flat states, and the attention
            weights ``(batch, source_len)``.
        """
        x = self.embedding(tokens)
        new_states = []
        for layer, layer_states in zip(
            self.recurrent_layers, self._split_states(states), strict=True
        ):
            x, cell_states = layer.cell(x, layer_states, training=False)
            new_states.extend(
                cell_states if isinstance(cell_states, (list, tuple)) else [cell_states]
            )
        logits, weights = self._output(
            ops.expand_dims(x, 1), encoder_outputs, source_mask, training=False
        )
        return logits[:, 0, :], new_states, weights[:, 0, :]

    def compute_output_shape(self, tokens_shape, *args, **kwargs):
        return (*tokens_shape, self.vocabulary_size)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "num_layers": self.num_layers,
                "cell_type": self.cell_type,
                "attention": self.attention,
                "dropout": self.dropout,
                "embedding_dropout": self.embedding_dropout,
                "tie_embeddings": self.tie_embeddings,
            }
        )
        return config
