"""Parameter groups of the seq2seq pipeline (validated by ``pipelines.options``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from rnn_pipeline.chat import ResponderConfig
from rnn_pipeline.pipelines.fit_options import BatchSize, FitParameters, Verbosity
from rnn_pipeline.pipelines.options import Groups, Options, parse
from rnn_pipeline.pipelines.sampler_options import SamplerChoice
from rnn_pipeline.text.buckets import validate_buckets, validate_percentiles
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.training.matcher_fit import MatcherFitOptions


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
    # pair: pairs drawn at random; conversation: all pairs of a conversation on one
    # side (consecutive pairs share an utterance, so a random split puts test
    # replies among the training prompts). Needs a corpus with conversations (.conv).
    by: Literal["pair", "conversation"] = "pair"


class VocabOptions(Options):
    min_count: int = Field(1, ge=1)
    max_size: int | None = Field(None, gt=4)
    shared: bool = True


class BucketOptions(Options):
    # (source, target) sizes, or "auto": the choose_buckets node puts one bucket at
    # each of `percentiles` of the training split's token lengths, rounded up to
    # `round_to`, and sets `reply_length` to the last bucket's target size.
    buckets: list[tuple[int, int]] | Literal["auto"] = [
        (10, 15),
        (20, 25),
        (40, 50),
        (80, 100),
    ]
    percentiles: list[float] = [50, 80, 95, 99]
    round_to: int = Field(5, ge=1)
    # The longest reply decoding writes (EOS included); None:
    # evaluation_options.max_reply_length.
    reply_length: int | None = Field(None, ge=1)

    @field_validator("buckets")
    @classmethod
    def _buckets_grow(
        cls, value: list[tuple[int, int]] | Literal["auto"]
    ) -> list[tuple[int, int]] | Literal["auto"]:
        return value if value == "auto" else validate_buckets(value)

    @field_validator("percentiles")
    @classmethod
    def _percentiles_grow(cls, value: list[float]) -> list[float]:
        return validate_percentiles(value)

    @property
    def auto(self) -> bool:
        """Whether the buckets are still to be chosen from the corpus."""
        return self.buckets == "auto"

    @property
    def max_source_len(self) -> int:
        return self._chosen()[-1][0]

    @property
    def max_target_len(self) -> int:
        return self._chosen()[-1][1]

    def max_reply_length(self, evaluation: EvaluationOptions) -> int:
        """The longest reply decoding writes: ``reply_length`` where the buckets set
        it, else the evaluation's ``max_reply_length``."""
        return self.reply_length or evaluation.max_reply_length

    def _chosen(self) -> list[tuple[int, int]]:
        if self.buckets == "auto":
            raise ValueError(
                "bucket_options.buckets is 'auto': the sizes are chosen from the "
                "training split by the choose_buckets node (its bucket_choice), "
                "not known from the parameters"
            )
        return self.buckets


class ModelOptions(Options):
    embedding_dim: int = Field(128, ge=1)
    units: int = Field(256, ge=1)
    num_layers: int = Field(3, ge=1)
    cell_type: Literal["lstm", "gru", "simple_rnn"] = "lstm"
    attention: Literal["bahdanau", "luong", "none"] = "luong"
    dropout: float = Field(0.2, ge=0, lt=1)
    embedding_dropout: float = Field(0.0, ge=0, lt=1)
    tie_embeddings: bool = False
    # Above 0: a dual encoder learns which reply fits which prompt beside the decoder
    # (in-batch negatives, ``models.ReplyMatcher``), its loss weighted by this.
    matching_weight: float = Field(0.0, ge=0)
    # The matcher also reads the prompt's characters with the reply's bag network,
    # so shared characters match from the start (prompts and replies in one
    # vocabulary: vocab_options.shared).
    matching_prompt_bag: bool = False
    # joint: the matcher's loss is added to the network's (it reads the encoder);
    # separate: it reads the prompt's characters alone (needs matching_prompt_bag)
    # and is fitted on its own after the network, stopped early on the validation
    # pairs (training_options.matcher_*); both: a joint matcher trains the encoder
    # and a separate one (layer ``ranker``), fitted after, scores replies.
    matching_fit: Literal["joint", "separate", "both"] = "joint"
    matching_dropout: float = Field(0.0, ge=0, lt=1)

    @model_validator(mode="after")
    def _bag_needs_a_matcher(self) -> ModelOptions:
        if self.matching_prompt_bag and not self.matching_weight:
            raise ValueError(
                "matching_prompt_bag expects matching_weight > 0 (a reply matcher "
                f"to read the prompt's characters), got {self.matching_weight}"
            )
        if self.matching_fit != "joint" and not self.matching_prompt_bag:
            raise ValueError(
                f"matching_fit: {self.matching_fit} expects matching_prompt_bag: "
                "true (a separate matcher reads the prompt by its characters), got "
                "false"
            )
        return self


