"""Run a server command so that stopping it stops everything it started.

``kedro viz run`` serves from a ``multiprocessing`` child: a SIGTERM to the
``kedro`` process ends it and leaves the child serving on the port, owned by init.
``python -m rnn_pipeline.process_group COMMAND ...`` starts COMMAND in a process
group of its own, forwards SIGTERM, SIGINT and SIGHUP to that whole group, and
when COMMAND ends (whatever ended it) stops what is left of the group. ``make viz``
runs kedro-viz this way (and GNU make passes its own SIGTERM to the recipe).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

logger = logging.getLogger(__name__)

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def group_alive(group: int) -> bool:
    """Whether any process of process group ``group`` is still there."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member we may not signal still counts
        return True
    return True


def end_group(group: int, grace_seconds: float = 5.0) -> None:
    """SIGTERM the group, then SIGKILL what is left after ``grace_seconds``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not group_alive(group):
            return
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace_seconds
        while group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.05)


def run_in_group(command: Sequence[str], grace_seconds: float = 5.0) -> int:
    """Run ``command`` in its own process group until it ends; return its exit
    status (128 + N when signal N ended it, as a shell reports it)."""
    child = subprocess.Popen(list(command), process_group=0)

    def forward(signum: int, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group has just ended
            os.killpg(child.pid, signum)

    for sig in FORWARDED:
        signal.signal(sig, forward)
    code = child.wait()
    end_group(child.pid, grace_seconds)
    return 128 - code if code < 0 else code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rnn_pipeline.process_group COMMAND [ARGS...]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        logger.error("usage: python -m rnn_pipeline.process_group COMMAND [ARGS...]")
        return 2
    return run_in_group(args)


if __name__ == "__main__":
    logging.basicConfig(format="%(message)s")
    sys.exit(main())
