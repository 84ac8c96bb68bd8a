"""MLflow around Kedro runs: where the store is, how runs are named, what they log.

kedro-mlflow starts one MLflow run per ``kedro run``; the hooks here set what it
cannot know from ``mlflow.yml`` alone:

- the SQLite store is the project's, whatever folder Kedro was started from (a
  notebook in ``notebooks/`` included), and is created once under a file lock;
- each pipeline has its own experiment (``chatbot``, ``translation``, ...), whose
  artifacts live in the project's ``mlruns/<experiment>`` and which is tagged as a
  model-training experiment (MLflow 3.17's UI still opens on its GenAI overview
  unless the URL says ``workflowType=machine_learning``);
- a run's name gives its pipeline and key sizes (``chatbot lstm 3x256 e40``) and the
  options set on the command line; tags are readable strings;
- every saved dataset whose catalog metadata has ``mlflow_artifact_path`` is logged.

kedro-mlflow's ``MlflowArtifactDataset`` cannot wrap Kedro-versioned datasets here:
each wrapped dataset takes its own save version and the catalog refuses the mix
(``VersionAlreadyExistsError``). So catalog entries stay plain versioned datasets and
name an MLflow artifact folder in their metadata; a hook logs the exact version that
was just written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl

from rnn_pipeline.plumbing.tracking_guard import TolerantMlflowHook, failed, tolerate
from rnn_pipeline.text.errors import UserInputError
from rnn_pipeline.yaml_values import plain

logger = logging.getLogger(__name__)

METADATA_KEY = "mlflow_artifact_path"
# The kind MLflow 3 gives a model-training experiment (its UI picks the runs tab
# by it where the workflow type is not set by the URL or the browser).
EXPERIMENT_KIND_TAG = "mlflow.experimentKind"
EXPERIMENT_KIND = "custom_model_development"
DEFAULT_PIPELINE = "__default__"
DEFAULT_ENV = "local"  # settings.CONFIG_LOADER_ARGS["default_run_env"]
# The metric the training node logs with the number of epochs it ran.
EPOCHS_DONE_METRIC = "epochs_done"


_project_root: ContextVar[Path | None] = ContextVar("project_root", default=None)


def project_path_resolver() -> str:
    """``${project_path:}`` in ``conf/``: the root of the project being loaded.

    A relative ``sqlite:///mlflow.db`` would be read from the current folder (a
    notebook's ``notebooks/`` would get an empty ``notebooks/mlflow.db``), so
    ``mlflow.yml`` names the store ``sqlite:///${project_path:}/mlflow.db``. The
    root is the one ``ProjectMlflowHook`` is creating a context for, else the Kedro
    project around the current folder (as ``kedro`` and ``%load_ext kedro.ipython``
    find it).
    """
    from kedro.utils import find_kedro_project

    root = _project_root.get() or find_kedro_project(Path.cwd()) or Path.cwd()
    return str(Path(root).resolve())


@contextmanager
def store_lock(project_path: Path) -> Iterator[None]:
    """Hold ``<project>/mlflow.db.lock`` while the MLflow store is set up.

    Two ``kedro run``\\ s started together on a fresh project would both run
    MLflow's schema migrations on the same new database (and both create the same
    experiment), and one would fail: under this lock, one process at a time does.
    """
    import fcntl

    with open(project_path / "mlflow.db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pipeline_names(run_params: Mapping[str, Any]) -> list[str]:
    """The pipelines a ``kedro run`` asked for (``__default__`` when none)."""
    names = run_params.get("pipeline_names") or run_params.get("pipeline_name")
    if isinstance(names, str):
        names = [names]
    return list(names or [DEFAULT_PIPELINE])


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` as ``{"a.b": 1}`` (how ``--params`` reads ``a.b=1``)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _short_value(value: Any) -> str:
    return str(value).replace(" ", "")[:20]


def describe_run(
    names: list[str],
    params: Mapping[str, Any],
    runtime_params: Mapping[str, Any] | None = None,
    *,
    corpora: list[str] = (),
    env: str | None = None,
    epochs_done: float | None = None,
) -> str:
    """A run name: pipeline, cell, layers x units, epochs, corpus, command-line
    options and the Kedro environment when it is not the default.

    Example: ``chatbot gru 2x512 e5/10 lost.conv batch_size=32 env=real_corpus``
    for ``--pipelines chatbot --env real_corpus --params
    chatbot.training_options.batch_size=32`` with a GRU of 2 x 512 and 10 epochs in
    the YAML, of which the time budget let 5 run (``epochs_done``), on
    ``lost.conv``.
    """
    parts = ["+".join(names)]
    params = plain(params)  # Kedro hands typed groups as options objects
    for name in names:
        group = params.get(name)
        if not isinstance(group, Mapping):
            continue
        model = group.get("model_options") or {}
        training = group.get("training_options") or {}
        if "cell_type" in model:
            parts.append(str(model["cell_type"]))
        if "units" in model:
            parts.append(f"{model.get('num_layers', 1)}x{model['units']}")
        elif "embedding_dim" in model:
            parts.append(f"d{model['embedding_dim']}")
        if "epochs" in training:
            parts.append(_epochs(int(training["epochs"]), epochs_done))
    parts.extend(corpora)
    for key, value in flatten(runtime_params or {}).items():
        if key.rsplit(".", 1)[-1] not in ("cell_type", "num_layers", "units", "epochs"):
            parts.append(f"{key.rsplit('.', 1)[-1]}={_short_value(value)}")
    if env and env != DEFAULT_ENV:
        parts.append(f"env={env}")
    return " ".join(parts)


def _epochs(planned: int, done: float | None) -> str:
    """``e40``, or ``e5/40`` when training stopped after 5 of 40 epochs (``e4.6/40``
    when a time budget stopped it within the fifth)."""
    if done is None or done == planned:
        return f"e{planned}"
    return f"e{round(done, 1):g}/{planned}"


def corpus_names(pipeline, catalog) -> list[str]:
    """The raw corpus files a pipeline reads (``default corpus`` for an embedded
    fallback), in the order of their dataset names."""
    from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset

    names = []
    for name in sorted(pipeline.inputs()):
        if name.startswith("params:") or name not in catalog:
            continue
        dataset = catalog.get(name)
        if isinstance(dataset, RawTextDataset):
            names.append(dataset.corpus_name())
    return list(dict.fromkeys(names))


def kedro_command(tagged: str, run_params: Mapping[str, Any]) -> str:
    """kedro-mlflow's ``kedro_command`` tag completed with ``--env`` and
    ``--params``, which it leaves out."""
    parts = [tagged]
    env = run_params.get("env")
    if env:
        parts.append(f"--env={env}")
    runtime = flatten(run_params.get("runtime_params") or {})
    if runtime:
        parts.append("--params=" + ",".join(f"{k}={v}" for k, v in runtime.items()))
    return " ".join(parts)


def experiment_name(names: list[str], configured: str) -> str:
    """One experiment per pipeline; the configured one for the default pipeline."""
    return configured if names == [DEFAULT_PIPELINE] else "+".join(names)


def local_path(uri: str) -> Path | None:
    """The folder of a local artifact location (plain path or ``file:``), else None."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "":
        return Path(uri)
    return None


