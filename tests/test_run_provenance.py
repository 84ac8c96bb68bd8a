"""The notebook names the run whose outputs it shows, and the version of each."""

from __future__ import annotations

import json
import re
import shutil

import mlflow
from kedro.io import DataCatalog, Version

from rnn_pipeline.cli.choice import KEDRO_VERSION_TAG
from rnn_pipeline.datasets.versioned import VersionedJSONDataset
from rnn_pipeline.run_provenance import describe_outputs
from tests.test_end_to_end import PROJECT, empty_store

# Intermediate data the notebook loads that is overwritten by each run.
UNVERSIONED = {
    "chatbot.conversations",
    "chatbot.pairs",
    "chatbot.train_pairs",
    "chatbot.test_pairs",
    "chatbot.train_buckets",
}
OLD, NEW = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"


def saved(path, version: str) -> VersionedJSONDataset:
    dataset = VersionedJSONDataset(filepath=str(path), version=Version(None, version))
    dataset.save({"saved": version})
    return dataset


def test_the_run_of_the_model_is_named_and_another_runs_output_is_marked(tmp_path):
    saved(tmp_path / "model.json", NEW)
    saved(tmp_path / "report.json", NEW)
    saved(tmp_path / "vocab.json", OLD)  # a --from-nodes run reused this one
    catalog = DataCatalog(
        {
            name: VersionedJSONDataset(
                filepath=str(tmp_path / f"{name}.json"), version=Version(None, None)
            )
            for name in ("model", "report", "vocab")
        }
    )
    shutil.copy(empty_store(), tmp_path / "mlflow.db")
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    try:
        client = mlflow.MlflowClient()
        run = client.create_run(
            client.create_experiment("chatbot"),
            tags={KEDRO_VERSION_TAG: NEW},
            run_name="chatbot gru 1x8 e2 lost.conv",
        )
        text = describe_outputs(catalog, ["report", "vocab"], anchor="model")
    finally:
        mlflow.set_tracking_uri(previous)
    assert text.splitlines() == [
        f"MLflow run chatbot gru 1x8 e2 lost.conv ({run.info.run_id}), "
        f"Kedro version {NEW}",
        f"  model: {NEW}",
        f"  report: {NEW}",
        f"  vocab: {OLD}  (another run's)",
    ]


def test_the_notebook_names_its_run_before_it_shows_any_output():
    notebook = json.loads(
        (PROJECT / "notebooks/chatbot_walkthrough.ipynb").read_text("utf-8")
    )
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    first_load = next(i for i, s in enumerate(code) if "catalog.load(" in s)
    naming = next(i for i, s in enumerate(code) if "describe_outputs(" in s)
    assert naming < first_load
    # Every versioned output the notebook loads is one whose version it prints.
    loaded = set(re.findall(r'catalog\.load\("([\w.]+)"\)', "\n".join(code)))
    versioned = loaded - UNVERSIONED
    assert versioned <= set(re.findall(r'"(chatbot\.\w+)"', code[naming]))
