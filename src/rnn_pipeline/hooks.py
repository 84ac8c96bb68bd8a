"""MLflow around Kedro runs: a safe store start-up, and saved files logged to the run.

kedro-mlflow's ``MlflowArtifactDataset`` cannot wrap Kedro-versioned datasets here:
each wrapped dataset takes its own save version and the catalog refuses the mix
(``VersionAlreadyExistsError``). So catalog entries stay plain versioned datasets and
name an MLflow artifact folder in their metadata; this hook logs the exact version
that was just written.
"""

from __future__ import annotations

import logging
from pathlib import Path

import mlflow
from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset

from rnn_pipeline.tracking_guard import failed, tolerate

logger = logging.getLogger(__name__)

METADATA_KEY = "mlflow_artifact_path"


class MlflowStoreHook:
    """Creates the project's SQLite tracking store once, under a file lock.

    Two `kedro run`s started together on a fresh project would both run MLflow's
    schema migrations on the same new database, and one would fail. This hook runs
    before kedro-mlflow's and lets exactly one process create the schema.
    """

    @hook_impl(tryfirst=True)
    def after_context_created(self, context) -> None:
        loader = context.config_loader
        if "mlflow" not in loader.config_patterns:
            loader.config_patterns.update(
                {"mlflow": ["mlflow*", "mlflow*/**", "**/mlflow*"]}
            )
        try:
            uri = loader["mlflow"]["server"]["mlflow_tracking_uri"]
        except Exception:  # no mlflow.yml: kedro-mlflow's defaults apply
            return
        if isinstance(uri, str) and uri.startswith("sqlite:///"):
            initialise_sqlite_store(uri)


def initialise_sqlite_store(uri: str) -> None:
    """Create (or migrate) the SQLite store at ``uri`` while holding a file lock."""
    import fcntl

    from mlflow.tracking import MlflowClient

    database = Path(uri.removeprefix("sqlite:///"))
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class MlflowArtifactHook:
    """Tags each run with its pipeline and namespace, and logs every saved dataset
    whose metadata has ``mlflow_artifact_path`` to the run."""

    def __init__(self) -> None:
        self._catalog = None

    @hook_impl
    def after_catalog_created(self, catalog) -> None:
        self._catalog = catalog

    @hook_impl(trylast=True)  # after kedro-mlflow has started the run
    def before_pipeline_run(self, run_params: dict, pipeline) -> None:
        """Tag the run with its pipeline(s) and namespace(s) for the UI's filters."""
        if mlflow.active_run() is None:
            return
        namespaces = sorted(
            {node.namespace.split(".")[0] for node in pipeline.nodes if node.namespace}
        )
        names = run_params.get("pipeline_names") or [
            run_params.get("pipeline_name") or "__default__"
        ]
        with tolerate("tagging the run"):
            mlflow.set_tags(
                {"pipeline": ",".join(names), "namespace": ",".join(namespaces) or "-"}
            )

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data, node) -> None:
        if self._catalog is None or failed() or mlflow.active_run() is None:
            return
        dataset = self._catalog.get(dataset_name)
        artifact_path = (getattr(dataset, "metadata", None) or {}).get(METADATA_KEY)
        if artifact_path is None:
            return
        path = saved_path(dataset)
        if path is None or not path.exists():
            logger.warning(
                "Not logging %s to MLflow: no file at %s", dataset_name, path
            )
            return
        with tolerate(f"logging {dataset_name}"):
            mlflow.log_artifact(str(path), artifact_path=artifact_path)


def saved_path(dataset) -> Path | None:
    """The file a dataset has just written (its save version when versioned)."""
    if callable(getattr(dataset, "saved_path", None)):  # the project's versioned ones
        return Path(str(dataset.saved_path()))
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
