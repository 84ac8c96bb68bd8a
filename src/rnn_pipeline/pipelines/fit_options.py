"""The training parameter group shared by the textbook pipelines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rnn_pipeline.pipelines.options import Options
from rnn_pipeline.training.fit import FitOptions


class TrainingOptions(Options):
    """How a textbook model is fitted (``fit_with_resume``) and where it checkpoints."""

    epochs: int = Field(10, ge=1)
    batch_size: int = Field(32, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    clipnorm: float = Field(5.0, gt=0)
    lr_decay_factor: float = Field(0.5, gt=0, lt=1)
    lr_patience: int = Field(3, ge=0)
    min_learning_rate: float = Field(1e-5, ge=0)
    seed: int = 42
    checkpoint_dir: str = "data/06_models/checkpoints"
    verbose: Literal["auto", 0, 1, 2] = 2

    def fit_options(self) -> FitOptions:
        """The subset ``fit_with_resume`` reads."""
        return FitOptions.from_mapping(self.model_dump())

    def run_key(self, *parts) -> str:
        """Checkpoint sub-folder: options (not epochs or verbosity) and the data."""
        from rnn_pipeline.training.fit import fingerprint

        return fingerprint(self.model_dump(exclude={"epochs", "verbose"}), *parts)
