"""Count-based language models over token ids: the baselines a neural model must beat.

A seq2seq chatbot is only worth its training if it predicts a reply better than a
table of character counts that never sees the prompt. ``NgramLanguageModel`` is that
table: an add-one unigram (``order=1``) or an interpolated Kneser-Ney model of order
2 or more, fitted on the training replies and scored on the test replies with the same
vocabulary and the same rule (every reply ends with EOS, which is predicted too).

The same model, fitted on the replies, is the target-side language model of MMI
decoding (``samplers.MmiReranker``): it says how generic a candidate reply is.

No TensorFlow here: the models are dictionaries of counts, saved as JSON.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rnn_pipeline.text.specials import EOS, GO, PAD

FORMAT = "rnn_pipeline.ngram/1"

Context = tuple[int, ...]


class NgramLanguageModel:
    """An n-gram model of token sequences.

    ``order=1`` is the add-one (Laplace) unigram. ``order>=2`` is interpolated
    Kneser-Ney (Chen & Goodman 1998): the highest order uses discounted counts, the
    lower orders continuation counts (in how many contexts a token was seen), and the
    lowest one is interpolated with the uniform distribution over the vocabulary, so
    every token has a probability. Discounts are estimated per order from the
    count-of-counts, ``D = n1 / (n1 + 2 n2)``.

    A sequence is scored from a context of GO tokens and is closed by EOS, which is
    predicted like any other token.

    Args:
        order: 1 for the add-one unigram, 2 for a bigram, 3 for a trigram, ...
        vocabulary_size: Number of token ids (specials included); PAD and GO are never
            predicted but are kept in the uniform floor for simplicity.
    """

    def __init__(self, order: int, vocabulary_size: int) -> None:
        if order < 1:
            raise ValueError(f"order must be >= 1, got {order}")
        if vocabulary_size < 1:
            raise ValueError(f"vocabulary_size must be >= 1, got {vocabulary_size}")
        self.order = order
        self.vocabulary_size = vocabulary_size
        # counts[n][context] = Counter of next tokens, for context length n.
        # The highest order holds raw counts, lower ones continuation counts.
        self.counts: list[dict[Context, Counter]] = [
            defaultdict(Counter) for _ in range(order)
        ]
        self.discounts: list[float] = [0.0] * order
        self._totals: list[dict[Context, int]] = [{} for _ in range(order)]
        self._types: list[dict[Context, int]] = [{} for _ in range(order)]

    # ------------------------------------------------------------------ fitting
    def fit(self, sequences: Iterable[Sequence[int]]) -> NgramLanguageModel:
        """Count the n-grams of ``sequences`` (token ids, without GO; EOS is added
        when a sequence does not end with it; PAD is ignored)."""
        top = self.order - 1
        for sequence in sequences:
            tokens = _closed(sequence)
            padded = [GO] * top + tokens
            for i in range(top, len(padded)):
                context = tuple(padded[i - top : i])
                self.counts[top][context][padded[i]] += 1
        self._finalise()
        return self

    def _finalise(self) -> None:
        """Derive the lower orders from the highest, then discounts and totals."""
        for n in range(self.order - 1, 0, -1):
            # Continuation counts of the order below: one per distinct left extension.
            for context, followers in self.counts[n].items():
                for token in followers:
                    self.counts[n - 1][context[1:]][token] += 1
        for n, table in enumerate(self.counts):
            self._totals[n] = {c: sum(f.values()) for c, f in table.items()}
            self._types[n] = {c: len(f) for c, f in table.items()}
            histogram = Counter(v for f in table.values() for v in f.values())
            n1, n2 = histogram.get(1, 0), histogram.get(2, 0)
            self.discounts[n] = n1 / (n1 + 2 * n2) if n1 + n2 else 0.5

    # ------------------------------------------------------------------ scoring
    def probability(self, context: Sequence[int], token: int) -> float:
        """``P(token | context)``; only the last ``order - 1`` context ids count."""
        if self.order == 1:
            table = self.counts[0][()]
            total = self._totals[0].get((), 0)
            return (table.get(token, 0) + 1) / (total + self.vocabulary_size)
        top = self.order - 1
        context = tuple(context)[-top:] if top else ()
        context = (GO,) * (top - len(context)) + context
        return self._interpolated(context, token, top)

    def _interpolated(self, context: Context, token: int, n: int) -> float:
        if n < 0:
            return 1.0 / self.vocabulary_size
        lower = self._interpolated(context[1:], token, n - 1)
        total = self._totals[n].get(context, 0)
        if total == 0:
            return lower
        discount = self.discounts[n]
        count = self.counts[n][context].get(token, 0)
        weight = discount * self._types[n][context] / total
        return max(count - discount, 0.0) / total + weight * lower

    def seen_pair(self, first: int, second: int) -> bool:
        """Whether ``second`` followed ``first`` somewhere in the fitted sequences.

        Raises:
            ValueError: For the unigram (``order=1``), which keeps no pairs.
        """
        if self.order < 2:
            raise ValueError(f"seen_pair needs an order of 2 or more, got {self.order}")
        # The pair order holds raw counts (order 2) or continuation counts, which
        # are positive exactly where the pair occurred; .get keeps the table as is.
        followers = self.counts[1].get((int(first),))
        return followers is not None and int(second) in followers

    def unigram_probabilities(self) -> np.ndarray:
        """``P(token)`` with no context, for every token id: the add-one unigram
        (order 1) or Kneser-Ney's lowest order, continuation counts interpolated
        with the uniform distribution (how many contexts a token follows, so a
        character seen only in one name counts as rare)."""
        if self.order == 1:
            return np.array(
                [self.probability((), t) for t in range(self.vocabulary_size)]
            )
        return np.array(
            [self._interpolated((), t, 0) for t in range(self.vocabulary_size)]
        )

    def token_probabilities(self, sequence: Sequence[int]) -> np.ndarray:
        """``P(token | history)`` of every token of ``sequence`` closed by EOS (EOS
        included), in order: the count model's side of an interpolation with a
        network (``training.evaluation.best_mixture_weight``)."""
        history = [GO] * max(self.order - 1, 0)
        probabilities = []
        for token in _closed(sequence):
            probabilities.append(self.probability(history, token))
            if history:
                history = history[1:] + [token]
        return np.array(probabilities)

    def sequence_log_prob(self, sequence: Sequence[int]) -> tuple[float, int]:
        """Natural-log probability of ``sequence`` closed by EOS, and its token count
        (EOS included)."""
        probabilities = self.token_probabilities(sequence)
        return float(np.log(probabilities).sum()), len(probabilities)

    def log_probs(self, sequences: Iterable[Sequence[int]]) -> np.ndarray:
        """Natural-log probability of each sequence (closed by EOS)."""
        return np.array([self.sequence_log_prob(s)[0] for s in sequences])

    def perplexity(self, sequences: Iterable[Sequence[int]]) -> float:
        """Per-token perplexity over ``sequences``, every EOS counted once."""
        log_prob, tokens = 0.0, 0
        for sequence in sequences:
            lp, n = self.sequence_log_prob(sequence)
            log_prob += lp
            tokens += n
        if tokens == 0:
            raise ValueError("perplexity needs at least one token, got none")
        return math.exp(-log_prob / tokens)

    # ------------------------------------------------------------------ saving
    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: the highest-order counts (lower orders are derived)."""
        top = self.order - 1
        return {
            "format": FORMAT,
            "order": self.order,
            "vocabulary_size": self.vocabulary_size,
            "counts": [
                [*context, token, count]
                for context, followers in self.counts[top].items()
                for token, count in followers.items()
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NgramLanguageModel:
        """Rebuild a model saved by ``to_dict``.

        Raises:
            ValueError: If ``data`` is not a saved n-gram model.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"expected a saved n-gram model ({FORMAT}), got {got!r}")
        model = cls(int(data["order"]), int(data["vocabulary_size"]))
        top = model.order - 1
        for row in data["counts"]:
            *context, token, count = row
            model.counts[top][tuple(context)][token] += count
        model._finalise()
        return model


def _closed(sequence: Sequence[int]) -> list[int]:
    """Token ids without PAD, cut after the first EOS, ending with EOS."""
    tokens: list[int] = []
    for token in sequence:
        token = int(token)
        if token == PAD:
            continue
        tokens.append(token)
        if token == EOS:
            return tokens
    tokens.append(EOS)
    return tokens


def baseline_perplexities(
    train_targets: Iterable[Sequence[int]],
    test_targets: Sequence[Sequence[int]],
    vocabulary_size: int,
    orders: Sequence[int] = (1, 2, 3),
) -> dict[str, float]:
    """Per-token test perplexity of the add-one unigram and the Kneser-Ney n-grams
    fitted on the training replies (keys ``unigram``, ``bigram``, ``trigram``, ...)."""
    names = {1: "unigram", 2: "bigram", 3: "trigram", 4: "fourgram"}
    train_targets = list(train_targets)
    return {
        names.get(order, f"{order}gram"): NgramLanguageModel(order, vocabulary_size)
        .fit(train_targets)
        .perplexity(test_targets)
        for order in orders
    }


def saved_language_model(saved: dict[str, Any] | None) -> NgramLanguageModel | None:
    """A language model from its saved form (``to_dict``); ``None`` stays ``None``
    (no reply language model was saved: only the ``mmi`` sampler needs one)."""
    return None if saved is None else NgramLanguageModel.from_dict(saved)
