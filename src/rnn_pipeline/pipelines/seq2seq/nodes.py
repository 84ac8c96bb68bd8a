"""Data and training nodes of the seq2seq template: thin adapters over
``rnn_pipeline`` library code. The evaluation's nodes are in ``evaluation_nodes``
(teacher-forced, count models) and ``quality_nodes`` (decoded replies, fluency,
relevance), the answer settings and serving in ``responder_nodes``.

Nodes receive their parameter groups as typed options (``ValidateParametersHook``
validates them when the run starts) and the vocabulary as a ``PairVocabulary``
(``VocabularyDataset``). The data nodes (split, vocabulary, vectorize, bucket,
validation split) need no TensorFlow: it, Keras and matplotlib are imported by the
nodes that train, evaluate or plot, when they run.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.hints import Figure, KerasModel
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    EvaluationOptions,
    ModelOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    reply_length,
)
from rnn_pipeline.text.buckets import assign_buckets, bucket_name, choose_buckets
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.specials import EOS
from rnn_pipeline.text.split import split_frame
from rnn_pipeline.text.vocab import PairVocabulary, build_vocab
from rnn_pipeline.training.batching import (
    frame_to_arrays,
    make_seq2seq_dataset,
    pad_ids,
    sharded_seq2seq_data,
    teacher_forcing_inputs,
)
from rnn_pipeline.training.curves import training_curves

logger = logging.getLogger(__name__)


def split_pairs(
    pairs: pd.DataFrame, split_options: SplitOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split pairs 80/20 (``test_fraction``) into train and test, reproducibly: at
    random, or whole conversations to each side (``by: conversation``).

    Raises:
        CorpusError: If ``by: conversation`` and the pairs do not say which
            conversation they come from (sentence-pair corpora).
    """
    options = split_options
    by_conversation = options.by == "conversation"
    if by_conversation and "conversation" not in pairs.columns:
        raise CorpusError(
            "split_options.by: conversation needs pairs from a corpus of "
            "conversations (.conv); these pairs have none: use by: pair"
        )
    group = "conversation" if by_conversation else None
    train, test = split_frame(pairs, options.test_fraction, options.seed, group)
    logger.info(
        "Split %d pairs into %d train / %d test (by %s)",
        len(pairs),
        len(train),
        len(test),
        options.by,
    )
    return train, test


def build_vocabulary(
    train_pairs: pd.DataFrame, vocab_options: VocabOptions
) -> PairVocabulary:
    """Character vocabulary (or source and target ones) from the training split."""
    options = vocab_options
    if options.shared:
        texts = pd.concat([train_pairs["source"], train_pairs["target"]])
        vocabulary = PairVocabulary(
            build_vocab(texts, options.min_count, options.max_size)
        )
    else:
        vocabulary = PairVocabulary(
            build_vocab(train_pairs["source"], options.min_count, options.max_size),
            build_vocab(train_pairs["target"], options.min_count, options.max_size),
        )
    logger.info(
        "Vocabulary: %d source / %d target tokens (shared=%s)",
        len(vocabulary.source),
        len(vocabulary.target),
        vocabulary.shared,
    )
    return vocabulary


def vectorize_pairs(pairs: pd.DataFrame, vocab: PairVocabulary) -> pd.DataFrame:
    """Token ids of each pair; targets end with EOS. Unknown characters become UNK."""
    source_ids = [vocab.source.encode(text) for text in pairs["source"]]
    target_ids = [vocab.target.encode(text) + [EOS] for text in pairs["target"]]
    return pd.DataFrame({"source_ids": source_ids, "target_ids": target_ids})


