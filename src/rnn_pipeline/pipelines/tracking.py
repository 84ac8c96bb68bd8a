"""Shaping results for kedro-mlflow's metric datasets."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kedro.pipeline import Node

# Keras history keys renamed so every pipeline logs the same metric names.
KERAS_NAMES = {
    "loss": "train_loss",
    "token_accuracy": "train_token_accuracy",
    "token_loss": "train_token_loss",
}


def history_metrics(history: Mapping[str, Sequence[float]]) -> dict:
    """Per-epoch Keras history as ``MlflowMetricsHistoryDataset`` data (step=epoch)."""
    return {
        KERAS_NAMES.get(key, key): [
            {"value": float(v), "step": i} for i, v in enumerate(values)
        ]
        for key, values in history.items()
    }


def scalar_metrics(values: Mapping[str, float], step: int = 0) -> dict:
    """Single values as ``MlflowMetricsHistoryDataset`` data."""
    return {key: {"value": float(value), "step": step} for key, value in values.items()}


def track_training(train_history: Mapping[str, Sequence[float]]) -> dict:
    """Node: a training history as MLflow metric histories (``train_loss``, ...)."""
    return history_metrics(train_history)


def training_report_nodes(
    plot_training: Callable, track: Callable = track_training
) -> list[Node]:
    """The nodes every training pipeline follows ``train_history`` with: its metric
    histories for MLflow (``train_metrics``) and its curves (``training_curves_plot``).
    """
    return [
        Node(track, "train_history", "train_metrics", name="track_training_node"),
        Node(
            plot_training,
            "train_history",
            "training_curves_plot",
            name="plot_training_node",
        ),
    ]
