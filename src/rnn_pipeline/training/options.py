"""The fit options, declared once: fields, defaults and the rules they obey.

The rules are ``annotated_types`` constraints in the field types, which the
pipelines' parameter validation (pydantic) reads from here, so a pipeline neither
lists the fields again nor restates ``epochs >= 1``. This module imports no Keras:
validating parameters must not load TensorFlow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Lt

Epochs = Annotated[int, Ge(1)]
Patience = Annotated[int, Ge(0)]
Verbosity = Literal["auto", 0, 1, 2]
PositiveFloat = Annotated[float, Gt(0)]


@dataclass(frozen=True)
class FitOptions:
    """How a model is optimised.

    Attributes:
        epochs: Passes over the training data.
        learning_rate: Initial learning rate of Adam.
        clipnorm: Gradients are clipped to this global norm (the seed's 5).
        lr_decay_factor: Learning rate is multiplied by it when the validation loss
            has not improved for ``lr_patience`` epochs.
        lr_patience: Epochs without improvement before a decay.
        min_learning_rate: Lower bound of the decays.
        verbose: Keras progress output: ``auto``, 0, 1 (bar) or 2 (line per epoch).
        time_budget_minutes: Training stops after the batch during which this much
            wall-clock time (from the start of ``fit``) was spent; None: no budget.
        progress_seconds: A progress line (step, running loss, ETA) is logged this
            often inside an epoch; None: never.
        lr_schedule: ``plateau`` (decay on a validation plateau) or ``linear``
            (warm-up, then linear decay to ``min_learning_rate`` over the time
            budget, or over the epochs when there is none).
        warmup_steps: Steps of linear warm-up at the start (either schedule).
        restore_best: At the end, give back the weights of the epoch with the
            lowest validation loss rather than the last epoch's (a model that
            starts to overfit within its budget keeps its best state).
        early_stopping_patience: Training ends after this many epochs in a row
            without a lower validation loss, and the best epoch's weights are
            given back (as ``restore_best``); None: never. Unlike the time
            budget, this stops where the data says, on a fast CPU or a slow one.
    """

    epochs: Epochs = 10
    learning_rate: PositiveFloat = 1e-3
    clipnorm: PositiveFloat = 5.0
    lr_decay_factor: Annotated[float, Gt(0), Lt(1)] = 0.5
    lr_patience: Patience = 1
    min_learning_rate: Annotated[float, Ge(0)] = 1e-5
    verbose: Verbosity = "auto"
    time_budget_minutes: PositiveFloat | None = None
    progress_seconds: PositiveFloat | None = 60.0
    lr_schedule: Literal["plateau", "linear"] = "plateau"
    warmup_steps: Annotated[int, Ge(0)] = 0
    restore_best: bool = False
    early_stopping_patience: Annotated[int, Ge(1)] | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FitOptions:
        """The entries of ``values`` that are fit options (a pipeline's training
        options also hold batch sizes, seeds and paths)."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})
