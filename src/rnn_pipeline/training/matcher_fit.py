"""Fitting a separate reply matcher on its own, after the network it serves.

A ``ReplyMatcher`` built with ``separate=True`` shares no weight with the seq2seq
network: it reads prompt and reply by their characters. Fitted beside the network it
would train as long as the network does, and it over-fits far sooner (a bag of
characters learns the training pairs by heart in minutes). Here it gets its own fit:
in-batch negatives on the training pairs, stopped when the validation pairs' loss has
not fallen for a few epochs, the best epoch's weights kept, then copied into the
network's ranking matcher (``matcher``, or ``ranker`` beside a joint one). It runs
through the same ``Trainer`` as every model.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from rnn_pipeline.training.options import FitOptions

if TYPE_CHECKING:
    import keras

    from rnn_pipeline.training.trainer import TrainerOptions


@dataclasses.dataclass(frozen=True)
class MatcherFitOptions:
    """How a separate matcher is fitted.

    Attributes:
        epochs: At most this many passes over the training pairs.
        patience: Training ends after this many epochs in a row without a lower
            validation loss; the best epoch's weights are kept.
        minutes: Its own time budget; None: none.
        learning_rate: Adam's (constant) learning rate.
        batch_size: Pairs per batch: each prompt's reply is told from the
            batch's other replies.
    """

    epochs: int = 100
    patience: int = 3
    minutes: float | None = 3.0
    learning_rate: float = 3e-3
    batch_size: int = 64


def fit_separate_matcher(
    network: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    trainer_options: TrainerOptions,
    options: MatcherFitOptions,
    key_data: tuple = (),
) -> dict[str, list[float]]:
    """Fit ``network``'s separate ``matcher`` layer on ``(prompt ids, reply ids)``
    and put the best epoch's weights into it.

    Args:
        network: A ``Seq2Seq`` whose ranking matcher is ``separate``
            (``matching_fit`` ``separate`` or ``both``).
        train: Padded prompt and reply ids of the training pairs.
        validation: The same of the validation pairs (they stop the fit).
        trainer_options: The network's trainer options (seed, precision,
            checkpoints); their fit settings are replaced by ``options``.
        options: Epochs, patience, budget, learning rate and batch size.
        key_data: What names the fit's checkpoint besides the options.

    Returns:
        The fit's per-epoch history (``loss``, ``val_loss``, ...).

    Raises:
        ValueError: If the network has no separate matcher, or there are fewer
            than two validation pairs.
    """
    layer = _separate_matcher(network)
    fitted, history = fit_matcher(
        layer.get_config(), train, validation, trainer_options, options, key_data
    )
    layer.set_weights(fitted.matcher.get_weights())  # one architecture: one order
    return history


def fit_matcher(
    config: dict,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    trainer_options: TrainerOptions,
    options: MatcherFitOptions,
    key_data: tuple = (),
) -> tuple[keras.Model, dict[str, list[float]]]:
    """Fit a separate ``ReplyMatcher`` of ``config`` (its ``get_config``) on its
    own: the fitted ``MatcherFit`` (its ``matcher``) and the per-epoch history.
    Arguments as ``fit_separate_matcher``'s.

    Raises:
        ValueError: If there are fewer than two validation pairs.
    """
    from rnn_pipeline.models.reply_matcher import MatcherFit, in_batch_loss
    from rnn_pipeline.training.arrays import make_array_dataset
    from rnn_pipeline.training.trainer import Trainer

    if len(validation[0]) < 2:
        raise ValueError(
            "expected at least 2 validation pairs to stop the matcher's fit, got "
            f"{len(validation[0])}"
        )
    fit = FitOptions(
        epochs=options.epochs,
        learning_rate=options.learning_rate,
        verbose=trainer_options.fit.verbose,
        time_budget_minutes=options.minutes,
        progress_seconds=trainer_options.fit.progress_seconds,
        lr_schedule="plateau",
        lr_decay_factor=0.5,
        lr_patience=options.patience + 1,  # stopping comes first: no decay
        restore_best=True,
        early_stopping_patience=options.patience,
    )
    trainer = Trainer(
        dataclasses.replace(
            trainer_options,
            fit=fit,
            key={"matcher": dataclasses.asdict(options)},
        )
    )

    def build() -> keras.Model:
        model = MatcherFit(config, name="matcher_fit")
        model((train[0][:2], train[1][:2]))
        return model

    seed = trainer_options.seed
    return trainer.fit(
        build,
        make_array_dataset(
            train, np.zeros(len(train[0])), options.batch_size, True, seed
        ),
        make_array_dataset(
            validation, np.zeros(len(validation[0])), options.batch_size
        ),
        key_data=("matcher", config, *key_data, *train),
        loss=in_batch_loss,
        metrics=[],
    )


def _separate_matcher(network: keras.Model):
    matcher = network.ranking_matcher
    if matcher is None or not matcher.separate:
        raise ValueError(
            "expected a Seq2Seq with a separate reply matcher "
            "(model_options.matching_fit: separate or both), got "
            + ("none" if matcher is None else "a jointly trained one")
        )
    return matcher
