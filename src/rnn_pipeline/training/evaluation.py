"""Teacher-forced evaluation: loss, perplexity and token accuracy per bucket."""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from rnn_pipeline.backend import compile_function
from rnn_pipeline.text.specials import PAD
from rnn_pipeline.training.batching import teacher_forcing_inputs
from rnn_pipeline.training.metrics import masked_token_sums


def _batch_sums(model: keras.Model):
    def sums(source, decoder_tokens, target):
        return masked_token_sums(
            target, model([source, decoder_tokens], training=False)
        )

    return compile_function(sums)


def evaluate_by_bucket(
    model: keras.Model,
    sources: np.ndarray,
    targets: np.ndarray,
    bucket_ids: np.ndarray,
    bucket_names: Sequence[str],
    batch_size: int = 64,
) -> dict[str, dict[str, float]]:
    """Mean token loss, perplexity and accuracy of each bucket and of all pairs.

    Every non-PAD target token counts once, so a bucket's loss is the mean negative
    log-likelihood per token and its perplexity ``exp(loss)``.

    Returns:
        ``{bucket_name: {"pairs", "tokens", "loss", "perplexity", "accuracy"}}`` for
        non-empty buckets, plus ``"all"``.
    """
    sums = _batch_sums(model)
    results: dict[str, dict[str, float]] = {}
    totals = np.zeros(3)
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
        totals += bucket_totals
        results[name] = _summarise(bucket_totals, len(rows))
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