def check_artifact_location(experiment, project_path: Path) -> None:
    """Refuse an experiment whose local artifacts lie outside this project.

    That is a copied ``mlflow.db``: its runs would write into the original project.
    """
    folder = local_path(experiment.artifact_location or "")
    if folder is None:
        return
    if not folder.resolve().is_relative_to(project_path.resolve()):
        raise UserInputError(
            f"experiment {experiment.name!r} of {mlflow.get_tracking_uri()} keeps "
            f"its artifacts in {folder}, outside this project ({project_path}): "
            "this mlflow.db was copied from another project. Remove it (or move it "
            "away) to start a store of this project's own"
        )


def select_experiment(options, client: mlflow.MlflowClient):
    """The experiment ``options`` (``mlflow.yml``'s ``tracking.experiment``) names,
    created with its ``create_experiment_kwargs`` or restored as kedro-mlflow does."""
    experiment = client.get_experiment_by_name(options.name)
    if experiment is None:
        kwargs = options.create_experiment_kwargs
        client.create_experiment(
            options.name, artifact_location=kwargs.artifact_location, tags=kwargs.tags
        )
    elif options.restore_if_deleted and experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    return client.get_experiment_by_name(options.name)


class ProjectMlflowHook(TolerantMlflowHook):
    """kedro-mlflow's hook (tolerant of a failing store) on the project's store,
    with one experiment per pipeline and descriptive run names.

    Only kedro-mlflow's public hook methods are overridden, each calling
    ``super()``; what they change is ``context.mlflow``, the configuration
    kedro-mlflow documents for interactive use. The run is started here, in the
    pipeline's experiment (``mlflow.start_run`` gives it MLflow's user, source and
    git tags), and handed to kedro-mlflow as ``tracking.run.id`` (the ``mlflow.yml``
    setting for resuming a run), which reopens it as a nested copy.
    """

    def __init__(self) -> None:
        super().__init__()
        self._context = None
        self._naming: dict[str, Any] | None = None

    @hook_impl
    def after_context_created(self, context) -> None:
        """Set kedro-mlflow up on the store of this context's project, under the
        store lock (``${project_path:}`` in ``mlflow.yml`` reads the root set here)."""
        self._context = context
        project_path = Path(context.project_path)
        token = _project_root.set(project_path)
        try:
            with store_lock(project_path):
                super().after_context_created(context)
        finally:
            _project_root.reset(token)

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        """Start the run in the pipeline's experiment under a descriptive name,
        then hand it to kedro-mlflow."""
        run = self.mlflow_config.tracking.run
        configured = (run.id, run.name, run.nested)
        self._naming = None
        names = pipeline_names(run_params)
        disabled = self.mlflow_config.tracking.disable_tracking.pipelines
        enabled = not all(name in disabled for name in names)
        if enabled and run.id is None and mlflow.active_run() is None:
            self._start_run(names, run_params, pipeline, catalog)
            run.nested = True  # kedro-mlflow reopens the run just started
        try:
            super().before_pipeline_run(run_params, pipeline, catalog)
        finally:  # a later run of this session gets mlflow.yml's values again
            run.id, run.name, run.nested = configured

    def _start_run(self, names: list[str], run_params, pipeline, catalog) -> None:
        context, tracking = self._context, self.mlflow_config.tracking
        project_path = Path(context.project_path)
        options = tracking.experiment.model_copy(deep=True)
        options.name = experiment_name(names, options.name)
        kwargs = options.create_experiment_kwargs
        if kwargs.artifact_location is None:
            kwargs.artifact_location = (project_path / "mlruns" / options.name).as_uri()
        kwargs.tags = {**(kwargs.tags or {}), EXPERIMENT_KIND_TAG: EXPERIMENT_KIND}
        client = mlflow.MlflowClient()
        with store_lock(project_path):
            experiment = select_experiment(options, client)
        check_artifact_location(experiment, project_path)
        if EXPERIMENT_KIND_TAG not in experiment.tags:  # made before this hook
            client.set_experiment_tag(
                experiment.experiment_id, EXPERIMENT_KIND_TAG, EXPERIMENT_KIND
            )
        if tracking.run.name is None:  # not set in mlflow.yml: named by the project
            self._naming = {
                "names": names,
                "params": context.params,
                "runtime_params": run_params.get("runtime_params"),
                "corpora": corpus_names(pipeline, catalog),
                "env": run_params.get("env") or context.env,
            }
            tracking.run.name = describe_run(**self._naming)
        # Reopening a run checks it against the active experiment.
        mlflow.set_experiment(experiment_id=experiment.experiment_id)
        run = mlflow.start_run(
            experiment_id=experiment.experiment_id, run_name=tracking.run.name
        )
        tracking.run.id = run.info.run_id

    @hook_impl(trylast=True)  # after the other hooks have finished their work
    def after_pipeline_run(self, run_params, pipeline, catalog) -> None:
        """Rename the run with the epochs training ran, then end it."""
        self.rename_run()
        super().after_pipeline_run(run_params, pipeline, catalog)

    def rename_run(self) -> None:
        """Rename the run with the epochs training actually ran (a time budget
        or early stopping ends it before ``epochs``)."""
        run = mlflow.active_run()
        if run is None or self._naming is None or failed():
            return
        with tolerate("naming the run"):
            metrics = mlflow.get_run(run.info.run_id).data.metrics
            done = metrics.get(EPOCHS_DONE_METRIC)
            if done is not None:
                name = describe_run(**self._naming, epochs_done=done)
                if name != run.info.run_name:
                    mlflow.set_tag("mlflow.runName", name)
                    logger.info("MLflow run renamed %r (epochs done)", name)


