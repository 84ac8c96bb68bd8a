"""Progress lines with an ETA for long loops that are not training: decoding the
test split, teacher-forced passes, count-model fits and scoring.

At most one line every ``every_seconds`` while the work goes on, and one final line
with the time taken, so a stage of many minutes is never silent. Imports no
TensorFlow: the count models use it too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")


def format_duration(seconds: float) -> str:
    """``1h02m03s``, ``2m03s`` or ``3s``."""
    seconds = int(round(max(seconds, 0.0)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{seconds:02d}s"
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class Progress:
    """Counts work done out of ``total`` and logs how far it is and when it ends.

    Args:
        total: Units of work (pairs, sequences) the loop will do.
        what: What is counted, for the log lines (``"decoding test pairs"``).
        every_seconds: Seconds between progress lines; None: only the final line.
        clock: Seconds from an arbitrary origin (tests pass a fake one).
    """

    def __init__(
        self,
        total: int,
        what: str,
        every_seconds: float | None = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.what = what
        self.every_seconds = every_seconds
        self.clock = clock
        self.count = 0
        self.finished = False
        self.started = self.last_report = clock()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more units done; log a progress line when one is due."""
        self.count += count
        now = self.clock()
        if self.every_seconds and now - self.last_report >= self.every_seconds:
            self.last_report = now
            elapsed = now - self.started
            left = max(self.total - self.count, 0)
            eta = format_duration(elapsed / self.count * left) if self.count else "?"
            logger.info(
                "%s: %d/%d (%.0f%%), %s elapsed, ETA %s",
                self.what,
                self.count,
                self.total,
                100.0 * self.count / self.total if self.total else 100.0,
                format_duration(elapsed),
                eta,
            )

    def done(self) -> None:
        """Log the final line, with the time taken (once)."""
        if self.finished:
            return
        self.finished = True
        logger.info(
            "%s: %d done in %s",
            self.what,
            self.count,
            format_duration(self.clock() - self.started),
        )

    def iterate(self, items: Iterable[Item]) -> Iterator[Item]:
        """Yield ``items``, counting one unit each, and log the final line after
        the last one."""
        for item in items:
            yield item
            self.advance()
        self.done()
