"""A failing MLflow store never costs a run its model or its evaluation.

With the tracking store deleted mid-run, a fully trained run used to stop at the next
MLflow call with about eight tracebacks and skip evaluation. Every MLflow call the
project makes during a run goes through ``tolerate``: the first failure is logged
once, in one line naming the store and the root cause (``attempt to write a
readonly database``, not SQLAlchemy's wrapping of it), the nodes go on (their
outputs are files under ``data/``), and at the end the run fails with
``TrackingFailedError`` so that ``kedro run`` exits non-zero. MLflow's own logged
block for the failed SQL statement is dropped: the guard says it in the user's words.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mlflow
from kedro.framework.hooks import hook_impl
from kedro_mlflow.framework.hooks.mlflow_hook import MlflowHook
from kedro_mlflow.io.metrics import MlflowMetricsHistoryDataset

from rnn_pipeline.text.errors import UserInputError
from rnn_pipeline.yaml_values import plain

logger = logging.getLogger(__name__)

_failures: list[str] = []
# MLflow's SQL store logs each failed statement (SQL, parameters) before raising.
MLFLOW_STORE_LOGGER = "mlflow.store.db.utils"
SQLITE_PREFIX = "sqlite:///"


class TrackingFailedError(UserInputError):
    """MLflow tracking failed during a run whose nodes all finished."""


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


def root_cause(exc: BaseException) -> str:
    """The first line of the innermost error ``exc`` was raised from: the database's
    own words (``attempt to write a readonly database``), not SQLAlchemy's wrapping
    ("raised as a result of Query-invoked autoflush") or MLflow's."""
    seen = {id(exc)}
    while exc.__cause__ is not None and id(exc.__cause__) not in seen:
        exc = exc.__cause__
        seen.add(id(exc))
    return _first_line(exc)


def what_happened(tracking_uri: str) -> str:
    """The failure as the user sees it: a SQLite store whose file is gone was
    deleted; anything else failed."""
    if tracking_uri.startswith(SQLITE_PREFIX):
        database = Path(tracking_uri.removeprefix(SQLITE_PREFIX))
        if not database.exists():
            return (
                f"the MLflow tracking store {tracking_uri} was deleted during the run"
            )
    return f"MLflow tracking to {tracking_uri} failed"


@contextmanager
def tolerate(action: str) -> Iterator[None]:
    """Run an MLflow call; if it fails, note it (one log line for the whole run)."""
    try:
        yield
    except Exception as exc:  # any store error: SQL, HTTP, file system, MLflow's own
        failure = (
            f"{what_happened(mlflow.get_tracking_uri())} ({root_cause(exc)}) "
            f"while {action}"
        )
        if not _failures:
            logger.error(
                "%s; the run goes on untracked and will exit non-zero", failure
            )
        _failures.append(failure)


def failed() -> bool:
    """Whether tracking has failed in this run (later MLflow calls are skipped)."""
    return bool(_failures)


class _StoreErrorFilter(logging.Filter):
    """Drops MLflow's logged store errors (SQL, parameters, traceback): the guard
    reports the failure itself, once, or the error ends the run."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR


_STORE_FILTER = _StoreErrorFilter()
# kedro-mlflow logs this once per copy of the run on MLflow's active-run stack when
# it closes a failed run: with ``nested: true`` each node reopens the run, so twelve.
CLOSED_RUN = "was closed because of an error in the pipeline"


class _ClosedRunFilter(logging.Filter):
    """Lets kedro-mlflow's "closed because of an error" line through once, or not
    at all (``drop_all``: an interrupted run, which the project reports itself)."""

    def __init__(self, drop_all: bool) -> None:
        super().__init__()
        self.drop_all = drop_all
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if CLOSED_RUN not in record.getMessage():
            return True
        keep = not (self.drop_all or self.seen)
        self.seen = True
        return keep


def reset() -> None:
    """Forget the failures of a previous run in this process."""
    _failures.clear()


def raise_if_failed() -> None:
    """Fail the run if tracking failed during it.

    Raises:
        TrackingFailedError: Names the first failure and how many followed.
    """
    if _failures:
        more = f" (and {len(_failures) - 1} more tracking call(s))" * (
            len(_failures) > 1
        )
        message = (
            f"{_failures[0]}{more}; every node finished and its outputs are under "
            "data/, but the MLflow run is incomplete"
        )
        raise TrackingFailedError(message)


class TolerantMlflowHook(MlflowHook):
    """kedro-mlflow's hook, with its per-node and end-of-run calls tolerated.

    Its subclass ``ProjectMlflowHook`` is registered in ``settings.py`` in place of
    the plugin's own instance (``DISABLE_HOOKS_FOR_PLUGINS``).
    """

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        """Start the run as kedro-mlflow does (failures here stop the run early)."""
        reset()
        store_logger = logging.getLogger(MLFLOW_STORE_LOGGER)
        if _STORE_FILTER not in store_logger.filters:
            store_logger.addFilter(_STORE_FILTER)
        super().before_pipeline_run(run_params, pipeline, catalog)

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async) -> None:
        """Log the node's parameters; a store failure does not stop the node."""
        if failed():
            return
        with tolerate(f"logging the parameters of {node.name}"):
            # Typed groups are logged key by key, as their YAML dicts were.
            super().before_node_run(node, catalog, plain(inputs), is_async)

    @hook_impl(trylast=True)  # after the other hooks have finished their work
    def after_pipeline_run(self, run_params, pipeline, catalog) -> None:
        """End the MLflow run, then fail if tracking failed during the run."""
        with tolerate("ending the MLflow run"):
            super().after_pipeline_run(run_params, pipeline, catalog)
        raise_if_failed()

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:
        """Close the MLflow run as FAILED, if the store still answers, saying so at
        most once (not at all for an interrupted run: it ends KILLED)."""
        # Imported here: interruption imports this module.
        from rnn_pipeline.plumbing.interruption import RunInterrupted

        plugin_logger = logging.getLogger(MlflowHook.__module__)
        closed_filter = _ClosedRunFilter(drop_all=isinstance(error, RunInterrupted))
        plugin_logger.addFilter(closed_filter)
        try:
            with tolerate("closing the failed MLflow run"):
                super().on_pipeline_error(error, run_params, pipeline, catalog)
        finally:
            plugin_logger.removeFilter(closed_filter)


class TolerantMetricsHistoryDataset(MlflowMetricsHistoryDataset):
    """``MlflowMetricsHistoryDataset`` whose failed logging does not fail the node."""

    def _save(self, data) -> None:
        """Log the metrics; a store failure is noted, not raised."""
        if failed():
            return
        with tolerate(f"logging metrics {sorted(data)[:3]}"):
            super()._save(data)
