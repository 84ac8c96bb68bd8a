"""Sequence classifier nodes: a learning test on the digits and bad inputs."""

import pytest

from rnn_pipeline.digits import load_digits_frame
from rnn_pipeline.pipelines.options import parse
from rnn_pipeline.pipelines.sequence_classifier import nodes
from rnn_pipeline.pipelines.sequence_classifier.options import (
    ClassifierTrainingOptions,
    ModelOptions,
    SplitOptions,
)

TINY_MODEL = ModelOptions(units=32, num_layers=1, cell_type="simple_rnn")


@pytest.mark.slow
def test_a_small_rnn_reads_digit_rows_to_over_90_percent_test_accuracy(tmp_path):
    train, test = nodes.split_digits(load_digits_frame(), SplitOptions(seed=0))
    training = ClassifierTrainingOptions(
        epochs=10,
        learning_rate=0.005,
        verbose=0,
        checkpoint_dir=str(tmp_path / "ckpt"),
    )
    model, history = nodes.train_classifier(train, TINY_MODEL, training)
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
        nodes.split_digits(load_digits_frame().drop(columns="label"), SplitOptions())


@pytest.mark.parametrize(
    ("options_type", "values", "message"),
    [
        (ModelOptions, {"cell_type": "rnn"}, "model_options: cell_type"),
        (ModelOptions, {"unit": 3}, "unit: Extra inputs are not permitted"),
        (ClassifierTrainingOptions, {"epochs": 0}, "epochs: .*got 0"),
        (SplitOptions, {"test_fraction": 1.0}, "test_fraction: .*got 1.0"),
    ],
)
def test_bad_parameters_name_the_key_and_value(options_type, values, message):
    with pytest.raises(ValueError, match=message):
        parse(options_type, values)
