"""Kedro hooks of the project: versioned files read only once complete, and the
multi-worker strategy made first. The MLflow hooks are in ``mlflow_tracking``."""

from __future__ import annotations

import glob
import logging
import os
from pathlib import Path

from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset

logger = logging.getLogger(__name__)


COMPLETE_SUFFIX = ".complete"


class CompleteVersionsHook:
    """A versioned file is only read once its save has finished.

    Kedro writes each version straight into ``<file>/<version>/<file>`` and reads the
    newest version that exists, so a run killed while saving would leave a
    half-written model or vocabulary that the next run or ``kedro chat`` reads. After
    every save this hook writes a ``<file>.complete`` marker beside the file, and
    before every load it makes the dataset skip versions without one (datasets saved
    before markers existed keep Kedro's own rule).
    """

    def __init__(self) -> None:
        self._catalog = None

    @hook_impl
    def after_catalog_created(self, catalog) -> None:
        self._catalog = catalog

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data, node) -> None:
        if self._catalog is not None:
            mark_complete(self._catalog.get(dataset_name))

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str, node) -> None:
        if self._catalog is not None:
            skip_incomplete_versions(self._catalog.get(dataset_name))


def _is_versioned_file(dataset) -> bool:
    return (
        isinstance(dataset, AbstractVersionedDataset)
        and dataset._version is not None
        and getattr(dataset, "_filepath", None) is not None
    )


def mark_complete(dataset) -> None:
    """Write the completion marker of the version ``dataset`` has just saved."""
    if _is_versioned_file(dataset):
        path = saved_path(dataset)
        if path is not None and path.exists():
            Path(f"{path}{COMPLETE_SUFFIX}").touch()


def skip_incomplete_versions(dataset) -> None:
    """Make ``dataset`` load its newest version that has a completion marker."""
    if not _is_versioned_file(dataset) or dataset._version.load:
        return
    markers = str(dataset._get_versioned_path("*")) + COMPLETE_SUFFIX
    if not glob.glob(markers):
        return  # no marker at all: written before this hook, keep Kedro's rule
    dataset._exists_function = lambda path: (
        os.path.exists(path) and os.path.exists(f"{path}{COMPLETE_SUFFIX}")
    )
    dataset._cached_load_version = None


def saved_path(dataset) -> Path | None:
    """The file a dataset has just written (its save version when versioned)."""
    filepath = getattr(dataset, "_filepath", None)
    if filepath is None:
        return None
    if isinstance(dataset, AbstractVersionedDataset) and dataset._version is not None:
        return Path(str(dataset._get_versioned_path(dataset.resolve_save_version())))
    return Path(str(filepath))


class DistributeHook:
    """Creates the multi-worker strategy before any node runs TensorFlow.

    TensorFlow only accepts ``MultiWorkerMirroredStrategy`` before it has run
    anything, and earlier nodes of a pipeline do (the data preparation uses
    ``tf.data``). If a node of the run reads training options with ``distribute:
    multi_worker``, the strategy is made here, first, and training reuses it.
    """

    @hook_impl(tryfirst=True)
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        for name in sorted(pipeline.inputs()):
            if not (name.startswith("params:") and name.endswith("training_options")):
                continue
            options = catalog.load(name)
            if (
                isinstance(options, dict)
                and options.get("distribute") == "multi_worker"
            ):
                from rnn_pipeline.training.distribute import make_strategy

                logger.info("%s asks for multi-worker training", name)
                make_strategy("multi_worker")
                return