def choose_bucket_sizes(
    train_ids: pd.DataFrame, bucket_options: BucketOptions
) -> BucketOptions:
    """The buckets of the run: ``bucket_options`` as set, or for ``buckets: auto``
    one bucket at each of its ``percentiles`` of the training split's token lengths
    (the target's EOS counted), rounded up to ``round_to``, with the last bucket's
    target size as the reply length. Bucketing, training, evaluation and the
    answer settings all read this choice.

    Raises:
        CorpusError: If the buckets are ``auto`` and the training split is empty.
    """
    if not bucket_options.auto:
        return bucket_options
    if not len(train_ids):
        raise CorpusError("buckets: auto needs training pairs to measure, got none")
    buckets = choose_buckets(
        train_ids["source_ids"].map(len).to_numpy(),
        train_ids["target_ids"].map(len).to_numpy(),
        bucket_options.percentiles,
        bucket_options.round_to,
    )
    logger.info(
        "Buckets chosen at the %s percentiles of the training lengths: %s; "
        "replies of at most %d tokens",
        "/".join(f"{p:g}" for p in bucket_options.percentiles),
        ", ".join(bucket_name(b) for b in buckets),
        buckets[-1][1],
    )
    return bucket_options.model_copy(
        update={"buckets": buckets, "reply_length": buckets[-1][1]}
    )