SERVED_SUFFIX = "_pyfunc"  # logged model <namespace>_pyfunc, registered as <namespace>


def register_run_models(run_id: str, experiment_id: str) -> list[str]:
    """Register each ``<namespace>_pyfunc`` model logged by the run as a new version
    of the registered model ``<namespace>``; returns the names registered."""
    models = mlflow.search_logged_models(
        experiment_ids=[experiment_id],
        filter_string=f"source_run_id = '{run_id}'",
        output_format="list",
    )
    names = []
    for model in models:
        if model.name.endswith(SERVED_SUFFIX):
            name = model.name.removesuffix(SERVED_SUFFIX)
            version = mlflow.register_model(model.model_uri, name)
            logger.info(
                "Registered %s as %s version %s", model.name, name, version.version
            )
            names.append(name)
    return names


OBJECT_REPR = re.compile(r"^<(?:[\w.]+\.)?(\w+) object at 0x[0-9a-f]+>$")


def _readable(value: Any) -> str:
    """A tag value a person can read: a class name rather than an object repr."""
    if isinstance(value, str):
        match = OBJECT_REPR.match(value)
        return match.group(1) if match else value
    if isinstance(value, int | float | bool):
        return str(value)
    if isinstance(value, list | tuple | set):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return type(value).__name__


