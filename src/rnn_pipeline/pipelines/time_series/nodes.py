"""Nodes of the time-series pipeline: thin adapters over ``rnn_pipeline`` code."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.hints import Figure, KerasModel
from rnn_pipeline.pipelines.time_series.options import (
    DataOptions,
    GenerationOptions,
    ModelOptions,
    TrainingOptions,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.series import (
    chapter_series,
    generate,
    sample_windows,
    split_windows,
    window_times,
)
from rnn_pipeline.training.curves import training_curves

logger = logging.getLogger(__name__)


def _frame(starts: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    columns = {f"v{i}": values[:, i] for i in range(values.shape[1])}
    return pd.DataFrame({"start": starts, **columns})


def _instance_times(data_options: DataOptions) -> np.ndarray:
    """The sample times of the chapter's test instance."""
    start = np.array([data_options.instance_start])
    return window_times(start, data_options.steps, data_options.resolution)[0]


def _arrays(windows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    values = [c for c in windows.columns if c.startswith("v")]
    return split_windows(windows[values].to_numpy())


def sample_series_windows(
    data_options: DataOptions,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train, validation and held-out test windows at random start times.

    Each split has its own random stream, so the held-out windows are never the
    training ones (they are drawn from the same time range, as in the chapter).
    """
    counts = (
        data_options.train_windows,
        data_options.validation_windows,
        data_options.test_windows,
    )
    streams = np.random.default_rng(data_options.seed).spawn(3)
    span = (
        data_options.steps,
        data_options.resolution,
        data_options.t_min,
        data_options.t_max,
    )
    frames = [
        _frame(*sample_windows(count, *span, rng))
        for count, rng in zip(counts, streams, strict=True)
    ]
    logger.info("Windows: %s", [len(f) for f in frames])
    return frames[0], frames[1], frames[2]


def train_forecaster(
    train_windows: pd.DataFrame,
    validation_windows: pd.DataFrame,
    model_options: ModelOptions,
    training_options: TrainingOptions,
) -> tuple[KerasModel, dict]:
    """Train the sequence regressor (MSE) to predict each next value, resumably."""
    from rnn_pipeline.models import SequenceRegressor
    from rnn_pipeline.training.array_fit import fit_arrays

    trainer = training_options.trainer()
    train, validation = _arrays(train_windows), _arrays(validation_windows)
    kwargs = model_options.model_dump()
    return fit_arrays(
        trainer,
        lambda: SequenceRegressor(1, name="sequence_regressor", **kwargs),
        train,
        validation,
        training_options.batch_size,
        training_options.seed,
        key_data=(kwargs, train[0]),
        loss="mse",
    )


# MSE curves per epoch.
plot_training = training_curves("time-series training (MSE)")


def evaluate_forecaster(
    model: KerasModel, test_windows: pd.DataFrame
) -> tuple[dict, dict]:
    """MSE on the held-out windows, against the naive "next = current" forecast.

    Returns:
        MLflow metrics (``test_mse``, ``test_mse_last_step``, ``naive_mse``) and the
        report (the same and the MSE at each step of the window).
    """
    x, y = _arrays(test_windows)
    squared = (np.asarray(model.predict(x, verbose=0)) - y) ** 2
    values = {
        "test_mse": float(squared.mean()),
        "test_mse_last_step": float(squared[:, -1].mean()),
        "naive_mse": float(((x - y) ** 2).mean()),
    }
    logger.info(
        "Held-out MSE %.4f (naive %.4f) on %d windows",
        values["test_mse"],
        values["naive_mse"],
        len(x),
    )
    report = {
        "windows": len(x),
        **values,
        "mse_per_step": squared.mean(axis=(0, 2)).tolist(),
    }
    return scalar_metrics(values), report


def plot_series(data_options: DataOptions) -> Figure:
    """The series over its time range with the chapter's training instance."""
    from rnn_pipeline.plotting import plot_series_instance

    t = np.linspace(
        data_options.t_min,
        data_options.t_max,
        int((data_options.t_max - data_options.t_min) / data_options.resolution),
    )
    instance_t = _instance_times(data_options)
    return plot_series_instance(
        t,
        chapter_series(t),
        instance_t,
        chapter_series(instance_t),
        title="t sin(t) / 3 + 2 sin(5t)",
    )


def predict_instance(model: KerasModel, data_options: DataOptions) -> dict:
    """The model's predictions on the chapter's test instance (a fresh window)."""
    t = _instance_times(data_options)
    values = chapter_series(t)
    x, _ = split_windows(values[None, :])
    predictions = np.asarray(model.predict(x, verbose=0))[0, :, 0]
    return {
        "t": t.tolist(),
        "values": values.tolist(),
        "predictions": predictions.tolist(),
    }


def plot_instance_prediction(instance_prediction: dict) -> Figure:
    """Instance, target and prediction, as in the chapter's "testing the model"."""
    from rnn_pipeline.plotting import plot_prediction

    return plot_prediction(
        instance_prediction["t"],
        instance_prediction["values"],
        instance_prediction["predictions"],
    )


def generate_sequences(
    model: KerasModel,
    data_options: DataOptions,
    generation_options: GenerationOptions,
) -> dict:
    """Creative sequences: each seed window extended by feeding predictions back."""
    seeds = {
        "zeros": np.zeros(data_options.steps),
        "series": chapter_series(
            generation_options.series_seed_start
            + np.arange(data_options.steps) * data_options.resolution
        ),
    }
    sequences = {
        name: generate(
            lambda w: model(w, training=False), seeds[name], generation_options.length
        ).tolist()
        for name in generation_options.seeds
    }
    return {"seed_length": data_options.steps, "sequences": sequences}


def plot_creative_sequences(creative_sequences: dict) -> Figure:
    """The generated sequences, seed in blue."""
    from rnn_pipeline.plotting import plot_generated

    return plot_generated(
        creative_sequences["sequences"],
        creative_sequences["seed_length"],
        title="creative sequences",
    )
