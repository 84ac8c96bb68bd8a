"""The chapter's synthetic time series, its training windows and free generation.

The series is ``t * sin(t) / 3 + 2 * sin(5 t)`` sampled every ``resolution`` on
``[t_min, t_max)``. A training instance is a window of ``steps + 1`` consecutive
samples starting at a random (continuous) time: the first ``steps`` values are the
input and the last ``steps`` the target, i.e. every input step predicts the next
value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def chapter_series(t: np.ndarray | float) -> np.ndarray:
    """``t * sin(t) / 3 + 2 * sin(5 t)``."""
    t = np.asarray(t, dtype=np.float64)
    return t * np.sin(t) / 3 + 2 * np.sin(t * 5)


def window_times(starts: np.ndarray, steps: int, resolution: float) -> np.ndarray:
    """The ``steps + 1`` sample times of each window, ``(len(starts), steps + 1)``."""
    return (
        np.asarray(starts, dtype=np.float64)[:, None]
        + np.arange(steps + 1) * resolution
    )


def sample_windows(
    count: int,
    steps: int,
    resolution: float,
    t_min: float,
    t_max: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Windows starting at uniform random times, like the chapter's ``next_batch``.

    Returns:
        The start times ``(count,)`` and the window values ``(count, steps + 1)``.

    Raises:
        ValueError: If a window does not fit in ``[t_min, t_max)``.
    """
    span = t_max - t_min - steps * resolution
    if count < 1 or steps < 1 or resolution <= 0 or span <= 0:
        raise ValueError(
            f"expected count >= 1, steps >= 1, resolution > 0 and windows that fit "
            f"in [t_min, t_max), got count={count}, steps={steps}, "
            f"resolution={resolution}, t_min={t_min}, t_max={t_max}"
        )
    starts = t_min + rng.random(count) * span
    return starts, chapter_series(window_times(starts, steps, resolution))


def split_windows(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (all but the last value) and targets (all but the first), each with a
    trailing feature axis: ``(n, steps, 1)``."""
    windows = np.asarray(windows, dtype=np.float32)
    if windows.ndim != 2 or windows.shape[1] < 2:
        raise ValueError(
            f"expected windows of shape (n, steps + 1) with steps >= 1, "
            f"got {windows.shape}"
        )
    return windows[:, :-1, None], windows[:, 1:, None]


def generate(
    predict: Callable[[np.ndarray], np.ndarray], seed: np.ndarray, length: int
) -> np.ndarray:
    """Extend ``seed`` by ``length`` values, feeding each prediction back in.

    Args:
        predict: Maps ``(1, steps, 1)`` inputs to ``(1, steps, 1)`` predictions
            (a trained sequence regressor).
        seed: The first window, ``(steps,)``.
        length: Values to generate.

    Returns:
        The seed followed by the generated values, ``(steps + length,)``.
    """
    sequence = list(np.asarray(seed, dtype=np.float32))
    steps = len(sequence)
    for _ in range(length):
        window = np.asarray(sequence[-steps:], dtype=np.float32)[None, :, None]
        sequence.append(float(np.asarray(predict(window))[0, -1, 0]))
    return np.asarray(sequence, dtype=np.float32)
