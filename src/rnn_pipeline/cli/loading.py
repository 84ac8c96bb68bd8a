"""The latest trained model of a namespace, its vocabulary and its parameters."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

# Kedro's INFO lines ("Loading data from ...") say nothing to someone chatting.
# The key of load_trained's companions under which it says which model it loaded.
MODEL_RUN = "model_run"
QUIET_LOGGERS = (
    "kedro",
    "kedro_mlflow",
    "mlflow",
    "rnn_pipeline.plumbing.mlflow_tracking",
)


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


def load_trained(
    namespace: str,
    env: str | None,
    companions: Sequence[str] = (),
    model: str | None = None,
) -> tuple[object, Any, dict, dict[str, Any]]:
    """The model of ``namespace`` that ``--model`` chooses (``choice.choose``), by
    default the newest that loads (an older one, with a warning, when the newest is
    broken); its vocabulary, the params, and each ``companions`` dataset the same
    run saved (e.g. ``responder_config``), None where there is none, and under
    ``MODEL_RUN`` its ``choice.ModelRun``. Says on stderr which model it is first.

    Raises:
        click.ClickException: No complete trained model or vocabulary: says which
            ``kedro run`` makes one and what was wrong.
    """
    from kedro.framework.project import configure_project
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project
    from kedro.io import DatasetError

    from rnn_pipeline.cli.choice import choose, loaded_run
    from rnn_pipeline.datasets.trained_model import load_companion
    from rnn_pipeline.datasets.trained_model import load_trained as load_version

    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        context = session.load_context()  # kedro-mlflow points MLflow at the store
        params = context.params.get(namespace, {})
        chosen = choose(namespace, model)
        try:
            trained = load_version(context.catalog, namespace, chosen.version)
        except DatasetError as exc:
            # Versions that exist but do not load are named with their fault.
            reason = str(exc).strip().splitlines()[0][:200]
            if chosen.version is not None:
                raise click.ClickException(f"--model {model}: {reason}") from None
            found = "" if "no saved version" in reason else f" ({reason})"
            raise click.ClickException(
                f"no trained {namespace} model was found{found}. "
                f"Train one first: kedro run --pipelines {namespace}"
                + ("  (or: make run)" if namespace == "chatbot" else "")
            ) from None
        run = loaded_run(namespace, chosen, trained.version)
        click.echo(f"Model: {run.which}", err=True)
        extra: dict[str, Any] = dict.fromkeys(companions)
        extra[MODEL_RUN] = run
        for companion in companions:
            name = f"{namespace}.{companion}"
            if name in context.catalog:
                with contextlib.suppress(DatasetError):
                    extra[companion] = load_companion(
                        context.catalog, name, trained.version
                    )
    return trained.model, trained.vocabulary, params, extra
