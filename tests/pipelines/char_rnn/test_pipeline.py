"""The char-RNN pipeline under a namespace, run through the SequentialRunner."""

import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from rnn_pipeline.pipelines.char_rnn import create_pipeline
from rnn_pipeline.pipelines.char_rnn.options import GROUPS
from rnn_pipeline.pipelines.options import validate_namespace

TINY_PARAMS = {
    "cleaning_options": {"drop_blank_lines": True},
    "split_options": {"validation_fraction": 0.2, "block_chars": 200},
    "vocab_options": {"max_chars": 30},
    "window_options": {"sequence_length": 16, "batch_size": 8},
    "model_options": {"units": 16, "embedding_dim": 8},
    "training_options": {"epochs": 2, "verbose": 0},
    "sampling_options": {"start_strings": ["春", "月光"], "length": 10},
}
TEXT = "床前明月光，疑是地上霜。\n\n举头望明月，低头思故乡。\n" * 40


def catalog_for(tmp_path, text=TEXT):
    datasets = {
        "poetry.raw_text": MemoryDataset({"source": "memory", "text": text}),
        "poetry.train_windows": MemoryDataset(copy_mode="assign"),
        "poetry.validation_windows": MemoryDataset(copy_mode="assign"),
    }
    params = {**TINY_PARAMS}
    params["training_options"] = {
        **params["training_options"],
        "checkpoint_dir": str(tmp_path / "ckpt"),
    }
    # As ValidateParametersHook hands them to the nodes of a Kedro run: typed.
    for key, value in validate_namespace("poetry", params, GROUPS).items():
        datasets[f"params:poetry.{key}"] = MemoryDataset(value)
    return DataCatalog(datasets=datasets)


def test_ingest_to_windows_slice(tmp_path):
    pipeline = create_pipeline(namespace="poetry").to_nodes("poetry.make_windows_node")
    catalog = catalog_for(tmp_path)
    SequentialRunner().run(pipeline, catalog)
    cleaning = catalog.load("poetry.cleaning_report")
    assert cleaning["dropped_blank"] == 40
    windows = catalog.load("poetry.windows_report")
    kept = TEXT.replace("\n\n", "\n")  # blank lines dropped
    # Each part loses less than one window to the cut.
    total = windows["train_windows"] + windows["validation_windows"]
    assert (len(kept) - 2 * 17) // 16 <= total <= len(kept) // 16


@pytest.mark.slow
def test_whole_pipeline_in_memory(tmp_path):
    catalog = catalog_for(tmp_path)
    SequentialRunner().run(create_pipeline(namespace="poetry"), catalog)
    metrics = catalog.load("poetry.validation_metrics")
    assert {"validation_loss", "validation_perplexity"} <= set(metrics)
    history = catalog.load("poetry.train_metrics")
    assert [p["step"] for p in history["val_perplexity"]] == [0, 1]
    samples = catalog.load("poetry.samples_report")["samples"]
    assert [s["start"] for s in samples] == ["春", "月光"]
    assert all(len(s["text"]) == len(s["start"]) + 10 for s in samples)
    assert catalog.load("poetry.training_curves_plot").axes


def test_the_template_is_namespaced_per_corpus():
    assert create_pipeline().inputs() >= {"raw_text", "params:sampling_options"}
    assert "code.raw_text" in create_pipeline(namespace="code").inputs()
