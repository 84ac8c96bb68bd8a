"""Choosing the recurrent layer type by name."""

from __future__ import annotations

import keras

CELL_TYPES = ("lstm", "gru", "simple_rnn")


def make_recurrent_layer(cell_type: str, units: int, name: str) -> keras.layers.RNN:
    """A recurrent layer returning its sequence and final state(s).

    Args:
        cell_type: ``lstm``, ``gru`` or ``simple_rnn``.
        units: Hidden size.
        name: Layer name (inference code fetches layers by name).
    """
    layers = {
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
        "simple_rnn": keras.layers.SimpleRNN,
    }
    if cell_type not in layers:
        raise ValueError(f"cell_type must be one of {CELL_TYPES}, got {cell_type!r}")
    return layers[cell_type](units, return_sequences=True, return_state=True, name=name)


def make_recurrent_stack(
    cell_type: str, units: int, num_layers: int
) -> list[keras.layers.RNN]:
    """``num_layers`` layers of ``make_recurrent_layer``, named ``<cell_type>_<i>``."""
    return [
        make_recurrent_layer(cell_type, units, name=f"{cell_type}_{i}")
        for i in range(num_layers)
    ]


def state_count(cell_type: str) -> int:
    """How many state tensors one layer of ``cell_type`` carries (LSTM: h and c)."""
    return 2 if cell_type == "lstm" else 1
