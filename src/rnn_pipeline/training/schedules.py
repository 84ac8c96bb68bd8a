"""Learning-rate schedules that know how long training may take.

Under a wall-clock budget, a plateau rule decays the rate only after epochs that a
short budget never reaches. ``LinearDecay`` warms the rate up over the first steps and
then lowers it linearly to ``min_learning_rate`` as the budget (or the epochs) runs
out: the schedule Li et al. (2020, "Budgeted Training") found best when training is
cut short by a budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import keras


def linear_decay(
    base: float, floor: float, warmup_steps: int, step: int, progress: float
) -> float:
    """The rate at ``step`` when ``progress`` (0..1) of the budget is spent."""
    progress = min(max(progress, 0.0), 1.0)
    rate = floor + (base - floor) * (1.0 - progress)
    if warmup_steps and step < warmup_steps:
        rate *= (step + 1) / warmup_steps
    return rate


class LinearDecay(keras.callbacks.Callback):
    """Sets the optimizer's rate before every batch (``linear_decay``).

    Progress is the share of ``budget_seconds`` spent when there is a budget,
    else the share of ``epochs`` done.

    Args:
        base: The rate after warm-up.
        floor: The rate at the end.
        warmup_steps: Steps of linear warm-up from ``base / warmup_steps``.
        epochs: Epochs asked for.
        budget_seconds: Wall-clock budget, or None.
        clock: Seconds from an arbitrary origin (tests pass a fake one).
    """

    def __init__(
        self,
        base: float,
        floor: float,
        warmup_steps: int,
        epochs: int,
        budget_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.base, self.floor, self.warmup_steps = base, floor, warmup_steps
        self.epochs, self.budget_seconds, self.clock = epochs, budget_seconds, clock
        self.started = 0.0
        self.epoch = 0

    def on_train_begin(self, logs=None) -> None:
        self.started = self.clock()

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.epoch = epoch

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        if self.budget_seconds:
            progress = (self.clock() - self.started) / self.budget_seconds
        else:
            steps = self.params.get("steps") or 1
            progress = (self.epoch + batch / steps) / self.epochs
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self.model.optimizer.learning_rate.assign(
            linear_decay(self.base, self.floor, self.warmup_steps, step, progress)
        )


class Warmup(keras.callbacks.Callback):
    """Raises the rate linearly to ``base`` over the first ``steps`` optimizer
    steps, then leaves it to the plateau rule (which only acts at epoch ends).

    Args:
        base: The rate after warm-up.
        steps: Steps of warm-up from ``base / steps``.
    """

    def __init__(self, base: float, steps: int) -> None:
        super().__init__()
        self.base, self.steps = base, steps

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        if step <= self.steps:
            rate = self.base * min(step + 1, self.steps) / self.steps
            self.model.optimizer.learning_rate.assign(rate)
