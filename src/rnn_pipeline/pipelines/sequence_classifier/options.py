"""Parameter groups of the sequence classifier (validated by ``pipelines.options``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rnn_pipeline.pipelines.fit_options import TrainingOptions
from rnn_pipeline.pipelines.options import Groups, Options


class SplitOptions(Options):
    test_fraction: float = Field(0.2, gt=0, lt=1)
    seed: int = 42


class ModelOptions(Options):
    units: int = Field(150, ge=1)
    num_layers: int = Field(1, ge=1)
    cell_type: Literal["simple_rnn", "lstm", "gru"] = "simple_rnn"
    dropout: float = Field(0.0, ge=0, lt=1)


class ClassifierTrainingOptions(TrainingOptions):
    validation_fraction: float = Field(0.1, gt=0, lt=1)


GROUPS: Groups = {
    "split_options": SplitOptions,
    "model_options": ModelOptions,
    "training_options": ClassifierTrainingOptions,
}

__all__ = [
    "GROUPS",
    "ClassifierTrainingOptions",
    "ModelOptions",
    "SplitOptions",
]
