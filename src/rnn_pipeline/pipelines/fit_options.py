"""Training parameter groups: the fields every pipeline's fit reads, validated once.

``FitParameters`` validates the library's ``FitOptions`` (their fields, defaults and
rules are read from the dataclass, not listed again here) together with the seed,
the checkpoint folder, the devices and precision: what
``training.trainer.Trainer`` reads. Each pipeline's ``TrainingOptions`` extends it
and changes defaults through the constrained types below, so a rule such as
``epochs >= 1`` is written once.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, create_model

from rnn_pipeline.pipelines.options import Options
from rnn_pipeline.training.options import Epochs, FitOptions, Patience, Verbosity

if TYPE_CHECKING:  # the trainer imports Keras; validating options needs none of it
    from rnn_pipeline.training.trainer import Trainer, TrainerOptions

__all__ = ["BatchSize", "Epochs", "FitParameters", "Patience", "Verbosity"]

BatchSize = Annotated[int, Field(ge=1)]

# Options a resumed run may change: how long it trains and what it prints.
NOT_IN_RUN_KEY = {"epochs", "verbose", "time_budget_minutes", "progress_seconds"}


def dataclass_fields(options_type: type) -> dict[str, tuple[Any, Any]]:
    """Pydantic field definitions of a dataclass: its annotated types (with their
    constraints) and its defaults, for ``pydantic.create_model``."""
    types = typing.get_type_hints(options_type, include_extras=True)
    return {
        field.name: (types[field.name], field.default)
        for field in dataclasses.fields(options_type)
    }


_FitOptionsModel = create_model(
    "_FitOptionsModel", __base__=Options, **dataclass_fields(FitOptions)
)


class FitParameters(_FitOptionsModel):
    """How a model is fitted (``FitOptions``) and where it checkpoints."""

    seed: int = 42
    checkpoint_dir: str = "data/06_models/checkpoints"
    # A line per epoch: a Kedro run's log is read after the fact, not watched.
    verbose: Verbosity = 2
    distribute: Literal["none", "mirrored"] = "none"
    precision: Literal["float32", "mixed_float16", "mixed_bfloat16", "auto"] = "float32"

    def fit_options(self) -> FitOptions:
        """The subset ``fit_with_resume`` reads."""
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
