"""The latest trained model of a namespace, its vocabulary and its parameters."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

import click

# Kedro's INFO lines ("Loading data from ...") say nothing to someone chatting.
QUIET_LOGGERS = ("kedro", "kedro_mlflow", "mlflow", "rnn_pipeline.mlflow_tracking")


@contextmanager
def quiet_kedro_logs():
    """Raise Kedro's loggers to WARNING for the duration (restored afterwards)."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def load_trained(namespace: str, env: str | None) -> tuple[object, dict, dict]:
    """Latest model and vocabulary of ``namespace`` through the catalog, and params.

    Raises:
        click.ClickException: No complete trained model or vocabulary: says which
            ``kedro run`` makes one.
    """
    from kedro.framework.project import configure_project
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project
    from kedro.io import DatasetError

    from rnn_pipeline.hooks import skip_incomplete_versions

    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        context = session.load_context()
        params = context.params.get(namespace, {})
        for name in ("vocab", "model"):  # never a half-written version
            skip_incomplete_versions(context.catalog.get(f"{namespace}.{name}"))
        try:
            vocabulary = context.catalog.load(f"{namespace}.vocab")
            model = context.catalog.load(f"{namespace}.model")
        except DatasetError:
            raise click.ClickException(
                f"no trained {namespace} model was found. "
                f"Train one first: kedro run --pipelines {namespace}"
                + ("  (or: make run)" if namespace == "chatbot" else "")
            ) from None
    return model, vocabulary, params
