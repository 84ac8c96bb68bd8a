"""Nodes of the time-series pipeline: thin adapters over ``rnn_pipeline`` code."""

from __future__ import annotations

import logging

import keras
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from rnn_pipeline.models import SequenceRegressor
from rnn_pipeline.pipelines.time_series.options import (
    DataOptions,
    GenerationOptions,
    ModelOptions,
    TrainingOptions,
    parse,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.plotting import (
    plot_generated,
    plot_history,
    plot_prediction,
    plot_series_instance,
)
from rnn_pipeline.series import (
    chapter_series,
    generate,
    sample_windows,
    split_windows,
    window_times,
)
from rnn_pipeline.training.arrays import make_array_dataset

logger = logging.getLogger(__name__)


def _frame(starts: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    columns = {f"v{i}": values[:, i] for i in range(values.shape[1])}
    return pd.DataFrame({"start": starts, **columns})


def _arrays(windows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    values = [c for c in windows.columns if c.startswith("v")]
    return split_windows(windows[values].to_numpy())


def sample_series_windows(
    data_options: dict,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train, validation and held-out test windows at random start times.

    Each split has its own random stream, so the held-out windows are never the
    training ones (they are drawn from the same time range, as in the chapter).
    """
    options = parse(DataOptions, data_options)
    streams = np.random.default_rng(options.seed).spawn(3)
    frames = [
        _frame(
            *sample_windows(
                count,
                options.steps,
                options.resolution,
                options.t_min,
                options.t_max,
                rng,
            )
        )
        for count, rng in zip(
            (options.train_windows, options.validation_windows, options.test_windows),
            streams,
            strict=True,
        )
    ]
    logger.info("Windows: %s", [len(f) for f in frames])
    return frames[0], frames[1], frames[2]


def train_forecaster(
    train_windows: pd.DataFrame,
    validation_windows: pd.DataFrame,
    model_options: dict,
    training_options: dict,
) -> tuple[keras.Model, dict]:
    """Train the sequence regressor (MSE) to predict each next value, resumably."""
    model_opts = parse(ModelOptions, model_options)
    options = parse(TrainingOptions, training_options)
    trainer = options.trainer()
    (x, y), (x_val, y_val) = _arrays(train_windows), _arrays(validation_windows)

    def build() -> keras.Model:
        model = SequenceRegressor(
            1, name="sequence_regressor", **model_opts.model_dump()
        )
        model(x[:1])  # built before fit: BackupAndRestore needs its weights
        return model

    return trainer.fit(
        build,
        make_array_dataset(x, y, options.batch_size, shuffle=True, seed=options.seed),
        make_array_dataset(x_val, y_val, options.batch_size),
        key_data=(model_opts.model_dump(), x),
        loss="mse",
    )


def plot_training(train_history: dict) -> Figure:
    """MSE curves per epoch."""
    return plot_history(train_history, title="time-series training (MSE)")


def evaluate_forecaster(
    model: keras.Model, test_windows: pd.DataFrame
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


def plot_series(data_options: dict) -> Figure:
    """The series over its time range with the chapter's training instance."""
    options = parse(DataOptions, data_options)
    t = np.linspace(
        options.t_min,
        options.t_max,
        int((options.t_max - options.t_min) / options.resolution),
    )
    instance_t = window_times(
        np.array([options.instance_start]), options.steps, options.resolution
    )[0]
    return plot_series_instance(
        t,
        chapter_series(t),
        instance_t,
        chapter_series(instance_t),
        title="t sin(t) / 3 + 2 sin(5t)",
    )


def predict_instance(model: keras.Model, data_options: dict) -> dict:
    """The model's predictions on the chapter's test instance (a fresh window)."""
    options = parse(DataOptions, data_options)
    t = window_times(
        np.array([options.instance_start]), options.steps, options.resolution
    )[0]
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
    return plot_prediction(
        instance_prediction["t"],
        instance_prediction["values"],
        instance_prediction["predictions"],
    )


def generate_sequences(
    model: keras.Model, data_options: dict, generation_options: dict
) -> dict:
    """Creative sequences: each seed window extended by feeding predictions back."""
    data = parse(DataOptions, data_options)
    options = parse(GenerationOptions, generation_options)
    seeds = {
        "zeros": np.zeros(data.steps),
        "series": chapter_series(
            options.series_seed_start + np.arange(data.steps) * data.resolution
        ),
    }
    sequences = {
        name: generate(
            lambda w: model(w, training=False), seeds[name], options.length
        ).tolist()
        for name in options.seeds
    }
    return {"seed_length": data.steps, "sequences": sequences}


def plot_creative_sequences(creative_sequences: dict) -> Figure:
    """The generated sequences, seed in blue."""
    return plot_generated(
        creative_sequences["sequences"],
        creative_sequences["seed_length"],
        title="creative sequences",
    )
