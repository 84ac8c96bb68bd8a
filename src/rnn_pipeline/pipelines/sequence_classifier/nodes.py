"""Nodes of the sequence classifier: thin adapters over ``rnn_pipeline`` code."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.digits import frame_to_sequences
from rnn_pipeline.hints import Figure, KerasModel
from rnn_pipeline.pipelines.sequence_classifier.options import (
    ClassifierTrainingOptions,
    ModelOptions,
    SplitOptions,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.text.split import split_frame
from rnn_pipeline.training.curves import training_curves

logger = logging.getLogger(__name__)


def split_digits(
    digits: pd.DataFrame, split_options: SplitOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the images into train and test (``test_fraction``), reproducibly."""
    frame_to_sequences(digits)  # fails early, naming the columns it expected
    train, test = split_frame(digits, split_options.test_fraction, split_options.seed)
    logger.info(
        "Split %d images into %d train / %d test", len(digits), len(train), len(test)
    )
    return train, test


def train_classifier(
    train_digits: pd.DataFrame,
    model_options: ModelOptions,
    training_options: ClassifierTrainingOptions,
) -> tuple[KerasModel, dict]:
    """Train the recurrent classifier on image rows, resuming from a checkpoint.

    ``validation_fraction`` of the training split drives learning-rate decay.

    Returns:
        The trained model and its per-epoch history (``loss``, ``accuracy``, ...).
    """
    import keras

    from rnn_pipeline.models import SequenceClassifier
    from rnn_pipeline.training.array_fit import fit_arrays

    trainer = training_options.trainer()
    train, validation = split_frame(
        train_digits, training_options.validation_fraction, training_options.seed
    )
    (x, y), (x_val, y_val) = frame_to_sequences(train), frame_to_sequences(validation)
    classes, kwargs = int(y.max()) + 1, model_options.model_dump()
    return fit_arrays(
        trainer,
        lambda: SequenceClassifier(classes, name="sequence_classifier", **kwargs),
        (x, y),
        (x_val, y_val),
        training_options.batch_size,
        training_options.seed,
        key_data=(kwargs, x, y),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )


# Loss and accuracy curves per epoch.
plot_training = training_curves("sequence classifier training")


def evaluate_classifier(
    model: KerasModel, test_digits: pd.DataFrame
) -> tuple[dict, dict]:
    """Accuracy, loss and confusion matrix on the test split.

    Returns:
        MLflow metrics (``test_accuracy``, ``test_loss``) and the evaluation report.
    """
    import keras

    x, y = frame_to_sequences(test_digits)
    logits = np.asarray(model.predict(x, verbose=0))
    predicted = logits.argmax(axis=1)
    loss = float(
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits)
    )
    classes = logits.shape[1]
    confusion = np.zeros((classes, classes), dtype=int)
    np.add.at(confusion, (y, predicted), 1)
    accuracy = float((predicted == y).mean())
    logger.info("Test accuracy %.4f, loss %.4f on %d images", accuracy, loss, len(y))
    report = {
        "images": len(y),
        "accuracy": accuracy,
        "loss": loss,
        "per_class_accuracy": (
            confusion.diagonal() / confusion.sum(1).clip(1)
        ).tolist(),
        "confusion_matrix": confusion.tolist(),
    }
    return scalar_metrics({"test_accuracy": accuracy, "test_loss": loss}), report


def plot_confusion(evaluation_report: dict) -> Figure:
    """The test confusion matrix (true rows, predicted columns)."""
    from rnn_pipeline.plotting import plot_confusion_matrix

    matrix = evaluation_report["confusion_matrix"]
    return plot_confusion_matrix(
        matrix,
        [str(i) for i in range(len(matrix))],
        title=f"test accuracy {evaluation_report['accuracy']:.1%}",
    )
