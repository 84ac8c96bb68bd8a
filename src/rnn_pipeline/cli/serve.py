"""``kedro serve``: a logged pyfunc model of a namespace over HTTP.

The first line says which model: its registered version, run id and run name. The
server is MLflow's scoring server behind ``serving.app``'s guards: a request body
over ``RNN_PIPELINE_MAX_REQUEST_BYTES`` is a 413, and errors are one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rnn_pipeline.cli.choice import (
    KEDRO_VERSION,
    MODEL_HELP,
    RUN_ID,
    champion,
    describe_model,
    registered_version,
    run_of_kedro_version,
)

if TYPE_CHECKING:
    from mlflow.entities import LoggedModel


def latest_served_model(namespace: str) -> LoggedModel:
    """The newest pyfunc model (an MLflow ``LoggedModel``) the ``namespace``
    pipeline logged."""
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
    return models[0]


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


def choose_served_model(namespace: str, model: str | None) -> tuple[str, str]:
    """The model URI to serve and a line saying which it is (``choice.choose``'s
    rules: run id, registered version, alias or Kedro version; by default the
    alias ``champion`` when set, else the newest logged model)."""
    if model is not None and KEDRO_VERSION.match(model):
        run_id = run_of_kedro_version(model)
        if run_id is None:
            raise click.ClickException(
                f"--model {model}: no MLflow run of that version"
            )
        which = f"{describe_model(namespace, run_id)}, saved {model}"
        return _run_model(namespace, run_id), which
    if model is not None and RUN_ID.match(model):
        return _run_model(namespace, model), describe_model(namespace, model)
    version = (
        registered_version(namespace, model)
        if model is not None
        else champion(namespace)
    )
    if version is None:  # no alias set: the newest logged model
        newest = latest_served_model(namespace)
        which = describe_model(namespace, newest.source_run_id)
        return newest.model_uri, f"the newest {namespace} model, {which}"
    return (
        f"models:/{namespace}/{version.version}",
        describe_model(namespace, version.run_id, version.version),
    )


def serve_command(uri: str, host: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The uvicorn command serving model ``uri`` (``serving.app``: MLflow's scoring
    server behind the request body limit) and its environment."""
    from rnn_pipeline.serving import app

    bin_dir = str(Path(sys.executable).parent)
    command = [
        str(Path(bin_dir) / "uvicorn"), "--factory", f"{app.__name__}:create_app",
        "--host", host, "--port", str(port),
    ]  # fmt: skip
    return command, {**os.environ, app.SERVED_MODEL_ENV: uri}


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
    ..., "notice": ...}]}. Binds 127.0.0.1 unless --host says otherwise. A request
    body over RNN_PIPELINE_MAX_REQUEST_BYTES (default 2 MiB) is refused with a 413.
    """
    import mlflow
    from kedro.framework.project import configure_project
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits

    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        session.load_context()  # kedro-mlflow points MLflow at the project's store
        uri, which = choose_served_model(namespace, model)
        tracking_uri = mlflow.get_tracking_uri()
    try:  # the server reads the limits again: a bad value stops it here, in a line
        RequestLimits.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Serving {which} on http://{host}:{port}/invocations", err=True)
    command, env_vars = serve_command(uri, host, port)
    os.execve(command[0], command, {**env_vars, "MLFLOW_TRACKING_URI": tracking_uri})
