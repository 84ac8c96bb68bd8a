"""The few places where the Keras backend matters: compiling a function, devices."""

from __future__ import annotations

import logging
from collections.abc import Callable

import keras

logger = logging.getLogger(__name__)


def compile_function(
    fn: Callable, jit_compile: bool = False, int_matrices: int = 0
) -> Callable:
    """Compile ``fn`` into one graph with the active backend (tf.function, jax.jit).

    Decoding loops are compiled so a reply costs one call, not one Python round trip
    per token. ``jit_compile`` asks TensorFlow for XLA as well (JAX always uses it).
    ``int_matrices``: ``fn`` takes that many int32 matrices of any shape, and
    TensorFlow traces it once for all of them. Other backends run ``fn`` eagerly.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        signature = None
        if int_matrices:
            signature = [tf.TensorSpec([None, None], tf.int32)] * int_matrices
        return tf.function(
            fn,
            reduce_retracing=True,
            jit_compile=jit_compile,
            input_signature=signature,
        )
    if backend == "jax":
        import jax

        return jax.jit(fn)
    return fn


def describe_devices() -> str:
    """A one-line description of the accelerators the backend sees."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return f"tensorflow, {len(gpus)} GPU(s)" if gpus else "tensorflow, CPU only"
    if backend == "jax":
        import jax

        return f"jax, devices: {[d.platform for d in jax.devices()]}"
    return backend
