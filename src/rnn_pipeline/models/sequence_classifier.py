"""A stack of recurrent layers read over a sequence, then a softmax over classes."""

from __future__ import annotations

import keras

from rnn_pipeline.models.recurrent import make_recurrent_stack


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class SequenceClassifier(keras.Model):
    """Classifies a sequence from the last output of a recurrent stack.

    The chapter's MNIST classifier: each image row is one time step, and the top
    layer's final output feeds a dense softmax layer.

    Args:
        num_classes: Number of classes.
        units: Hidden size of every recurrent layer.
        num_layers: Depth of the stack (1 is the chapter's basic classifier).
        cell_type: ``simple_rnn`` (the chapter's basic cell), ``lstm`` or ``gru``.
        dropout: Dropout between stacked layers and before the softmax layer, in
            training only.

    Call args:
        sequences: ``(batch, steps, features)`` floats.

    Returns:
        Class logits ``(batch, num_classes)``.
    """

    def __init__(
        self,
        num_classes: int,
        units: int = 128,
        num_layers: int = 1,
        cell_type: str = "simple_rnn",
        dropout: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.units = units
        self.num_layers = num_layers
        self.cell_type = cell_type
        self.dropout = dropout
        self.recurrent_layers = make_recurrent_stack(cell_type, units, num_layers)
        self.dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        self.classifier = keras.layers.Dense(num_classes, name="classifier")

    def call(self, sequences, training=None):
        x = sequences
        for i, layer in enumerate(self.recurrent_layers):
            if i > 0:
                x = self.dropout_layer(x, training=training)
            x, *_ = layer(x, training=training)
        last = self.dropout_layer(x[:, -1, :], training=training)
        return self.classifier(last)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            units=self.units,
            num_layers=self.num_layers,
            cell_type=self.cell_type,
            dropout=self.dropout,
        )
        return config
