"""Parameter groups of the embeddings pipeline (validated by ``pipelines.options``)."""

from __future__ import annotations

from pydantic import Field

from rnn_pipeline.pipelines.fit_options import TrainingOptions
from rnn_pipeline.pipelines.options import Groups, Options


class VocabOptions(Options):
    min_count: int = Field(3, ge=1)
    max_size: int | None = Field(5000, ge=1)


class PairOptions(Options):
    window: int = Field(3, ge=1)
    subsample: float = Field(1e-3, ge=0)  # 0 keeps every word
    seed: int = 42


class ModelOptions(Options):
    embedding_dim: int = Field(100, ge=1)


class SkipGramTrainingOptions(TrainingOptions):
    negatives: int = Field(5, ge=1)


class EvaluationOptions(Options):
    words: list[str] = ["class", "function", "exception", "string", "true", "loop"]
    neighbours: int = Field(8, ge=1)
    map_words: int = Field(300, ge=3)  # the most frequent words on the t-SNE map
    skip_most_frequent: int = Field(0, ge=0)  # leave the commonest words off the map
    perplexity: float = Field(30.0, gt=0)
    seed: int = 42


GROUPS: Groups = {
    "vocab_options": VocabOptions,
    "pair_options": PairOptions,
    "model_options": ModelOptions,
    "training_options": SkipGramTrainingOptions,
    "evaluation_options": EvaluationOptions,
}

__all__ = [
    "GROUPS",
    "EvaluationOptions",
    "ModelOptions",
    "PairOptions",
    "SkipGramTrainingOptions",
    "VocabOptions",
]
