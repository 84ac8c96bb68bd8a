"""Parameter groups of the seq2seq pipeline (validated by ``pipelines.options``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from rnn_pipeline.chat import ResponderConfig
from rnn_pipeline.pipelines.fit_options import BatchSize, FitParameters, Verbosity
from rnn_pipeline.pipelines.options import Groups, Options, parse
from rnn_pipeline.pipelines.sampler_options import SamplerChoice
from rnn_pipeline.text.buckets import validate_buckets
from rnn_pipeline.text.cleaning import CleaningRules


class CleaningOptions(Options):
    fullwidth_punctuation: bool = True
    space_to_comma: bool = True
    chinese_only: bool = True
    latin_words: bool = False
    min_chars: int = Field(2, ge=1)
    dedupe: bool = True

    def rules(self, pairing: str = "consecutive") -> CleaningRules:
        """The library's cleaning rules (``pairing`` from the chatbot's own group)."""
        return CleaningRules(**self.model_dump(), pairing=pairing)


class SplitOptions(Options):
    test_fraction: float = Field(0.2, gt=0, lt=1)
    seed: int = 42


class VocabOptions(Options):
    min_count: int = Field(1, ge=1)
    max_size: int | None = Field(None, gt=4)
    shared: bool = True


class BucketOptions(Options):
    buckets: list[tuple[int, int]] = [(10, 15), (20, 25), (40, 50), (80, 100)]

    @field_validator("buckets")
    @classmethod
    def _buckets_grow(cls, value: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return validate_buckets(value)

    @property
    def max_source_len(self) -> int:
        return self.buckets[-1][0]

    @property
    def max_target_len(self) -> int:
        return self.buckets[-1][1]


class ModelOptions(Options):
    embedding_dim: int = Field(128, ge=1)
    units: int = Field(256, ge=1)
    num_layers: int = Field(3, ge=1)
    cell_type: Literal["lstm", "gru", "simple_rnn"] = "lstm"
    attention: Literal["bahdanau", "luong", "none"] = "luong"
    dropout: float = Field(0.2, ge=0, lt=1)
    embedding_dropout: float = Field(0.0, ge=0, lt=1)
    tie_embeddings: bool = False


class TrainingOptions(FitParameters):
    batch_size: BatchSize = 64
    validation_fraction: float = Field(0.1, gt=0, lt=1)
    length_pool: int = Field(400, ge=0)
    # Only seq2seq has sharded data for the multi-worker loop.
    distribute: Literal["none", "mirrored", "multi_worker"] = "none"
    verbose: Verbosity = "auto"


class EvaluationOptions(SamplerChoice):
    batch_size: int = Field(128, ge=1)
    max_reply_length: int = Field(30, ge=1)
    # Decoded test pairs (BLEU, diversity, fluency): a seeded sample of decode_pairs
    # of the test split (decode_seed), or all of it (None).
    decode_pairs: int | None = Field(None, ge=1)
    decode_seed: int = 0
    # Order of the reply language model: the count baseline MMI decoding divides by.
    language_model_order: int = Field(3, ge=1, le=5)
    # Order of the count model of the replies the network is interpolated with for
    # the interpolated test perplexity (its weight is chosen on the validation pairs).
    interpolation_order: int = Field(4, ge=1, le=5)
    # Relevance: each of up to relevance_pairs test pairs (a seeded sample) has its
    # true reply ranked among relevance_candidates replies of other test pairs.
    relevance_pairs: int = Field(1000, ge=0)
    relevance_candidates: int = Field(10, ge=2)
    relevance_seed: int = 0
    # Order of the character model of the training utterances that scores how the
    # decoded replies read (fluency perplexity).
    fluency_order: int = Field(4, ge=1, le=5)
    prompts: list[str] = []
    bleu_tokenize: str = "auto"  # zh for Chinese references, 13a otherwise
    attention_examples: int = Field(4, ge=0)


def responder_config(params: Mapping[str, Any]) -> ResponderConfig:
    """How a model trained with a namespace's ``params`` answers prompts: its
    cleaning rules, the largest bucket's source as the longest prompt, and the
    evaluation's decoding settings."""
    evaluation = parse(EvaluationOptions, params.get("evaluation_options"))
    return ResponderConfig(
        rules=parse(CleaningOptions, params.get("cleaning_options")).rules(),
        max_source_length=parse(
            BucketOptions, params.get("bucket_options")
        ).max_source_len,
        max_reply_length=evaluation.max_reply_length,
        sampler=evaluation.sampler,
        sampler_options=dict(evaluation.sampler_options),
    )


GROUPS: Groups = {
    "cleaning_options": CleaningOptions,
    "split_options": SplitOptions,
    "vocab_options": VocabOptions,
    "bucket_options": BucketOptions,
    "model_options": ModelOptions,
    "training_options": TrainingOptions,
    "evaluation_options": EvaluationOptions,
}

__all__ = [
    "GROUPS",
    "BucketOptions",
    "CleaningOptions",
    "EvaluationOptions",
    "ModelOptions",
    "Options",
    "SplitOptions",
    "TrainingOptions",
    "VocabOptions",
    "parse",
    "responder_config",
]
