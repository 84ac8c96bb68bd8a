"""A wall-clock budget for training, and progress lines inside long epochs.

``TrainingClock`` knows nothing of Keras: ``fit_with_resume`` drives it from a
callback, for one process and for several workers alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from rnn_pipeline.training.progress import format_duration

logger = logging.getLogger(__name__)


class TrainingClock:
    """Decides when a time budget is spent and logs progress within an epoch.

    Args:
        budget_minutes: Wall-clock minutes training may take; None: no budget.
        progress_seconds: Seconds between progress lines in an epoch; None: none.
        epochs: Epochs asked for, for the progress lines.
        clock: Seconds from an arbitrary origin (tests pass a fake one).
    """

    def __init__(
        self,
        budget_minutes: float | None = None,
        progress_seconds: float | None = 60.0,
        epochs: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget_minutes = budget_minutes
        self.progress_seconds = progress_seconds
        self.epochs = epochs
        self.clock = clock
        self.started = self.epoch_started = self.last_report = 0.0
        self.epoch = 0
        self.steps = 0
        self.total_steps: int | None = None
        self.stopped = False

    def start(self) -> None:
        """The budget counts from now."""
        self.started = self.clock()

    def begin_epoch(self, epoch: int, total_steps: int | None) -> None:
        """Epoch ``epoch`` (0-based) of ``total_steps`` steps (None if unknown)."""
        self.epoch, self.steps = epoch, 0
        self.total_steps = total_steps or self.total_steps
        self.epoch_started = self.last_report = self.clock()

    def after_step(self, loss: float | None = None) -> bool:
        """Count a finished step; log progress when due.

        Returns:
            True when the budget is spent and training should stop now.
        """
        self.steps += 1
        now = self.clock()
        if self.progress_seconds and now - self.last_report >= self.progress_seconds:
            self.last_report = now
            self._log_progress(now, loss)
        return self.check_budget()

    def check_budget(self) -> bool:
        """Whether the budget is spent (logs why training stops, once)."""
        if self.stopped or self.budget_minutes is None:
            return self.stopped
        if self.clock() - self.started < 60.0 * self.budget_minutes:
            return False
        self.stopped = True
        partial = self._in_epoch()
        logger.info(
            "Time budget of %g min spent after %d epochs + %d steps; stopping",
            self.budget_minutes,
            self.epoch if partial else self.epoch + 1,
            self.steps if partial else 0,
        )
        return True

    def log_epoch(self, metrics: dict[str, float]) -> None:
        """One line at the end of an epoch: its time and ``metrics`` (losses, rate),
        so a run without a progress bar shows how it goes."""
        logger.info(
            "Epoch %d%s done in %s: %s",
            self.epoch + 1,
            f"/{self.epochs}" if self.epochs else "",
            format_duration(self.clock() - self.epoch_started),
            ", ".join(f"{name} {value:.4g}" for name, value in metrics.items()),
        )

    def epochs_done(self) -> float:
        """Epochs trained so far, the current one as a fraction of its steps
        (counted whole when its length is unknown)."""
        if self._in_epoch():
            return self.epoch + self.steps / self.total_steps
        return float(self.epoch + 1)

    def _in_epoch(self) -> bool:
        return bool(self.total_steps) and self.steps < self.total_steps

    def _log_progress(self, now: float, loss: float | None) -> None:
        elapsed = now - self.epoch_started
        if self.total_steps:
            eta = elapsed / self.steps * max(self.total_steps - self.steps, 0)
            where, eta_text = f"{self.steps}/{self.total_steps}", format_duration(eta)
        else:
            where, eta_text = str(self.steps), "?"
        logger.info(
            "Epoch %d%s: step %s, loss %s, %s elapsed, epoch ETA %s",
            self.epoch + 1,
            f"/{self.epochs}" if self.epochs else "",
            where,
            "?" if loss is None else f"{loss:.4f}",
            format_duration(elapsed),
            eta_text,
        )
