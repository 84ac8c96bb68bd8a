"""A stack of recurrent layers with a dense projection at every time step."""

from __future__ import annotations

import keras

from rnn_pipeline.models.recurrent import make_recurrent_stack


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class SequenceRegressor(keras.Model):
    """Sequence-to-sequence regression: one output vector per input step.

    The chapter's time-series predictor: recurrent layers return their whole output
    sequence and a dense layer (the chapter's ``OutputProjectionWrapper``) maps each
    step's output to the predicted value(s) of the next step.

    Args:
        output_dim: Values predicted per step (1 for a univariate series).
        units: Hidden size of every recurrent layer.
        num_layers: Depth of the stack.
        cell_type: ``simple_rnn`` (the chapter's basic cell), ``lstm`` or ``gru``.
        dropout: Dropout on the inputs of every recurrent layer, in training only
            (the chapter's ``DropoutWrapper`` with ``input_keep_prob``).

    Call args:
        sequences: ``(batch, steps, features)`` floats.

    Returns:
        ``(batch, steps, output_dim)`` predictions.
    """

    def __init__(
        self,
        output_dim: int = 1,
        units: int = 100,
        num_layers: int = 1,
        cell_type: str = "simple_rnn",
        dropout: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.output_dim = output_dim
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.dropout = dropout
        self.recurrent_layers = make_recurrent_stack(cell_type, units, num_layers)
        self.dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        self.projection = keras.layers.Dense(output_dim, name="projection")

    def call(self, sequences, training=None):
        x = sequences
        for layer in self.recurrent_layers:
            x = self.dropout_layer(x, training=training)
            x, *_ = layer(x, training=training)
        return self.projection(x)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            output_dim=self.output_dim,
            units=self.units,
            num_layers=self.num_layers,
            cell_type=self.cell_type,
            dropout=self.dropout,
        )
        return config
