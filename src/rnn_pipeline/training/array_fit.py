"""Training a textbook model with the ``Trainer``: the steps its train nodes share.

Each textbook model (the sequence classifier, the time-series regressor, skip-gram)
is built on one example before training, because Keras makes a subclassed model's
weights on its first call and ``BackupAndRestore`` needs them before ``fit``; the
two trained on in-memory arrays batch them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras

    from rnn_pipeline.training.trainer import Trainer


def built_on(
    make_model: Callable[[], keras.Model], example: Any
) -> Callable[[], keras.Model]:
    """A model builder for ``Trainer.fit`` that also calls the model on ``example``.

    Args:
        make_model: Makes the (unbuilt) model.
        example: A batch of inputs of the shape training feeds it (one example is
            enough).

    Returns:
        A function that makes the model and builds its weights.
    """

    def build() -> keras.Model:
        model = make_model()
        model(example)
        return model

    return build


def fit_arrays(
    trainer: Trainer,
    make_model: Callable[[], keras.Model],
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    batch_size: int,
    seed: int,
    key_data: Sequence[Any] = (),
    loss: keras.losses.Loss | str | None = None,
    metrics: list | None = None,
) -> tuple[keras.Model, dict[str, list[float]]]:
    """Train a model on ``(inputs, targets)`` arrays, resuming from a checkpoint.

    Training batches are reshuffled every epoch (from ``seed``), validation batches
    keep their order; the model is built on the first training example.

    Args:
        trainer: The trainer (made before any TensorFlow work: it makes the
            distribution strategy).
        make_model: Makes the model, under the trainer's strategy scope.
        train: Training inputs and targets.
        validation: Validation inputs and targets (they drive learning-rate decay).
        batch_size: Examples per batch.
        seed: Seed of the shuffling.
        key_data: What names the checkpoint with the options (``Trainer.fit``).
        loss: The loss.
        metrics: Metrics besides the loss.

    Returns:
        The trained model (float32) and its per-epoch history.

    Raises:
        ValueError: If inputs and targets differ in length or are empty.
    """
    from rnn_pipeline.training.arrays import make_array_dataset

    x, y = train
    return trainer.fit(
        built_on(make_model, x[:1]),
        make_array_dataset(x, y, batch_size, shuffle=True, seed=seed),
        make_array_dataset(*validation, batch_size),
        key_data=key_data,
        loss=loss,
        metrics=metrics,
    )
