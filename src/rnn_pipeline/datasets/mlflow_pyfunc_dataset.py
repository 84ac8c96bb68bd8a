"""Logging a trained seq2seq model to the MLflow run as a servable pyfunc model."""

from __future__ import annotations

import json
import logging
import tempfile
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from kedro.io import AbstractDataset, DatasetError
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

from rnn_pipeline.plumbing.tracking_guard import failed, tolerate

logger = logging.getLogger(__name__)

SIGNATURE = ModelSignature(
    inputs=Schema([ColSpec("string", "message")]),
    outputs=Schema([ColSpec("string", "reply"), ColSpec("string", "notice")]),
)

INPUT_EXAMPLE = pd.DataFrame({"message": ["你好"]})

# What the served code imports, pinned to this environment's versions. Given
# explicitly, MLflow does not infer them by loading the model in a subprocess (about
# 10 s per run, and its guess left out keras and tensorflow).
SERVED_DISTRIBUTIONS = (
    "mlflow",
    "keras",
    "tensorflow",
    "numpy",
    "pandas",
    "rnn_pipeline",
)


def serving_requirements() -> list[str]:
    """``name==version`` of each served distribution that is installed."""
    pinned = []
    for name in SERVED_DISTRIBUTIONS:
        try:
            pinned.append(f"{name.replace('_', '-')}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return pinned


class Seq2SeqPyfuncDataset(AbstractDataset[dict, None]):
    """Saves ``{"model", "vocab", "config"}`` as an MLflow pyfunc model of the run.

    The model is logged from code (``rnn_pipeline/serving/seq2seq_pyfunc.py``), with
    the ``.keras`` file, the vocabulary JSON and the decoding settings as artifacts:
    no pickle. Serve it with
    ``mlflow models serve -m runs:/<run_id>/<name> --env-manager local``.

    Args:
        name: Name of the logged model inside the run.
        metadata: Free-form metadata (kedro-viz layers).
    """

    def __init__(self, name: str, metadata: dict[str, Any] | None = None) -> None:
        self._name = name
        self.metadata = metadata

    def save(self, data: dict) -> None:
        if failed():
            return  # the store failed earlier in this run (tracking_guard)
        if mlflow.active_run() is None:
            logger.warning(
                "No active MLflow run: the %s pyfunc is not logged", self._name
            )
            return
        with tolerate(f"logging the servable model {self._name}"):
            self._log(data)

    def _log(self, data: dict) -> None:
        code = resources.files("rnn_pipeline.serving") / "seq2seq_pyfunc.py"
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            data["model"].save(folder / "model.keras")
            for name in ("vocab", "config"):
                (folder / f"{name}.json").write_text(
                    json.dumps(data[name], ensure_ascii=False), encoding="utf-8"
                )
            info = mlflow.pyfunc.log_model(
                name=self._name,
                python_model=str(code),
                artifacts={
                    name: str(folder / file)
                    for name, file in (
                        ("model", "model.keras"),
                        ("vocab", "vocab.json"),
                        ("config", "config.json"),
                    )
                },
                signature=SIGNATURE,
                # What a request looks like, shown in the MLflow UI beside the
                # model (without it, MLflow warns at every run).
                input_example=INPUT_EXAMPLE,
                pip_requirements=serving_requirements(),
            )
        logger.info("Logged the servable model %s (%s)", self._name, info.model_uri)

    def load(self) -> None:
        raise DatasetError(
            f"{self._name} is served, not loaded: mlflow models serve -m "
            f"runs:/<run_id>/{self._name} --env-manager local"
        )

    def _describe(self) -> dict[str, Any]:
        return {"name": self._name}
