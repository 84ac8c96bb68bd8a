"""Time-series nodes: windows, a learning test with an MSE bound, figures."""

import numpy as np
import pytest

from rnn_pipeline.pipelines.options import parse
from rnn_pipeline.pipelines.time_series import nodes
from rnn_pipeline.pipelines.time_series.options import (
    DataOptions,
    GenerationOptions,
    ModelOptions,
    TrainingOptions,
)

TINY_DATA = DataOptions(train_windows=1000, validation_windows=100, test_windows=200)


def test_windows_of_each_split_are_distinct_and_twenty_steps_long():
    train, validation, test = nodes.sample_series_windows(TINY_DATA)
    assert [len(train), len(validation), len(test)] == [1000, 100, 200]
    assert train.shape[1] == 1 + 21  # start time and 21 samples
    assert not set(train["start"]) & set(test["start"])


def test_windows_that_do_not_fit_the_time_range_are_refused():
    with pytest.raises(ValueError, match="must fit"):
        parse(DataOptions, {"t_max": 1.0})
    with pytest.raises(ValueError, match="stepz: Extra inputs"):
        parse(DataOptions, {"stepz": 20})


@pytest.mark.slow
def test_a_small_rnn_predicts_held_out_windows(tmp_path):
    train, validation, test = nodes.sample_series_windows(TINY_DATA)
    training = TrainingOptions(
        epochs=8, learning_rate=0.01, verbose=0, checkpoint_dir=str(tmp_path / "ckpt")
    )
    model, history = nodes.train_forecaster(
        train, validation, ModelOptions(units=32), training
    )
    assert history["val_loss"][-1] < history["val_loss"][0]
    metrics, report = nodes.evaluate_forecaster(model, test)
    assert report["test_mse"] <= 0.25
    assert report["test_mse"] < report["naive_mse"] / 4
    assert metrics["test_mse"]["value"] == report["test_mse"]
    instance = nodes.predict_instance(model, TINY_DATA)
    assert len(instance["predictions"]) == 20 == len(instance["values"]) - 1
    creative = nodes.generate_sequences(model, TINY_DATA, GenerationOptions(length=15))
    assert {len(s) for s in creative["sequences"].values()} == {35}
    figures = {
        "series": nodes.plot_series(TINY_DATA),
        "prediction": nodes.plot_instance_prediction(instance),
        "creative": nodes.plot_creative_sequences(creative),
        "training": nodes.plot_training(history),
    }
    for name, figure in figures.items():
        figure.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    assert np.isfinite(creative["sequences"]["zeros"]).all()