class MlflowArtifactHook:
    """Tags each run with its pipeline and namespace, and logs every saved dataset
    whose metadata has ``mlflow_artifact_path`` to the run.

    Args:
        saved_path: Gives the file a dataset has just written (its save version
            when versioned), or ``None``.
    """

    def __init__(self, saved_path: Callable[[Any], Path | None]) -> None:
        self._catalog = None
        self._saved_path = saved_path

    @hook_impl
    def after_catalog_created(self, catalog) -> None:
        """Keep the catalog to look datasets up by name."""
        self._catalog = catalog

    @hook_impl(trylast=True)  # after kedro-mlflow has started the run
    def before_pipeline_run(self, run_params: dict, pipeline) -> None:
        """Tag the run with its pipeline(s) and namespace(s) for the UI's filters,
        and make kedro-mlflow's tags of run parameters readable."""
        if mlflow.active_run() is None:
            return
        namespaces = sorted(
            {node.namespace.split(".")[0] for node in pipeline.nodes if node.namespace}
        )
        readable = {key: _readable(value) for key, value in run_params.items() if value}
        with tolerate("reading the run's tags"):
            tagged = mlflow.get_run(mlflow.active_run().info.run_id).data.tags
            if "kedro_command" in tagged:
                readable["kedro_command"] = kedro_command(
                    tagged["kedro_command"], run_params
                )
        with tolerate("tagging the run"):
            mlflow.set_tags(
                {
                    **readable,
                    "pipeline": ",".join(pipeline_names(run_params)),
                    "namespace": ",".join(namespaces) or "-",
                    "corpus": ",".join(corpus_names(pipeline, self._catalog)) or "-",
                }
            )

    @hook_impl(tryfirst=True)  # before kedro-mlflow ends the run
    def after_pipeline_run(self, run_params: dict) -> None:
        """Register the run's servable models in the Model Registry, one registered
        model per namespace (``chatbot_pyfunc`` -> ``chatbot``)."""
        run = mlflow.active_run()
        if run is not None and not failed():
            with tolerate("registering the run's models"):
                register_run_models(run.info.run_id, run.info.experiment_id)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data, node) -> None:
        """Log the file just saved when its catalog entry names an artifact folder."""
        if self._catalog is None or failed() or mlflow.active_run() is None:
            return
        dataset = self._catalog.get(dataset_name)
        artifact_path = (getattr(dataset, "metadata", None) or {}).get(METADATA_KEY)
        if artifact_path is None:
            return
        path = self._saved_path(dataset)
        if path is None or not path.exists():
            logger.warning(
                "Not logging %s to MLflow: no file at %s (only the project's "
                "Versioned* datasets say which file they saved)",
                dataset_name,
                path,
            )
            return
        with tolerate(f"logging {dataset_name}"):
            mlflow.log_artifact(str(path), artifact_path=artifact_path)
