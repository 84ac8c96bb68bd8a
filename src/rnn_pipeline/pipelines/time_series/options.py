"""Parameter groups of the time-series pipeline (validated by ``pipelines.options``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from rnn_pipeline.pipelines.fit_options import TrainingOptions
from rnn_pipeline.pipelines.options import Groups, Options


class DataOptions(Options):
    t_min: float = 0.0
    t_max: float = 30.0
    resolution: float = Field(0.1, gt=0)
    steps: int = Field(20, ge=1)
    train_windows: int = Field(5000, ge=1)
    validation_windows: int = Field(500, ge=1)
    test_windows: int = Field(1000, ge=1)
    instance_start: float = 12.2  # the chapter's test instance
    seed: int = 42

    @model_validator(mode="after")
    def _windows_fit(self) -> DataOptions:
        if self.t_max - self.t_min <= self.steps * self.resolution:
            raise ValueError(
                f"a window of {self.steps} steps of {self.resolution} must fit in "
                f"[t_min, t_max), got [{self.t_min}, {self.t_max})"
            )
        return self


class ModelOptions(Options):
    units: int = Field(100, ge=1)
    num_layers: int = Field(1, ge=1)
    cell_type: Literal["simple_rnn", "lstm", "gru"] = "simple_rnn"
    dropout: float = Field(0.0, ge=0, lt=1)


class GenerationOptions(Options):
    length: int = Field(300, ge=1)
    seeds: list[Literal["zeros", "series"]] = ["zeros", "series"]
    series_seed_start: float = 10.0


GROUPS: Groups = {
    "data_options": DataOptions,
    "model_options": ModelOptions,
    "training_options": TrainingOptions,
    "generation_options": GenerationOptions,
}

__all__ = [
    "GROUPS",
    "DataOptions",
    "GenerationOptions",
    "ModelOptions",
    "TrainingOptions",
]
