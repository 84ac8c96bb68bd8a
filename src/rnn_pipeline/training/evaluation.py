"""Teacher-forced evaluation: loss, perplexity and token accuracy per bucket, and
the probability a model gives each target token (for the interpolation with a count
model and the relevance ranking, ``rnn_pipeline.evaluation``)."""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence

import keras
import numpy as np
from keras import ops

from rnn_pipeline.backend import compile_function
from rnn_pipeline.text.specials import PAD
from rnn_pipeline.training.batching import pad_ids, teacher_forcing_inputs
from rnn_pipeline.training.metrics import masked_token_sums, token_crossentropy
from rnn_pipeline.training.progress import Progress

# One compiled function per model and measure, for the model's lifetime: the
# evaluation, the interpolation and the relevance ranking share its traces instead
# of tracing anew at every call (TensorFlow warned of retracing).
_COMPILED: weakref.WeakKeyDictionary[keras.Model, dict[Callable, Callable]] = (
    weakref.WeakKeyDictionary()
)


def _teacher_forced(model: keras.Model, measure: Callable) -> Callable:
    """A compiled ``(source, decoder_tokens, target) -> measure(target, logits)``,
    made once per model and measure and traced once for every batch shape."""
    compiled = _COMPILED.setdefault(model, {})
    if measure not in compiled:
        held = weakref.ref(model)  # the cache must not keep the model alive

        def measured(source, decoder_tokens, target):
            return measure(target, held()([source, decoder_tokens], training=False))

        compiled[measure] = compile_function(measured, int_matrices=3)
    return compiled[measure]


def evaluate_by_bucket(
    model: keras.Model,
    sources: np.ndarray,
    targets: np.ndarray,
    bucket_ids: np.ndarray,
    bucket_names: Sequence[str],
    batch_size: int = 64,
    what: str = "teacher-forced test pairs",
) -> dict[str, dict[str, float]]:
    """Mean token loss, perplexity and accuracy of each bucket and of all pairs.

    Every non-PAD target token counts once, so a bucket's loss is the mean negative
    log-likelihood per token and its perplexity ``exp(loss)``. Progress is logged
    as ``what`` (``rnn_pipeline.training.progress``).

    Returns:
        ``{bucket_name: {"pairs", "tokens", "loss", "perplexity", "accuracy"}}`` for
        non-empty buckets, plus ``"all"``.
    """
    sums = _teacher_forced(model, masked_token_sums)
    results: dict[str, dict[str, float]] = {}
    totals = np.zeros(3)
    progress = Progress(int(np.isin(bucket_ids, range(len(bucket_names))).sum()), what)
    for index, name in enumerate(bucket_names):
        rows = np.flatnonzero(bucket_ids == index)
        if len(rows) == 0:
            continue
        bucket_totals = np.zeros(3)
        for start in range(0, len(rows), batch_size):
            chosen = rows[start : start + batch_size]
            source, target = sources[chosen], targets[chosen]
            source = source[:, : max(1, int((source != PAD).sum(1).max()))]
            target = target[:, : max(1, int((target != PAD).sum(1).max()))]
            batch = sums(source, teacher_forcing_inputs(target), target)
            bucket_totals += [float(ops.convert_to_numpy(x)) for x in batch]
            progress.advance(len(chosen))
        totals += bucket_totals
        results[name] = _summarise(bucket_totals, len(rows))
    progress.done()
    results["all"] = _summarise(totals, int(sum(r["pairs"] for r in results.values())))
    return results


def _summarise(totals: np.ndarray, pairs: int) -> dict[str, float]:
    nll, hits, tokens = totals
    loss = nll / tokens if tokens else float("nan")
    return {
        "pairs": pairs,
        "tokens": int(tokens),
        "loss": float(loss),
        "perplexity": float(math.exp(min(loss, 50.0))) if tokens else float("nan"),
        "accuracy": float(hits / tokens) if tokens else float("nan"),
    }


def token_probabilities(
    model: keras.Model,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    batch_size: int = 64,
    what: str = "teacher-forced pairs",
) -> list[np.ndarray]:
    """The teacher-forced probability the model gives each target token.

    Args:
        model: A seq2seq model taking ``[source, decoder_tokens]``, giving logits.
        sources: Source id sequences.
        targets: Target id sequences, each ending with EOS (no PAD).
        batch_size: Pairs per batch.
        what: What the pairs are, for the progress lines.

    Returns:
        One array per pair, ``P(target[i] | source, target[:i])`` for every token of
        its target, in the order of ``targets``.
    """
    losses = _teacher_forced(model, token_crossentropy)
    # Batches of similar lengths (fewer shapes to trace); results go back in order.
    order = sorted(
        range(len(targets)), key=lambda i: (len(targets[i]), len(sources[i]))
    )
    result: list[np.ndarray] = [np.empty(0)] * len(targets)
    progress = Progress(len(targets), what)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        source = pad_ids([sources[i] for i in rows])
        target = pad_ids([targets[i] for i in rows])
        nll = ops.convert_to_numpy(
            losses(source, teacher_forcing_inputs(target), target)
        )
        for position, row in enumerate(rows):
            result[row] = np.exp(-nll[position, : len(targets[row])].astype(np.float64))
        progress.advance(len(rows))
    progress.done()
    return result
