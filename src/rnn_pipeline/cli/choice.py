"""Which trained model a command uses: ``--model`` or the default.

``--model`` takes a run id, a version number of the namespace's registered model, an
alias (``champion``) or a Kedro save version (the folder name under
``data/06_models/<namespace>/model.keras/``). Without it, the registered model's
``champion`` alias wins when it is set; otherwise the newest model on disk.

``kedro serve`` serves the MLflow model; ``chat``, ``translate`` and ``generate`` load
the Kedro version the chosen MLflow run saved (kedro-mlflow tags each run with its
Kedro session id, which is also the save version of everything the run wrote).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import click

DEFAULT_ALIAS = "champion"
RUN_ID = re.compile(r"^[0-9a-f]{32}$")
KEDRO_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z$")
# kedro-mlflow tags a run with Kedro's run parameters; "run_id" is the session id.
KEDRO_VERSION_TAG = "run_id"
# The run's corpus file(s), tagged by mlflow_tracking.MlflowArtifactHook.
CORPUS_TAG = "corpus"
MODEL_HELP = (
    "A run id, a registered version number, an alias or a Kedro save version "
    "(default: the alias 'champion' when set, else the newest model)."
)


class Choice(NamedTuple):
    """The MLflow run of the chosen model (None: no MLflow run was consulted), its
    Kedro save version (None: the newest on disk) and a line saying which it is."""

    run_id: str | None
    version: str | None
    which: str


def registered_version(namespace: str, model: str):
    """The registered version ``model`` names: a version number or an alias."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient()
    try:
        if model.isdigit():
            return client.get_model_version(namespace, model)
        return client.get_model_version_by_alias(namespace, model)
    except MlflowException:
        raise click.ClickException(
            f"--model {model}: no version or alias {model!r} of the registered model "
            f"{namespace!r}; give a run id, a version number, an alias or a Kedro "
            "save version"
        ) from None


def champion(namespace: str):
    """The registered version with the default alias, or None when it is not set."""
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        return mlflow.MlflowClient().get_model_version_by_alias(
            namespace, DEFAULT_ALIAS
        )
    except MlflowException:
        return None


def kedro_version_of(run_id: str, model: str) -> str:
    """The Kedro save version the MLflow run ``run_id`` wrote its outputs under."""
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        tags = mlflow.get_run(run_id).data.tags
    except MlflowException:
        raise click.ClickException(
            f"--model {model}: no run {run_id} in {mlflow.get_tracking_uri()}"
        ) from None
    version = tags.get(KEDRO_VERSION_TAG, "")
    if not KEDRO_VERSION.match(version):
        raise click.ClickException(
            f"--model {model}: run {run_id} has no Kedro save version tag "
            f"({KEDRO_VERSION_TAG!r}); give the version folder name instead"
        )
    return version


def choose(namespace: str, model: str | None) -> Choice:
    """The model ``--model`` names, or the default (see the module docstring)."""
    if model is not None and KEDRO_VERSION.match(model):
        return Choice(None, model, f"{namespace} model saved {model}")
    if model is not None and RUN_ID.match(model):
        version = kedro_version_of(model, model)
        return Choice(model, version, f"{namespace} model of run {model} ({version})")
    chosen = (
        registered_version(namespace, model)
        if model is not None
        else champion(namespace)
    )
    if chosen is None:
        return Choice(None, None, f"the newest {namespace} model")
    version = kedro_version_of(chosen.run_id, model or DEFAULT_ALIAS)
    return Choice(
        chosen.run_id,
        version,
        f"{namespace} version {chosen.version} (run {chosen.run_id}, {version})",
    )


def describe_model(namespace: str, run_id: str, version: str | None = None) -> str:
    """``<namespace> version <n> (run <id>, <run name>)``: the registered version
    of the run's model (``version``, else looked up; "not registered" when none)."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient()
    try:
        run_name = client.get_run(run_id).info.run_name
    except MlflowException:
        run_name = None
    if version is None:
        versions = client.search_model_versions(
            f"name = '{namespace}' AND run_id = '{run_id}'"
        )
        version = max((v.version for v in versions), key=int, default=None)
    run = f"run {run_id}, {run_name}" if run_name else f"run {run_id}"
    if version is None:
        return f"{namespace} model ({run}; not registered)"
    return f"{namespace} version {version} ({run})"


def run_of_kedro_version(version: str) -> str | None:
    """The id of the MLflow run that Kedro run ``version`` was tracked in, or None."""
    import mlflow

    experiments = [e.experiment_id for e in mlflow.search_experiments()]
    runs = mlflow.search_runs(
        experiments,
        filter_string=f"tags.{KEDRO_VERSION_TAG} = '{version}'",
        output_format="list",
    )
    return runs[0].info.run_id if runs else None


class ModelRun(NamedTuple):
    """The MLflow run a loaded model came from, as the commands name it: ``which``
    is the ``Model:`` line; the rest is None where no run was found."""

    which: str
    run_id: str | None = None
    run_name: str | None = None
    corpus: str | None = None


def loaded_run(namespace: str, chosen: Choice, version: str) -> ModelRun:
    """The run of the model loaded from Kedro ``version``: its registered version
    (if any), run id, run name and corpus tag, however it was chosen.

    ``which`` reads e.g. ``the newest chatbot model, chatbot version 3 (run 5f0c...,
    chatbot lstm 3x256 e5/40 lost.conv), saved 2026-11-25T10.02.11.412Z``.
    """
    import mlflow
    from mlflow.exceptions import MlflowException

    newest = f"the newest {namespace} model, " if chosen.version is None else ""
    try:
        run_id = chosen.run_id or run_of_kedro_version(version)
        run = mlflow.get_run(run_id) if run_id else None
    except MlflowException:  # no store to ask: the Kedro version still names it
        run_id = run = None
    if run is None:
        first = "the newest " if newest else ""
        return ModelRun(
            f"{first}{namespace} model saved {version} (no MLflow run found)"
        )
    which = f"{newest}{describe_model(namespace, run_id)}, saved {version}"
    return ModelRun(which, run_id, run.info.run_name, run.data.tags.get(CORPUS_TAG))


def describe_loaded(namespace: str, chosen: Choice, version: str) -> str:
    """What the ``Model:`` line says of the model loaded from Kedro ``version``
    (``loaded_run``'s ``which``)."""
    return loaded_run(namespace, chosen, version).which
