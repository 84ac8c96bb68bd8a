"""``kedro serve``: the newest logged pyfunc model of a namespace over HTTP."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from rnn_pipeline.cli.choice import (
    KEDRO_VERSION,
    KEDRO_VERSION_TAG,
    MODEL_HELP,
    RUN_ID,
    champion,
    registered_version,
)


def latest_served_model(namespace: str) -> str:
    """URI of the newest pyfunc model the ``namespace`` pipeline logged to MLflow."""
    import mlflow

    name = f"{namespace}_pyfunc"
    experiments = [e.experiment_id for e in mlflow.search_experiments()]
    models = mlflow.search_logged_models(
        experiment_ids=experiments,
        filter_string=f"name = '{name}'",
        order_by=[{"field_name": "creation_time", "ascending": False}],
        max_results=1,
        output_format="list",
    )
    if not models:
        raise click.ClickException(
            f"no {name} model is logged in {mlflow.get_tracking_uri()}. "
            f"Train one first: kedro run --pipelines {namespace}"
        )
    return models[0].model_uri


def _run_model(namespace: str, run_id: str) -> str:
    """URI of the ``<namespace>_pyfunc`` model that run ``run_id`` logged."""
    import mlflow

    experiments = [e.experiment_id for e in mlflow.search_experiments()]
    models = mlflow.search_logged_models(
        experiment_ids=experiments,
        filter_string=f"source_run_id = '{run_id}' AND name = '{namespace}_pyfunc'",
        output_format="list",
    )
    if not models:
        raise click.ClickException(
            f"--model {run_id}: that run logged no {namespace}_pyfunc model"
        )
    return models[0].model_uri


def _run_of_kedro_version(version: str) -> str:
    """The MLflow run that Kedro run ``version`` was tracked in."""
    import mlflow

    experiments = [e.experiment_id for e in mlflow.search_experiments()]
    runs = mlflow.search_runs(
        experiments,
        filter_string=f"tags.{KEDRO_VERSION_TAG} = '{version}'",
        output_format="list",
    )
    if not runs:
        raise click.ClickException(f"--model {version}: no MLflow run of that version")
    return runs[0].info.run_id


def choose_served_model(namespace: str, model: str | None) -> tuple[str, str]:
    """The model URI to serve and a line saying which it is (``choice.choose``'s
    rules: run id, registered version, alias or Kedro version; by default the
    alias ``champion`` when set, else the newest logged model)."""
    if model is not None and KEDRO_VERSION.match(model):
        run_id = _run_of_kedro_version(model)
        return _run_model(namespace, run_id), f"the model of run {run_id} ({model})"
    if model is not None and RUN_ID.match(model):
        return _run_model(namespace, model), f"the model of run {model}"
    version = (
        registered_version(namespace, model)
        if model is not None
        else champion(namespace)
    )
    if version is None:  # no alias set: the newest logged model
        uri = latest_served_model(namespace)
        return uri, f"the newest {namespace} model ({uri})"
    return (
        f"models:/{namespace}/{version.version}",
        f"{namespace} version {version.version} (run {version.run_id})",
    )


@click.command()
@click.option("--namespace", default="chatbot", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
@click.option("--model", default=None, help=MODEL_HELP)
def serve(
    namespace: str, host: str, port: int, env: str | None, model: str | None
) -> None:
    """Serve a trained model of NAMESPACE over HTTP with MLflow.

    POST /invocations with {"inputs": ["你好"]} answers {"predictions": [{"reply":
    ..., "notice": ...}]}. Binds 127.0.0.1 unless --host says otherwise.
    """
    import mlflow
    from kedro.framework.project import configure_project
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        session.load_context()  # kedro-mlflow points MLflow at the project's store
        uri, which = choose_served_model(namespace, model)
        tracking_uri = mlflow.get_tracking_uri()
    click.echo(f"Serving {which} on http://{host}:{port}/invocations", err=True)
    bin_dir = str(Path(sys.executable).parent)
    env_vars = {
        **os.environ,
        "MLFLOW_TRACKING_URI": tracking_uri,
        # mlflow starts uvicorn from PATH: use this environment's.
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
    }
    command = [
        str(Path(bin_dir) / "mlflow"), "models", "serve", "-m", uri,
        "--env-manager", "local", "--host", host, "--port", str(port),
    ]  # fmt: skip
    os.execve(command[0], command, env_vars)