def bucket_pairs(
    train_ids: pd.DataFrame, test_ids: pd.DataFrame, bucket_options: BucketOptions
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Put each pair in the smallest bucket that fits its token ids (the target's
    EOS counted) and drop the pairs that fit none, counted in the report.

    This is the one length filter of the pipeline: it measures what the model
    trains on.

    Raises:
        CorpusError: If no pair of a split fits the largest bucket.
    """
    buckets = bucket_options.buckets
    report: dict = {
        "buckets": [list(b) for b in buckets],
        "max_source_length": bucket_options.max_source_len,
        "reply_length": bucket_options.reply_length,
        "too_long": {},
    }
    bucketed = []
    for split, frame in (("train", train_ids), ("test", test_ids)):
        index = assign_buckets(
            frame["source_ids"].map(len).to_numpy(),
            frame["target_ids"].map(len).to_numpy(),
            buckets,
        )
        fits = index >= 0
        if len(frame) and not fits.any():
            raise CorpusError(
                f"none of the {len(frame)} {split} pairs fits the largest bucket "
                f"{bucket_name(buckets[-1])} (source characters x target characters "
                "+ end mark): add a larger bucket to bucket_options.buckets"
            )
        counts = np.bincount(index[fits], minlength=len(buckets))
        report[split] = {
            bucket_name(b): int(n) for b, n in zip(buckets, counts, strict=True)
        }
        report["too_long"][split] = int((~fits).sum())
        bucketed.append(frame[fits].assign(bucket=index[fits]).reset_index(drop=True))
        logger.info(
            "%s pairs per bucket: %s; %d longer than the largest bucket dropped",
            split,
            report[split],
            report["too_long"][split],
        )
    return bucketed[0], bucketed[1], report


def split_validation(
    train_buckets: pd.DataFrame, training_options: TrainingOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out ``validation_fraction`` of the training split (seeded): the pairs
    whose loss drives learning-rate decay. The test split stays unseen.

    Returns:
        The pairs to fit on and the validation pairs.
    """
    fit, validation = split_frame(
        train_buckets, training_options.validation_fraction, training_options.seed
    )
    logger.info(
        "Validation: %d of %d training pairs held out",
        len(validation),
        len(train_buckets),
    )
    return fit, validation


def train_seq2seq(
    fit_buckets: pd.DataFrame,
    validation_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    model_options: ModelOptions,
    training_options: TrainingOptions,
    bucket_options: BucketOptions,
) -> tuple[KerasModel, dict]:
    """Train the attention seq2seq model, resuming from a checkpoint if one exists.

    The validation pairs (``split_validation``) give the validation loss that drives
    learning-rate decay.

    Raises:
        ValueError: If the matcher is to read the prompt's characters
            (``matching_prompt_bag``) and prompts and replies have vocabularies of
            their own.

    Returns:
        The trained model and its per-epoch history (``loss``, ``val_loss``, ...).
    """
    from rnn_pipeline.models import Seq2Seq

    if model_options.matching_prompt_bag and not vocab.shared:
        raise ValueError(
            "model_options.matching_prompt_bag expects one vocabulary for prompts "
            "and replies (vocab_options.shared: true), got one each"
        )
    options = training_options
    trainer = options.trainer()  # first: it makes the strategy
    train, validation = (
        frame_to_arrays(
            frame, bucket_options.max_source_len, bucket_options.max_target_len
        )
        for frame in (fit_buckets, validation_buckets)
    )
    batching = {"seed": options.seed, "length_pool": options.length_pool}
    sizes = (len(vocab.source), len(vocab.target))
    model, history = trainer.fit(
        lambda: Seq2Seq(*sizes, name="seq2seq", **model_options.model_dump()),
        make_seq2seq_dataset(*train, options.batch_size, shuffle=True, **batching),
        make_seq2seq_dataset(*validation, options.batch_size, **batching),
        key_data=(vocab.to_dict(), model_options.model_dump(), *train),
        sharded=(
            sharded_seq2seq_data(*train, shuffle=True, **batching),
            sharded_seq2seq_data(*validation, **batching),
        ),
        batch_size=options.batch_size,
    )
    if model_options.matching_fit != "joint":  # validated: it has a matcher
        history = {**history, **_fit_matcher(model, train, validation, options)}
    return model, history


def _fit_matcher(model, train, validation, options: TrainingOptions) -> dict:
    """Fit the model's separate reply matcher after the network; its history
    with keys ``matcher_<key>`` (``matcher_loss``, ``val_matcher_loss``, ...)."""
    from rnn_pipeline.training.matcher_fit import fit_separate_matcher

    history = fit_separate_matcher(
        model,
        train[:2],
        validation[:2],
        options.trainer_options(),
        options.matcher_fit_options(),
    )
    return {
        f"val_matcher_{k[4:]}" if k.startswith("val_") else f"matcher_{k}": v
        for k, v in history.items()
    }


plot_training = training_curves("seq2seq training")


def plot_test_loss(evaluation_report: dict) -> Figure:
    """Test loss per bucket (and over all pairs)."""
    from rnn_pipeline.plotting import plot_bars

    buckets = evaluation_report["buckets"]
    return plot_bars(
        {name: values["loss"] for name, values in buckets.items()},
        ylabel="test loss (nats/token)",
        title="test loss per bucket",
    )


def plot_attention_maps(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
    bucket_choice: BucketOptions | None = None,
) -> Figure:
    """Where the attention looked while the model wrote its greedy outputs for the
    first ``attention_examples`` test sources (as long as the run's replies)."""
    from rnn_pipeline import samplers
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
    from rnn_pipeline.plotting import plot_attention

    options = evaluation_options
    sources = list(test_buckets["source_ids"][: options.attention_examples])
    if not sources:
        return plot_attention([], title="attention (no examples)")
    generator = Seq2SeqGenerator(
        model, samplers.get("greedy"), reply_length(options, bucket_choice)
    )
    examples = []
    for source in sources:
        output = generator(pad_ids([source]))[0]
        length = (
            int(np.argmax(output == EOS)) + 1 if (output == EOS).any() else len(output)
        )
        decoder_tokens = teacher_forcing_inputs(output[None, :length])
        weights = np.asarray(model.attention_weights(pad_ids([source]), decoder_tokens))
        # One label per matrix row and column: `<unk>` is one token, EOS is "⏎".
        source_tokens = [vocab.source.tokens[int(i)] for i in source]
        output_tokens = [
            "⏎" if i == EOS else vocab.target.tokens[int(i)] for i in output[:length]
        ]
        examples.append((source_tokens, output_tokens, weights[0, :length]))
    return plot_attention(examples, title="attention while decoding (greedy)")
