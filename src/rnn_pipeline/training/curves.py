"""The training-curves figure every training pipeline draws from its history.

matplotlib is imported when a figure is drawn, not when a pipeline that will draw
one is loaded: loading the pipelines (every ``kedro run``) should not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rnn_pipeline.hints import Figure

History = Mapping[str, Sequence[float]]


def training_curves(title: str) -> Callable[[History], Figure]:
    """A function drawing a per-epoch history (``plotting.plot_history``) as
    ``title``: one pipeline's ``plot_training`` node.

    Args:
        title: The figure's title (which model, which loss).

    Returns:
        ``plot_training(train_history) -> Figure``.
    """

    def plot_training(train_history: History) -> Figure:
        from rnn_pipeline.plotting import plot_history

        return plot_history(train_history, title=title)

    plot_training.__doc__ = f"Loss and metric curves per epoch: {title!r}."
    return plot_training
