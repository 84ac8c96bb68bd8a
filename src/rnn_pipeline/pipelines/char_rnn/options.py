"""Parameter groups of the char-RNN pipeline (validated by ``pipelines.options``)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from rnn_pipeline.pipelines.fit_options import Epochs, FitParameters, Patience
from rnn_pipeline.pipelines.options import Groups, Options
from rnn_pipeline.pipelines.sampler_options import SamplerChoice


class CleaningOptions(Options):
    strip_trailing_spaces: bool = True
    drop_blank_lines: bool = False
    min_line_chars: int = Field(0, ge=0)
    max_line_chars: int | None = Field(None, ge=1)
    max_chars: int | None = Field(None, ge=2)


class SplitOptions(Options):
    validation_fraction: float = Field(0.1, gt=0, lt=1)
    block_chars: int = Field(20_000, ge=1)


class VocabOptions(Options):
    max_chars: int | None = Field(3500, ge=1)  # the N most frequent characters
    min_count: int = Field(1, ge=1)


class WindowOptions(Options):
    sequence_length: int = Field(50, ge=1)
    batch_size: int = Field(32, ge=1)
    seed: int = 42


class ModelOptions(Options):
    cell_type: Literal["lstm", "gru"] = "lstm"
    use_embedding: bool = True
    embedding_dim: int = Field(128, ge=1)
    units: int = Field(128, ge=1)
    num_layers: int = Field(2, ge=1)
    dropout: float = Field(0.5, ge=0, lt=1)


class TrainingOptions(FitParameters):
    epochs: Epochs = 5
    lr_patience: Patience = 2
    checkpoint_dir: str = "data/06_models/checkpoints/char_rnn"


class SamplingOptions(SamplerChoice):
    # Beam search needs a model that scores whole prefixes: not a char-RNN's.
    samplers: ClassVar[tuple[str, ...]] = ("greedy", "temperature", "top_k", "top_p")

    sampler: str = "top_k"
    sampler_options: dict[str, Any] = Field(default_factory=lambda: {"k": 5})
    start_strings: list[str] = Field(default_factory=lambda: ["\n"], min_length=1)
    length: int = Field(200, ge=1)


GROUPS: Groups = {
    "cleaning_options": CleaningOptions,
    "split_options": SplitOptions,
    "vocab_options": VocabOptions,
    "window_options": WindowOptions,
    "model_options": ModelOptions,
    "training_options": TrainingOptions,
    "sampling_options": SamplingOptions,
}

__all__ = [
    "GROUPS",
    "CleaningOptions",
    "ModelOptions",
    "SamplingOptions",
    "SplitOptions",
    "TrainingOptions",
    "VocabOptions",
    "WindowOptions",
]
