"""Annotations for node signatures that need no TensorFlow or matplotlib at run time.

Kedro reads every node's type hints when a run starts (to hand parameter groups as
options objects), so a name that only exists for type checkers would hide the node's
hints from it, and importing Keras for a name would cost every run, data-only ones
too, seconds of TensorFlow. Type checkers see the real classes; at run time these
are ``Any``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import keras
    import tensorflow as tf
    from matplotlib.figure import Figure as _Figure

    KerasModel = keras.Model
    Figure = _Figure
    TFDataset = tf.data.Dataset
else:
    KerasModel = Any
    Figure = Any
    TFDataset = Any

__all__ = ["Figure", "KerasModel", "TFDataset"]
