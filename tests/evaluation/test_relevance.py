"""The relevance ranking: candidates, Recall@1, the character-overlap floor."""

import numpy as np
import pytest

from rnn_pipeline import samplers
from rnn_pipeline.evaluation.relevance import (
    candidate_scores,
    draw_candidates,
    mean_reciprocal_rank,
    overlap_scores,
    recall_at_1,
)
from rnn_pipeline.text.overlap import inverse_document_frequencies

REPLIES = [[4, 5, 2], [6, 7, 2], [4, 5, 2], [8, 2], [9, 9, 2], [10, 2]]


def test_the_true_reply_comes_first_and_no_other_candidate_repeats_its_text():
    rows = draw_candidates(REPLIES, [0, 1, 3], candidates=4, seed=0)
    assert rows.shape == (3, 4)
    assert list(rows[:, 0]) == [0, 1, 3]
    for row in rows:
        texts = [tuple(REPLIES[c]) for c in row]
        assert len(set(texts)) == 4  # pair 0's twin (pair 2) is never its rival
    again = draw_candidates(REPLIES, [0, 1, 3], candidates=4, seed=0)
    assert (rows == again).all()  # seeded


def test_too_few_distinct_replies_is_a_clear_error():
    with pytest.raises(ValueError, match="at least 6 distinct test replies"):
        draw_candidates(REPLIES, [0], candidates=6, seed=0)


def test_recall_counts_only_a_strict_first_place():
    scores = np.array([[3.0, 1.0, 2.0], [1.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    assert recall_at_1(scores) == pytest.approx(1 / 3)  # a tie is not a win
    assert mean_reciprocal_rank(scores) == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_a_score_blind_to_the_prompt_ranks_at_chance():
    rng = np.random.default_rng(0)
    scores = rng.random((4000, 10))
    assert recall_at_1(scores) == pytest.approx(0.1, abs=0.015)


def test_overlap_prefers_the_reply_that_shares_the_prompts_rare_characters():
    documents = [[4, 5], [4, 6], [4, 7], [4, 8]]  # 4 is everywhere, 8 is rare
    idf = inverse_document_frequencies(documents, 10)
    assert idf[8] > idf[4]
    prompts = [[4, 8]]
    replies = [[8, 9, 2], [4, 9, 2], [6, 2]]
    scores = overlap_scores(prompts, replies, np.array([[0, 1, 2]]), idf)
    assert scores[0, 0] > scores[0, 1] > scores[0, 2] == 0.0


class Uniform:
    """A count model giving every token probability 0.1."""

    def token_probabilities(self, sequence):
        return np.full(len(sequence) + 1, 0.1)

    def log_probs(self, sequences):
        return np.array([np.log(0.1) * (len(s) + 1) for s in sequences])

    def unigram_probabilities(self):
        return np.full(12, 1 / 12)


def test_candidate_scores_mix_the_network_with_the_count_models():
    rows = np.array([[0, 1], [1, 0]])
    ranked = ([[4], [6]], [[4, 5], [6, 7]], rows)
    # The network gives the first prompt's true reply 0.5 a token, the rest 0.05.
    network = [np.full(3, p) for p in (0.5, 0.05, 0.05, 0.05)]
    scores = candidate_scores(network, ranked, (Uniform(), Uniform()), 0.5)
    assert set(scores) == {"model", "pmi", "fusion", "reply_lm"}
    assert scores["model"][0, 0] == pytest.approx(np.log(0.5))
    assert scores["pmi"][0, 0] == pytest.approx(np.log(0.5 / 0.1))
    assert scores["fusion"][0, 1] == pytest.approx(np.log(0.075))
    assert recall_at_1(scores["reply_lm"]) == 0.0  # blind to the prompt: ties
    # A reranking sampler adds its own score, which here follows the network.
    sampler = samplers.get("mmi", language_model=Uniform(), mmi_weight=0.0)
    with_decoding = candidate_scores(
        network, ranked, (Uniform(), Uniform()), 0.5, sampler
    )
    assert recall_at_1(with_decoding["decoding"][:1]) == 1.0
    assert "decoding" not in candidate_scores(
        network, ranked, (Uniform(), Uniform()), 0.5, samplers.get("greedy")
    )
