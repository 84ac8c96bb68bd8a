"""Does the model read the prompt? The true reply ranked among replies to other
prompts.

For each test pair the true reply is put among ``candidates - 1`` replies of other
test pairs (drawn with a fixed seed; a reply with the same text as the true one is
never drawn) and the candidates are scored against the prompt. Recall@1 is the share
of pairs whose true reply scores strictly highest: 1 / candidates by chance. A model
of the replies alone, which never sees the prompt, scores chance in expectation; a
model that learned which reply fits which prompt scores above it. Counting the
characters a candidate shares with the prompt (TF-IDF cosine) is the floor any
model should clear.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnn_pipeline.text import overlap
from rnn_pipeline.text.overlap import inverse_document_frequencies

__all__ = [
    "draw_candidates",
    "inverse_document_frequencies",
    "mean_reciprocal_rank",
    "overlap_scores",
    "recall_at_1",
]


def draw_candidates(
    replies: Sequence[Sequence[int]], pairs: Sequence[int], candidates: int, seed: int
) -> np.ndarray:
    """For each pair index in ``pairs``, ``candidates`` reply indices: the pair's own
    first, then distinct others whose text differs from it.

    Raises:
        ValueError: If there are too few distinct replies to draw from.
    """
    texts = [tuple(r) for r in replies]
    if len(set(texts)) < candidates:
        raise ValueError(
            f"expected at least {candidates} distinct test replies to rank, "
            f"got {len(set(texts))}"
        )
    rng = np.random.default_rng(seed)
    rows = np.empty((len(pairs), candidates), dtype=int)
    for row, pair in enumerate(pairs):
        chosen = [pair]
        seen = {texts[pair]}
        while len(chosen) < candidates:
            other = int(rng.integers(len(replies)))
            if texts[other] not in seen:
                seen.add(texts[other])
                chosen.append(other)
        rows[row] = chosen
    return rows


def recall_at_1(scores: np.ndarray) -> float:
    """Share of rows whose first column (the true reply) is strictly the highest."""
    scores = np.asarray(scores, dtype=float)
    return float(np.mean(scores[:, 0] > scores[:, 1:].max(axis=1)))


def mean_reciprocal_rank(scores: np.ndarray) -> float:
    """Mean of 1 / rank of the first column (ties ranked against it)."""
    scores = np.asarray(scores, dtype=float)
    ranks = 1 + (scores[:, 1:] >= scores[:, :1]).sum(axis=1)
    return float(np.mean(1.0 / ranks))


def overlap_scores(
    prompts: Sequence[Sequence[int]],
    replies: Sequence[Sequence[int]],
    rows: np.ndarray,
    idf: np.ndarray,
) -> np.ndarray:
    """TF-IDF cosine between each prompt and each of its candidate replies: the
    characters they share, rare ones weighing more."""
    scores = np.zeros(rows.shape)
    reply_bags: dict[int, overlap.Bag] = {}
    for row, (prompt, candidates) in enumerate(zip(prompts, rows, strict=True)):
        asked = overlap.weighted_bag(prompt, idf)
        for column, reply in enumerate(candidates):
            if reply not in reply_bags:
                reply_bags[reply] = overlap.weighted_bag(replies[reply], idf)
            scores[row, column] = overlap.cosine(asked, reply_bags[reply])
    return scores
