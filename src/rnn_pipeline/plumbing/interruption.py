"""SIGTERM and SIGINT end a ``kedro run`` cleanly, and runs of dead processes are
marked.

Without this, SIGTERM killed the process with no log line and its MLflow run stayed
RUNNING forever (so did a SIGKILLed one). Here a signal during a run raises
``RunInterrupted`` in the node that is running: the epoch checkpoints stay on disk
(they are removed only when training completes), the MLflow run ends as KILLED,
``kedro run`` exits non-zero with one line saying how to resume. Every run is tagged
with its host and process id, so the next run marks a RUNNING run whose process is
gone as KILLED.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl

from rnn_pipeline.plumbing.tracking_guard import tolerate
from rnn_pipeline.text.errors import UserInputError

logger = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)
PID_TAG, HOST_TAG = "rnn_pipeline.pid", "rnn_pipeline.host"
KILLED = "KILLED"


class RunInterrupted(UserInputError):
    """The run was stopped by a signal (shown as one line, as input errors are)."""

    def __init__(self, signum: int) -> None:
        self.signal_name = signal.Signals(signum).name
        super().__init__(
            f"interrupted by {self.signal_name}; the checkpoints of completed epochs "
            "are kept under data/06_models/checkpoints/: run the same command again "
            "to resume after the last completed epoch"
        )


# A handler of ``logging`` catches any Exception raised while it writes a record
# (``Handler.handleError`` prints it and the program goes on): an interruption
# raised there would be lost and the run would train on. It is sent again a moment
# later instead, once the record is written.
_LOGGING_FILE = os.path.normcase(logging.__file__)
RESEND_SECONDS = 0.05


def _inside_logging(frame: Any) -> bool:
    """Whether ``frame`` or one that called it runs code of ``logging``."""
    while frame is not None:
        if os.path.normcase(frame.f_code.co_filename) == _LOGGING_FILE:
            return True
        frame = frame.f_back
    return False


def _raise_interrupted(signum: int, frame: Any) -> None:
    if _inside_logging(frame):
        import threading

        threading.Timer(RESEND_SECONDS, os.kill, (os.getpid(), signum)).start()
        return
    raise RunInterrupted(signum)


def process_is_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def mark_dead_runs(experiment_id: str, current_run_id: str) -> list[str]:
    """End as KILLED the RUNNING runs of this host whose process is gone.

    Returns:
        The ids of the runs marked.
    """
    client = mlflow.MlflowClient()
    host = socket.gethostname()
    marked = []
    for run in client.search_runs(
        [experiment_id], filter_string="attributes.status = 'RUNNING'"
    ):
        tags = run.data.tags
        if run.info.run_id == current_run_id or tags.get(HOST_TAG) != host:
            continue
        pid = tags.get(PID_TAG, "")
        if pid.isdigit() and not process_is_alive(int(pid)):
            client.set_terminated(run.info.run_id, KILLED)
            logger.warning(
                "MLflow run %s (%s) was still RUNNING but its process %s is gone: "
                "marked KILLED",
                run.info.run_id,
                run.info.run_name,
                pid,
            )
            marked.append(run.info.run_id)
    return marked


class InterruptionHook:
    """Turns SIGTERM/SIGINT during a run into ``RunInterrupted`` and a KILLED run."""

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}
        self._run_id: str | None = None

    @hook_impl(trylast=True)  # after kedro-mlflow has started the run
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        """Tag the run, mark dead ones, and catch the signals until the run ends."""
        active = mlflow.active_run()
        if active is not None:
            self._run_id = active.info.run_id
            with tolerate("tagging the run with its process"):
                mlflow.set_tags(
                    {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
                )
                mark_dead_runs(active.info.experiment_id, self._run_id)
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, _raise_interrupted)

    @hook_impl
    def after_pipeline_run(self, run_params: dict, run_result, pipeline, catalog):
        """Give the signals back their previous handlers."""
        self._restore()

    @hook_impl(trylast=True)  # after kedro-mlflow has ended the run as FAILED
    def on_pipeline_error(self, error: Exception, run_params: dict, pipeline, catalog):
        """Log the interruption and end its MLflow run as KILLED."""
        self._restore()
        if not isinstance(error, RunInterrupted):
            return
        logger.error("Run interrupted by %s", error.signal_name)
        if self._run_id is not None:
            with tolerate("marking the run KILLED"):
                mlflow.MlflowClient().set_terminated(self._run_id, KILLED)

    def _restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
