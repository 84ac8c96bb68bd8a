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

__all__ = [
    "SCORES",
    "candidate_scores",
    "draw_candidates",
    "mean_reciprocal_rank",
    "overlap_scores",
    "recall_at_1",
    "reranker_scores",
    "tfidf_overlap",
]

# How each candidate is scored against the prompt: the network's per-token log
# p(reply | prompt), the same minus the reply model's log p(reply) (what MMI
# maximises), the network interpolated with the count model (at the validation
# weight), the reply model alone (blind to the prompt: chance), TF-IDF overlap, the
# model's reply matcher (when it has one) and, when the decoding reranks, the score
# its reranker gives (what it chooses by).
SCORES = ("model", "pmi", "fusion", "reply_lm", "overlap", "matching", "decoding")

# (prompts, replies, candidate reply indices per prompt: one row per prompt)
Ranked = tuple[Sequence[Sequence[int]], Sequence[Sequence[int]], np.ndarray]


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


def candidate_scores(
    network: Sequence[np.ndarray],
    ranked: Ranked,
    count_models: tuple,
    weight: float,
    sampler=None,
    matching: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every candidate of ``ranked`` scored by each of ``SCORES`` but the overlap.

    Args:
        network: The network's ``p(token | history, prompt)`` of each candidate
            (EOS included), row by row of ``ranked``'s indices.
        ranked: Prompts, replies and the candidate indices per prompt.
        count_models: The reply language model (for ``pmi`` and ``reply_lm``)
            and the count model the network is interpolated with (``fusion``),
            each with ``token_probabilities``.
        weight: The count model's interpolation weight.
        sampler: A reranking sampler (``reranks``, ``score``) adds ``decoding``.
        matching: ``rows``-shaped cosines of the model's reply matcher, if it has
            one: added as ``matching`` and given to the sampler's score.

    Returns:
        Score name -> ``rows``-shaped scores, higher is better; per-token means
        but ``decoding``, which is the reranker's own.
    """
    prompts, replies, rows = ranked
    language_model, counts = count_models
    cache = {
        c: (
            language_model.token_probabilities(replies[c]),
            counts.token_probabilities(replies[c]),
        )
        for c in set(rows.ravel().tolist())
    }
    per_candidate: dict[str, list[float]] = {n: [] for n in SCORES[:4]}
    for net, c in zip(network, rows.ravel(), strict=True):
        lm, count = cache[c]
        per_candidate["model"].append(float(np.mean(np.log(net))))
        per_candidate["pmi"].append(float(np.mean(np.log(net) - np.log(lm))))
        mixed = (1 - weight) * net + weight * count
        per_candidate["fusion"].append(float(np.mean(np.log(mixed))))
        per_candidate["reply_lm"].append(float(np.mean(np.log(lm))))
    scores = {n: np.reshape(v, rows.shape) for n, v in per_candidate.items()}
    if matching is not None:
        scores["matching"] = np.asarray(matching, dtype=float).reshape(rows.shape)
    if getattr(sampler, "reranks", False):
        scores["decoding"] = reranker_scores(sampler, network, ranked, matching)
    return scores


def reranker_scores(
    sampler,
    network: Sequence[np.ndarray],
    ranked: Ranked,
    matching: np.ndarray | None = None,
) -> np.ndarray:
    """Every candidate of ``ranked`` scored as a reranking ``sampler`` scores its own
    candidates (``sampler.score``): ``rows``-shaped, higher is better.

    Args:
        sampler: A sampler with ``score`` (``MmiSampler``).
        network: The network's ``p(token | history, prompt)`` of each candidate
            (EOS included), row by row of ``ranked``'s indices.
        ranked: Prompts, replies and the candidate indices per prompt.
        matching: ``rows``-shaped cosines of the model's reply matcher, if any.
    """
    prompts, replies, rows = ranked
    decoding = sampler.score(
        [replies[c] for c in rows.ravel()],
        [float(np.sum(np.log(net))) for net in network],
        [len(net) for net in network],  # EOS included, as the decoder counts
        [prompt for prompt in prompts for _ in range(rows.shape[1])],
        matching,
    )
    return np.reshape(decoding, rows.shape)


def tfidf_overlap(
    ranked: Ranked, documents: Sequence[Sequence[int]], vocabulary_size: int
) -> np.ndarray:
    """``overlap_scores`` with the IDF of ``documents`` (the training utterances)."""
    prompts, replies, rows = ranked
    idf = overlap.inverse_document_frequencies(documents, vocabulary_size)
    return overlap_scores(prompts, replies, rows, idf)
