"""Sequence classifier nodes: a learning test on the digits and bad inputs."""

import pytest

from rnn_pipeline.digits import load_digits_frame
from rnn_pipeline.pipelines.sequence_classifier import nodes

TINY_MODEL = {"units": 32, "num_layers": 1, "cell_type": "simple_rnn"}


def tiny_training(tmp_path, **overrides):
    return {
        "epochs": 10,
        "learning_rate": 0.005,
        "verbose": 0,
        "checkpoint_dir": str(tmp_path / "ckpt"),
        **overrides,
    }


@pytest.mark.slow
def test_a_small_rnn_reads_digit_rows_to_over_90_percent_test_accuracy(tmp_path):
    train, test = nodes.split_digits(load_digits_frame(), {"seed": 0})
    model, history = nodes.train_classifier(train, TINY_MODEL, tiny_training(tmp_path))
    assert len(history["loss"]) == 10 and "val_accuracy" in history
    metrics, report = nodes.evaluate_classifier(model, test)
    assert report["accuracy"] >= 0.90
    assert metrics["test_accuracy"]["value"] == report["accuracy"]
    assert sum(map(sum, report["confusion_matrix"])) == len(test) == 359
    figure = nodes.plot_confusion(report)
    figure.savefig(tmp_path / "confusion.png")
    assert (tmp_path / "confusion.png").stat().st_size > 1000


def test_images_without_labels_are_refused():
    with pytest.raises(ValueError, match="expected 'label'"):
        nodes.split_digits(load_digits_frame().drop(columns="label"), {})


@pytest.mark.parametrize(
    ("group", "values", "message"),
    [
        ("model", {"cell_type": "rnn"}, "cell_type"),
        ("model", {"unit": 3}, "unit: Extra inputs"),
        ("training", {"epochs": 0}, "epochs"),
    ],
)
def test_bad_parameters_name_the_key_and_value(group, values, message, tmp_path):
    model_options = {**TINY_MODEL, **values} if group == "model" else TINY_MODEL
    training = tiny_training(tmp_path, **(values if group == "training" else {}))
    with pytest.raises(ValueError, match=message):
        nodes.train_classifier(load_digits_frame().head(20), model_options, training)
