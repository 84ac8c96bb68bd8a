"""Training parameter groups: the fields every pipeline's fit reads, validated once.

``FitParameters`` declares the optimisation fields (``fit_with_resume``'s), the seed,
the checkpoint folder, the devices and precision and the progress output: what
``training.trainer.Trainer`` reads. Each pipeline's ``TrainingOptions``
extends it and changes defaults through the constrained types below, so a rule such
as ``epochs >= 1`` is written once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from rnn_pipeline.pipelines.options import Options

if TYPE_CHECKING:  # training.fit imports Keras; validating options needs none of it
    from rnn_pipeline.training.fit import FitOptions
    from rnn_pipeline.training.trainer import Trainer, TrainerOptions

Epochs = Annotated[int, Field(ge=1)]
BatchSize = Annotated[int, Field(ge=1)]
Patience = Annotated[int, Field(ge=0)]
Verbosity = Literal["auto", 0, 1, 2]

# Options a resumed run may change: how long it trains and what it prints.
NOT_IN_RUN_KEY = {"epochs", "verbose", "time_budget_minutes", "progress_seconds"}


class FitParameters(Options):
    """How a model is fitted (``fit_with_resume``) and where it checkpoints."""

    epochs: Epochs = 10
    learning_rate: float = Field(1e-3, gt=0)
    clipnorm: float = Field(5.0, gt=0)
    lr_decay_factor: float = Field(0.5, gt=0, lt=1)
    lr_patience: Patience = 1
    min_learning_rate: float = Field(1e-5, ge=0)
    seed: int = 42
    checkpoint_dir: str = "data/06_models/checkpoints"
    verbose: Verbosity = 2
    time_budget_minutes: float | None = Field(None, gt=0)
    progress_seconds: float | None = Field(60.0, gt=0)
    distribute: Literal["none", "mirrored"] = "none"
    precision: Literal["float32", "mixed_float16", "mixed_bfloat16", "auto"] = "float32"
    lr_schedule: Literal["plateau", "linear"] = "plateau"
    warmup_steps: Annotated[int, Field(ge=0)] = 0
    restore_best: bool = False

    def fit_options(self) -> FitOptions:
        """The subset ``fit_with_resume`` reads."""
        from rnn_pipeline.training.fit import FitOptions

        return FitOptions.from_mapping(self.model_dump())

    def trainer_options(self) -> TrainerOptions:
        """What ``Trainer`` reads; the checkpoint key leaves out what a resumed run
        may change (epochs, budget, output, the devices it runs on)."""
        from rnn_pipeline.training.trainer import TrainerOptions

        return TrainerOptions(
            fit=self.fit_options(),
            seed=self.seed,
            checkpoint_dir=self.checkpoint_dir,
            distribute=self.distribute,
            precision=self.precision,
            key=self.model_dump(exclude=NOT_IN_RUN_KEY | {"distribute"}),
        )

    def trainer(self) -> Trainer:
        """A ``Trainer`` with these options (its strategy is made now)."""
        from rnn_pipeline.training.trainer import Trainer

        return Trainer(self.trainer_options())


class TrainingOptions(FitParameters):
    """The textbook pipelines' training group."""

    batch_size: BatchSize = 32
    lr_patience: Patience = 3
