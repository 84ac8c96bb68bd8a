"""One trainer for every model: the steps every pipeline's training shares.

``Trainer`` makes the distribution strategy, seeds, builds the model under the
strategy scope and precision policy, compiles it, names its checkpoint folder after
the options and data, trains it with the one loop (``fit_with_resume``; under
``multi_worker`` with the token train step of ``multi_worker``), and returns a
float32 model. A train node only
hands it a model builder and its data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras

from rnn_pipeline.backend import describe_devices
from rnn_pipeline.training.fit import (
    FitOptions,
    compile_model,
    fingerprint,
    fit_with_resume,
)
from rnn_pipeline.training.precision import dtype_policy, float32_copy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainerOptions:
    """Where and how a model trains, beyond the optimisation itself.

    Attributes:
        fit: Epochs, optimiser, decay, time budget and progress (``FitOptions``).
        seed: Seeds Python, numpy and the backend before the model is built.
        checkpoint_dir: Parent of the per-run checkpoint folders.
        distribute: ``none``, ``mirrored`` or ``multi_worker``
            (``training.distribute``).
        precision: ``float32``, ``mixed_float16``, ``mixed_bfloat16`` or ``auto``
            (bfloat16 on AMX CPUs, see ``precision.resolve_precision``).
        key: The options that name the checkpoint folder (with the data): a run
            resumes only from a backup made with the same ones.
    """

    fit: FitOptions = field(default_factory=FitOptions)
    seed: int = 42
    checkpoint_dir: str | Path = "data/06_models/checkpoints"
    distribute: str = "none"
    precision: str = "float32"
    key: Mapping[str, Any] = field(default_factory=dict)


class Trainer:
    """Seed, strategy, precision, compile, checkpoint key, resume, loop choice.

    The strategy is made when the trainer is, so create it before any TensorFlow
    work of the node (``multi_worker`` must exist before TensorFlow runs anything).

    Args:
        options: The trainer's options.
    """

    def __init__(self, options: TrainerOptions) -> None:
        # tf.distribute is imported here: modules that import this one also run
        # where TensorFlow is not installed (data preparation on JAX or PyTorch).
        from rnn_pipeline.training.distribute import make_strategy

        self.options = options
        self.strategy = make_strategy(options.distribute)
        keras.utils.set_random_seed(options.seed)

    def checkpoint_dir(self, *data: Any) -> Path:
        """This run's checkpoint folder: named by the key options and ``data``."""
        return Path(self.options.checkpoint_dir) / fingerprint(
            dict(self.options.key), *data
        )

    def fit(
        self,
        build_model: Callable[[], keras.Model],
        train: Any,
        validation: Any = None,
        key_data: Sequence[Any] = (),
        loss: keras.losses.Loss | str | None = None,
        metrics: list | None = None,
        sharded: tuple[Any, Any] | None = None,
        batch_size: int | None = None,
    ) -> tuple[keras.Model, dict[str, list[float]]]:
        """Build, compile and train a model, resuming from a checkpoint if any.

        Args:
            build_model: Makes the model (and builds its weights: ``BackupAndRestore``
                needs them before ``fit``); called under the strategy scope and the
                precision policy.
            train: Training data for Keras ``fit``.
            validation: Validation data for the learning-rate decay, or None.
            key_data: What names the checkpoint with the options: the data, the
                vocabulary, the model options.
            loss: The loss; None: the masked token cross-entropy (with token
                accuracy and the token-weighted loss as metrics).
            metrics: Metrics with ``loss`` (None: the token metrics, or none).
            sharded: ``(train, validation)`` as ``ShardedData``, needed for
                ``distribute: multi_worker``.
            batch_size: The global batch of the multi-worker loop.

        Returns:
            The trained model in float32 and its per-epoch history.

        Raises:
            ValueError: For ``multi_worker`` without sharded data.
        """
        from rnn_pipeline.training.distribute import is_multi_worker

        multi_worker = is_multi_worker(self.strategy)
        if multi_worker and (sharded is None or batch_size is None):
            raise ValueError(
                "distribute: multi_worker needs sharded data and a batch size; "
                "this pipeline supports none or mirrored"
            )
        options = self.options
        keras.utils.set_random_seed(options.seed)
        logger.info("Training on %s", describe_devices())
        with self.strategy.scope(), dtype_policy(options.precision):
            model = build_model()
            compile_model(model, options.fit, loss, metrics)
        checkpoint_dir = self.checkpoint_dir(*key_data)
        if multi_worker:
            from rnn_pipeline.training.multi_worker import fit_multi_worker

            history = fit_multi_worker(
                model, *sharded, batch_size, options.fit, checkpoint_dir, self.strategy
            )
        else:
            history = fit_with_resume(
                model, train, validation, options.fit, checkpoint_dir
            )
        return float32_copy(model), history
