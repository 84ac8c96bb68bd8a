"""``kedro serve``: the newest logged pyfunc model of a namespace over HTTP."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


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


@click.command()
@click.option("--namespace", default="chatbot", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
def serve(namespace: str, host: str, port: int, env: str | None) -> None:
    """Serve the latest trained model of NAMESPACE over HTTP with MLflow.

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
        uri = latest_served_model(namespace)
        tracking_uri = mlflow.get_tracking_uri()
    click.echo(f"Serving {uri} on http://{host}:{port}/invocations", err=True)
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
