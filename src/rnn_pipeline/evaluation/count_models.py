"""Count models of the replies: the baselines a network must beat, and their mixture
with the network.

Every model is an ``NgramLanguageModel`` fitted once (``fit_count_models``) and
read by whatever needs it: the baseline perplexities, the interpolation, MMI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from rnn_pipeline.text.ngram import NgramLanguageModel
from rnn_pipeline.training.progress import Progress

# The baselines of the evaluation report, by name and order.
BASELINE_ORDERS = {"unigram": 1, "bigram": 2, "trigram": 3}


def fit_count_models(
    sequences: Iterable[Sequence[int]],
    orders: Iterable[int],
    vocabulary_size: int,
    what: str = "count models",
) -> dict[int, NgramLanguageModel]:
    """One n-gram model of ``sequences`` per distinct order in ``orders``, with
    progress lines named ``what``."""
    sequences, orders = list(sequences), sorted(set(orders))
    progress = Progress(len(sequences) * len(orders), f"fitting {what}")
    models = {
        order: NgramLanguageModel(order, vocabulary_size).fit(
            _counted(sequences, progress)
        )
        for order in orders
    }
    progress.done()
    return models


def fit_count_model(
    sequences: Iterable[Sequence[int]],
    order: int,
    vocabulary_size: int,
    what: str = "count model",
) -> NgramLanguageModel:
    """An n-gram model of ``sequences`` of ``order``, with progress lines."""
    return fit_count_models(sequences, [order], vocabulary_size, what)[order]


def _counted(
    sequences: Iterable[Sequence[int]], progress: Progress
) -> Iterator[Sequence[int]]:
    for sequence in sequences:
        yield sequence
        progress.advance()


def baseline_comparison(
    model_perplexity: float,
    targets: Sequence[Sequence[int]],
    models: Mapping[int, NgramLanguageModel],
    progress: Progress | None = None,
) -> dict[str, float]:
    """The network's per-token perplexity of ``targets`` beside each baseline's
    (``unigram``, ``bigram``, ``trigram``) and the ratios ``ratio_to_<name>``: below
    1, the network predicts the replies better than that count table.

    Args:
        progress: Counts one unit per target scored by each baseline.
    """
    entry = {"model": model_perplexity}
    for name, order in BASELINE_ORDERS.items():
        scored = targets if progress is None else _counted(targets, progress)
        entry[name] = models[order].perplexity(scored)
        entry[f"ratio_to_{name}"] = model_perplexity / entry[name]
    return entry


def count_probabilities(
    model: NgramLanguageModel,
    targets: Sequence[Sequence[int]],
    what: str = "count-model scoring",
) -> np.ndarray:
    """The probability ``model`` gives every token of ``targets`` (EOS included),
    concatenated in order; progress lines are named ``what``."""
    progress = Progress(len(targets), what)
    return np.concatenate(
        [model.token_probabilities(t) for t in progress.iterate(targets)]
    )


def mixture_perplexities(
    network: np.ndarray, count: np.ndarray, weight: float | None = None
) -> dict[str, float]:
    """Per-token perplexity under the network, the count model and their linear
    mixture at ``weight`` (the count model's; ``None``: the best weight for these
    tokens, returned as ``weight``), from the probability each gave every token."""
    if weight is None:
        weight = best_mixture_weight(network, count)
    return {
        "weight": weight,
        "model": mixture_perplexity(network, count, 0.0),
        "count_model": mixture_perplexity(network, count, 1.0),
        "interpolated": mixture_perplexity(network, count, weight),
    }


def mixture_perplexity(
    model_probs: np.ndarray, count_probs: np.ndarray, weight: float
) -> float:
    """Per-token perplexity of ``(1 - weight) * model + weight * count model``, from
    the probability each gave the same tokens."""
    if len(model_probs) != len(count_probs) or len(model_probs) == 0:
        raise ValueError(
            "expected the two models' probabilities of the same tokens (at least one), "
            f"got {len(model_probs)} and {len(count_probs)}"
        )
    mixed = (1.0 - weight) * model_probs + weight * count_probs
    return float(np.exp(-np.mean(np.log(mixed))))


def best_mixture_weight(
    model_probs: np.ndarray, count_probs: np.ndarray, step: float = 0.01
) -> float:
    """The weight of the count model, on a grid from 0 to 1, that gives the lowest
    mixture perplexity of these tokens (choose it on held-out pairs, not the test)."""
    grid = np.linspace(0.0, 1.0, round(1.0 / step) + 1)
    scores = [mixture_perplexity(model_probs, count_probs, w) for w in grid]
    return float(grid[int(np.argmin(scores))])
