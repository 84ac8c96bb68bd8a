"""Mixed-precision training.

``mixed_float16`` (GPUs with tensor cores) and ``mixed_bfloat16`` (recent GPUs and
TPUs, and CPUs with AMX or AVX-512 BF16) compute in 16 bits while the weights stay
float32; Keras adds loss scaling for float16. Training builds the model under the
policy; ``float32_copy`` then gives the float32 model that is saved and decoded, so
inference and evaluation never depend on the training precision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import keras

logger = logging.getLogger(__name__)

PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def cpu_flags(path: str = "/proc/cpuinfo") -> set[str]:
    """The CPU's feature flags (empty where ``/proc/cpuinfo`` is not readable)."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


BFLOAT16_FLAGS = ("amx_bf16", "avx512_bf16")


def resolve_precision(name: str, flags: set[str] | None = None) -> str:
    """``auto`` becomes ``mixed_bfloat16`` on a CPU that computes bfloat16 (AMX-BF16
    tiles or AVX-512 BF16) and ``float32`` elsewhere; other names are returned as
    they are.

    bfloat16 is chosen only where it was measured faster: on an AMX CPU the bfloat16
    matmul peak was 1,153 GFLOP/s against 357 in float32, and the chatbot trained at
    214 against 151 useful GFLOP/s (``benchmarks/train_throughput.py``); on an AMD
    EPYC with AVX-512 BF16 and no AMX a training step of the real-corpus chatbot took
    0.0595 s against 0.0731 s in float32, faster in each of three alternating rounds
    (``benchmarks/step_time.py``, ``step_time_bf16.json``); on an Intel Xeon with
    AMX the same step took 0.163 s against 0.198 s, faster in both rounds
    (``step_time_bf16_intel_amx.json``). GPUs were not measured and stay float32.
    """
    if name != "auto":
        return name
    flags = cpu_flags() if flags is None else flags
    found = [flag for flag in BFLOAT16_FLAGS if flag in flags]
    chosen = "mixed_bfloat16" if found else "float32"
    logger.info(
        "precision auto: %s (bfloat16 hardware: %s)", chosen, ", ".join(found) or "none"
    )
    return chosen


@contextmanager
def dtype_policy(name: str) -> Iterator[None]:
    """Layers created inside use the Keras dtype policy ``name`` (``auto``: see
    ``resolve_precision``); the previous global policy is restored afterwards."""
    name = resolve_precision(name)
    if name not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {name!r}")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def float32_copy(model: keras.Model) -> keras.Model:
    """``model`` itself when it computes in float32, else the same architecture
    built in float32 with its trained weights."""
    if model.dtype_policy.compute_dtype == "float32":
        return model
    with dtype_policy("float32"):
        copy = model.__class__.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    logger.info("Trained in %s; the saved model is float32", model.dtype_policy.name)
    return copy
