"""MLflow runs told apart: one experiment per pipeline, descriptive run names,
readable tags, the project's own store and artifact folder from any folder."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import mlflow
import pytest

from rnn_pipeline.plumbing.mlflow_tracking import (
    EXPERIMENT_KIND,
    EXPERIMENT_KIND_TAG,
    _readable,
    check_artifact_location,
    corpus_names,
    describe_run,
    experiment_name,
    project_path_resolver,
)
from rnn_pipeline.plumbing.mlflow_tracking import (
    kedro_command as completed_command,
)
from rnn_pipeline.text.errors import UserInputError
from tests.test_quiet import NOISE

PARAMS = {
    "chatbot": {
        "model_options": {"cell_type": "lstm", "num_layers": 3, "units": 256},
        "training_options": {"epochs": 40, "batch_size": 64},
    },
    "embeddings": {
        "model_options": {"embedding_dim": 100},
        "training_options": {"epochs": 10},
    },
}


def test_a_run_name_gives_the_pipeline_and_its_key_sizes():
    assert describe_run(["chatbot"], PARAMS) == "chatbot lstm 3x256 e40"
    assert describe_run(["embeddings"], PARAMS) == "embeddings d100 e10"


def test_a_run_name_adds_the_options_set_on_the_command_line():
    name = describe_run(
        ["chatbot"],
        PARAMS,
        {
            "chatbot": {
                "training_options": {"batch_size": 16},
                "model_options": {"units": 256},
            }
        },
    )
    assert name == "chatbot lstm 3x256 e40 batch_size=16"


def test_each_pipeline_has_its_experiment_and_the_default_keeps_the_configured():
    assert experiment_name(["translation"], "rnn_pipeline") == "translation"
    assert experiment_name(["__default__"], "rnn_pipeline") == "rnn_pipeline"


def test_tags_are_readable_not_object_reprs():
    runner = "<kedro.runner.sequential_runner.SequentialRunner object at 0x7f3a2c>"
    assert _readable(runner) == "SequentialRunner"
    assert _readable(["chatbot", "translation"]) == "chatbot,translation"
    assert _readable({"a.b": 1}) == "a.b=1"


def test_the_store_is_the_projects_whatever_the_current_folder(tmp_path, monkeypatch):
    from kedro.config import OmegaConfigLoader

    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    (tmp_path / "conf/base").mkdir(parents=True)
    yml = Path(__file__).parents[2] / "conf/base/mlflow.yml"
    (tmp_path / "conf/base/mlflow.yml").write_text(yml.read_text())
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # as a notebook's kernel starts
    loader = OmegaConfigLoader(
        str(tmp_path / "conf"),
        base_env="base",
        default_run_env="base",
        config_patterns={"mlflow": ["mlflow*"]},
        custom_resolvers={"project_path": project_path_resolver},
    )
    uri = loader["mlflow"]["server"]["mlflow_tracking_uri"]
    assert uri == f"sqlite:///{tmp_path.resolve()}/mlflow.db"


def test_a_copied_store_whose_artifacts_are_elsewhere_is_refused(tmp_path):
    original = SimpleNamespace(
        name="chatbot", artifact_location=(tmp_path / "a/mlruns/chatbot").as_uri()
    )
    check_artifact_location(original, tmp_path / "a")  # its own project: fine
    with pytest.raises(UserInputError, match="outside this project"):
        check_artifact_location(original, tmp_path / "copy")
    remote = SimpleNamespace(name="x", artifact_location="s3://bucket/x")
    check_artifact_location(remote, tmp_path)


@pytest.mark.slow
def test_two_runs_with_different_parameters_are_told_apart(tmp_path):
    from tests.test_end_to_end import copy_project, kedro

    project = copy_project(tmp_path / "project")
    (project / "notebooks").mkdir()
    # One epoch, in conf/local: Kedro 1.7 replaces (does not merge) a top-level
    # parameter key given by --params when only conf/base has it.
    base = (project / "conf/base/parameters_sequence_classifier.yml").read_text()
    (project / "conf/local/parameters_sequence_classifier.yml").write_text(
        base.replace("epochs: 30", "epochs: 1")
    )
    first = kedro(project, "run", "--pipelines", "sequence_classifier")
    assert first.returncode == 0, first.stderr[-3000:]
    # The second run starts in a sub-folder, as a notebook's kernel does.
    second = subprocess.run(
        [*kedro_command(), "run", "--pipelines", "sequence_classifier",
         "--params", "sequence_classifier.model_options.units=32"],
        cwd=project / "notebooks", env=kedro_env(), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr[-3000:]
    # A CPU run's log holds no error-level TensorFlow line nor deprecation noise.
    for result in (first, second):
        assert NOISE.findall(result.stderr) == [], result.stderr[-3000:]
    assert not (project / "notebooks/mlflow.db").exists()

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    experiment = mlflow.get_experiment_by_name("sequence_classifier")
    assert experiment.tags[EXPERIMENT_KIND_TAG] == EXPERIMENT_KIND
    assert Path(experiment.artifact_location.removeprefix("file://")).is_relative_to(
        project
    )
    runs = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        order_by=["start_time ASC"],
        output_format="list",
    )
    assert [run.info.run_name for run in runs] == [
        "sequence_classifier simple_rnn 1x150 e1",
        "sequence_classifier simple_rnn 1x32 e1",  # units named by its size
    ]
    assert runs[0].data.tags["runner"] == "SequentialRunner"
    assert runs[0].info.artifact_uri.startswith((project / "mlruns").as_uri())


def kedro_command() -> list[str]:
    from tests.test_end_to_end import KEDRO

    return [KEDRO]


def kedro_env() -> dict[str, str]:
    from tests.test_end_to_end import kedro_env as env

    return env()


def test_a_run_name_gives_the_corpus_the_epochs_done_and_a_non_default_env():
    name = describe_run(
        ["chatbot"], PARAMS, corpora=["lost.conv"], env="real_corpus", epochs_done=5
    )
    assert name == "chatbot lstm 3x256 e5/40 lost.conv env=real_corpus"
    assert describe_run(["chatbot"], PARAMS, epochs_done=4.63, env="local") == (
        "chatbot lstm 3x256 e4.6/40"
    )
    assert describe_run(["chatbot"], PARAMS, corpora=["default corpus"]) == (
        "chatbot lstm 3x256 e40 default corpus"
    )


def test_the_corpus_is_the_file_a_link_points_to_or_the_embedded_default(tmp_path):
    from kedro.io import DataCatalog
    from kedro.pipeline import Pipeline, node

    from rnn_pipeline.datasets import ConvCorpusDataset

    (tmp_path / "lost.conv").write_text("E\nM 你好\nM 你好\n", encoding="utf-8")
    (tmp_path / "chat.conv").symlink_to(tmp_path / "lost.conv")
    pipeline = Pipeline([node(len, "chatbot.raw_corpus", "n")])
    for path, expected in (("chat.conv", "lost.conv"), ("none.conv", "default corpus")):
        dataset = ConvCorpusDataset(str(tmp_path / path), fallback="chinese")
        catalog = DataCatalog({"chatbot.raw_corpus": dataset})
        assert corpus_names(pipeline, catalog) == [expected]


def test_the_kedro_command_tag_gives_env_and_params():
    run_params = {"env": "real_corpus", "runtime_params": {"a": {"b": 1}}}
    assert completed_command("kedro run --pipeline=chatbot", run_params) == (
        "kedro run --pipeline=chatbot --env=real_corpus --params=a.b=1"
    )
    assert completed_command("kedro run", {"env": None}) == "kedro run"


def test_a_run_stopped_early_is_renamed_with_the_epochs_done(tmp_path):
    import shutil

    from rnn_pipeline.plumbing import tracking_guard
    from rnn_pipeline.plumbing.mlflow_tracking import ProjectMlflowHook
    from tests.test_end_to_end import empty_store

    tracking_guard.reset()  # a failure noted by an earlier test is not this run's
    shutil.copy(empty_store(), tmp_path / "mlflow.db")
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    hook = ProjectMlflowHook()
    hook._naming = {"names": ["chatbot"], "params": PARAMS, "corpora": ["lost.conv"]}
    try:
        experiment = mlflow.create_experiment("chatbot")  # not an earlier test's
        with mlflow.start_run(
            experiment_id=experiment, run_name="chatbot lstm 3x256 e40 lost.conv"
        ) as run:
            mlflow.log_metric("epochs_done", 5)
            hook.rename_run()
        renamed = mlflow.get_run(run.info.run_id).info.run_name
    finally:
        mlflow.set_tracking_uri(previous)
    assert renamed == "chatbot lstm 3x256 e5/40 lost.conv"