class TrainingOptions(FitParameters):
    batch_size: BatchSize = 64
    validation_fraction: float = Field(0.1, gt=0, lt=1)
    length_pool: int = Field(400, ge=0)
    # Only seq2seq has sharded data for the multi-worker loop.
    distribute: Literal["none", "mirrored", "multi_worker"] = "none"
    verbose: Verbosity = "auto"
    # A separate reply matcher (model_options.matching_fit) is fitted after the
    # network: at most matcher_epochs, ended after matcher_patience epochs without
    # a lower validation loss (the best epoch's weights kept), or by its own time
    # budget (None: none), at this constant learning rate, matcher_batch_size pairs
    # a batch (None: the network's batch_size).
    matcher_epochs: int = Field(MatcherFitOptions.epochs, ge=1)
    matcher_patience: int = Field(MatcherFitOptions.patience, ge=1)
    matcher_minutes: float | None = Field(MatcherFitOptions.minutes, gt=0)
    matcher_learning_rate: float = Field(MatcherFitOptions.learning_rate, gt=0)
    matcher_batch_size: BatchSize | None = None

    def matcher_fit_options(self) -> MatcherFitOptions:
        """What ``fit_separate_matcher`` reads."""
        return MatcherFitOptions(
            epochs=self.matcher_epochs,
            patience=self.matcher_patience,
            minutes=self.matcher_minutes,
            learning_rate=self.matcher_learning_rate,
            batch_size=self.matcher_batch_size or self.batch_size,
        )


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
    # decoded replies read (fluency perplexity); 2 or more, as it also says which
    # characters ever stand side by side (unseen pairs).
    fluency_order: int = Field(4, ge=2, le=5)
    prompts: list[str] = []
    bleu_tokenize: str = "auto"  # zh for Chinese references, 13a otherwise
    attention_examples: int = Field(4, ge=0)


def reply_length(
    evaluation_options: EvaluationOptions, bucket_choice: BucketOptions | None
) -> int:
    """The longest reply to decode: the buckets' where they set one (``auto``),
    else ``evaluation_options.max_reply_length``."""
    if bucket_choice is None:
        return evaluation_options.max_reply_length
    return bucket_choice.max_reply_length(evaluation_options)


def responder_config(params: Mapping[str, Any]) -> ResponderConfig:
    """How a model trained with a namespace's ``params`` answers prompts: its
    cleaning rules, the largest bucket's source as the longest prompt, and the
    evaluation's decoding settings (the reply length from the buckets where they
    set it). ``bucket_options`` must be chosen buckets, not ``auto``."""
    evaluation = parse(EvaluationOptions, params.get("evaluation_options"))
    buckets = parse(BucketOptions, params.get("bucket_options"))
    return ResponderConfig(
        rules=parse(CleaningOptions, params.get("cleaning_options")).rules(),
        max_source_length=buckets.max_source_len,
        max_reply_length=buckets.max_reply_length(evaluation),
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
    "reply_length",
    "responder_config",
]
