"""One run per pipeline namespace at a time in a project.

Two runs of the same pipeline share its checkpoint folder and its unversioned files
(parquet of every data stage): the first to finish deleted the checkpoint the other
was resuming from, and each overwrote the other's data. A second run of a namespace
that is already running now refuses to start, saying which process holds it. Runs of
different namespaces (chatbot and translation) still run side by side. The lock is an
``flock`` on ``data/.locks/<namespace>.lock``: the system releases it when the
holding process ends, even by SIGKILL, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import IO

from kedro.framework.hooks import hook_impl

from rnn_pipeline.text.errors import UserInputError

logger = logging.getLogger(__name__)

LOCK_FOLDER = Path("data") / ".locks"


class PipelineBusyError(UserInputError):
    """Another run of the same pipeline namespace is running in this project."""


def acquire(folder: Path, namespace: str) -> IO[str]:
    """Lock ``namespace`` for this process; the open file holds the lock.

    Raises:
        PipelineBusyError: If another live process holds it; names that process.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / f"{namespace}.lock", "a+", encoding="utf-8")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise PipelineBusyError(
            f"another kedro run of {namespace} is running in this project "
            f"({holder}); two runs of one pipeline would share its checkpoints and "
            f"unversioned files: wait for it to finish"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    handle.flush()
    return handle


class PipelineLockHook:
    """Takes the lock of every namespace a run touches before anything starts."""

    def __init__(self) -> None:
        self._held: list[IO[str]] = []

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens a run for it
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        """Lock the run's namespaces, or refuse to start."""
        folder = Path(run_params.get("project_path") or ".") / LOCK_FOLDER
        namespaces = sorted(
            {node.namespace.split(".")[0] for node in pipeline.nodes if node.namespace}
        )
        try:
            for namespace in namespaces:
                self._held.append(acquire(folder, namespace))
        except PipelineBusyError:
            self._release()
            raise

    @hook_impl
    def after_pipeline_run(self, run_params: dict, run_result, pipeline, catalog):
        """Release the locks."""
        self._release()

    @hook_impl
    def on_pipeline_error(self, error: Exception, run_params: dict, pipeline, catalog):
        """Release the locks."""
        self._release()

    def _release(self) -> None:
        for handle in self._held:
            handle.close()  # closing the file releases its flock
        self._held.clear()
