"""Which run's outputs a notebook shows: the Kedro version of each dataset it loads,
and the MLflow run that wrote them.

``catalog.load(name)`` reads the newest complete version of each versioned dataset,
and those need not all come from one run (a run started with ``--from-nodes`` writes
only some). ``describe_outputs`` says which run the anchor dataset (the model) came
from and marks any dataset whose version is another run's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)


def loaded_versions(catalog: Any, names: Sequence[str]) -> dict[str, str | None]:
    """The version ``catalog.load(name)`` reads for each name; None for a dataset
    that is not versioned (or has no version yet)."""
    from kedro.io import DatasetError

    versions: dict[str, str | None] = {}
    for name in names:
        resolve = getattr(catalog.get(name), "resolve_load_version", None)
        try:
            versions[name] = resolve() if callable(resolve) else None
        except DatasetError:  # versioned, but nothing saved yet
            versions[name] = None
    return versions


def run_line(version: str | None) -> str:
    """``MLflow run <name> (<id>), Kedro version <v>``, or why there is none."""
    import mlflow
    from mlflow.exceptions import MlflowException

    from rnn_pipeline.cli.choice import run_of_kedro_version

    if version is None:
        return "no saved version: run the pipeline first (make run)"
    try:
        run_id = run_of_kedro_version(version)
        run = mlflow.get_run(run_id) if run_id else None
    except MlflowException as exc:
        logger.warning("Cannot ask MLflow for the run of %s: %s", version, exc)
        run = None
    if run is None:
        return f"Kedro version {version} (no MLflow run of it found)"
    return (
        f"MLflow run {run.info.run_name} ({run.info.run_id}), Kedro version {version}"
    )


def describe_outputs(catalog: Any, names: Sequence[str], anchor: str) -> str:
    """One line for the run that wrote ``anchor``, then each dataset's version,
    marked ``(another run's)`` where it is not the anchor's."""
    versions = loaded_versions(catalog, [anchor, *names])
    version = versions[anchor]
    lines = [run_line(version)]
    for name, loaded in versions.items():
        mark = "" if loaded in (None, version) else "  (another run's)"
        lines.append(f"  {name}: {loaded or 'not versioned'}{mark}")
    return "\n".join(lines)
