"""MMI reranking, without a trained model: a fake step and a fake language model."""

import numpy as np
import pytest
from keras import ops

from rnn_pipeline import samplers
from rnn_pipeline.text.specials import EOS, PAD

# Letters: 3 'a', 4 'b', 5 'c', 6 'd'.  From GO: a 0.5, b 0.5.  From a: c 0.9.
# From b: d 0.7, b 0.3.  After c or d: EOS.  So p(ac) = 0.45 beats p(bd) = 0.35.
TABLE = np.full((7, 7), 1e-6, "float32")
TABLE[1, 3], TABLE[1, 4] = 0.5, 0.5
TABLE[3, 5] = 0.9
TABLE[3, 6] = 0.1
TABLE[4, 6], TABLE[4, 4] = 0.7, 0.3
TABLE[5, EOS] = TABLE[6, EOS] = 1.0
TABLE /= TABLE.sum(1, keepdims=True)
LETTERS = {3: "a", 4: "b", 5: "c", 6: "d"}


class FakeReplyModel:
    """'ac' is the generic reply: likely whatever the prompt. Others are rare."""

    def __init__(self):
        self.calls = 0

    def log_probs(self, sequences):
        self.calls += 1
        generic = {(3, 5): np.log(0.5)}
        return np.array([generic.get(tuple(s), np.log(1e-3)) for s in sequences])


def decode(sampler):
    start = np.ones(2, "int32")
    log_table = ops.convert_to_tensor(np.log(TABLE))

    def next_fn(tokens, state):
        return ops.take(log_table, tokens, axis=0), state

    sequences, scores, lengths, _ = sampler.search(
        next_fn, start, ops.zeros((len(start),)), 6, EOS
    )
    rows = sampler.rerank(
        *(ops.convert_to_numpy(x) for x in (sequences, scores, lengths))
    )
    return ["".join(LETTERS.get(int(t), "") for t in row if t != EOS) for row in rows]


def test_the_generic_reply_loses_to_mutual_information():
    lm = FakeReplyModel()
    plain = samplers.get("mmi", language_model=lm, num_beams=3, mmi_weight=0.0)
    assert decode(plain) == ["ac", "ac"]  # as beam search: the most likely reply
    mmi = samplers.get("mmi", language_model=lm, num_beams=3, mmi_weight=0.5)
    assert decode(mmi) == ["bd", "bd"]
    assert lm.calls == 1  # weight 0 never asks the language model


def test_without_mmi_it_chooses_as_beam_search():
    lm = FakeReplyModel()
    mmi = samplers.get(
        "mmi", language_model=lm, num_beams=3, mmi_weight=0.0, no_repeat_ngram=0
    )
    beam = samplers.get("beam", num_beams=3, length_penalty=1.0)
    log_table = ops.convert_to_tensor(np.log(TABLE))

    def next_fn(tokens, state):
        return ops.take(log_table, tokens, axis=0), state

    expected, _ = beam(next_fn, np.ones(2, "int32"), ops.zeros((2,)), 6, EOS)
    expected = [
        "".join(LETTERS.get(int(t), "") for t in r if t != EOS)
        for r in np.asarray(expected)
    ]
    assert decode(mmi) == expected


def test_repeated_ngrams_are_dropped_unless_nothing_else_is_left():
    lm = FakeReplyModel()
    sampler = samplers.get(
        "mmi", language_model=lm, num_beams=2, no_repeat_ngram=1, mmi_weight=0.0
    )
    # Candidate 0 'bb' repeats a 1-gram and is the more likely; candidate 1 'bd'.
    sequences = np.array([[[4, 4, EOS], [4, 6, EOS]]])
    scores = np.array([[-0.1, -1.0]])
    lengths = np.array([[3, 3]])
    assert sampler.rerank(sequences, scores, lengths).tolist() == [[4, 6, EOS]]
    both_repeat = np.array([[[4, 4, EOS], [6, 6, EOS]]])
    assert sampler.rerank(both_repeat, scores, lengths).tolist() == [[4, 4, EOS]]


def test_mmi_needs_a_language_model_and_sane_options():
    with pytest.raises(ValueError, match="needs a language model"):
        samplers.get("mmi")
    with pytest.raises(ValueError, match="mmi_weight must be >= 0, got -1"):
        samplers.get("mmi", language_model=FakeReplyModel(), mmi_weight=-1)
    with pytest.raises(ValueError, match="no_repeat_ngram must be >= 0"):
        samplers.get("mmi", language_model=FakeReplyModel(), no_repeat_ngram=-2)


def test_sampled_candidates_carry_their_model_log_probability_and_get_reranked():
    lm = FakeReplyModel()
    sampler = samplers.get(
        "mmi",
        language_model=lm,
        num_beams=12,
        candidates="sample",
        top_p=1.0,
        seed=3,
        mmi_weight=0.5,
    )
    log_table = ops.convert_to_tensor(np.log(TABLE))

    def next_fn(tokens, state):
        return ops.take(log_table, tokens, axis=0), state

    sequences, scores, lengths, _ = (
        ops.convert_to_numpy(x)
        for x in sampler.search(next_fn, np.ones(2, "int32"), ops.zeros((2,)), 6, EOS)
    )
    assert sequences.shape == (2, 12, 6)
    for row, score, length in zip(
        sequences.reshape(-1, 6), scores.reshape(-1), lengths.reshape(-1), strict=True
    ):
        path = [1, *row[: int(length)].tolist()]  # GO, the reply, its EOS
        # Ended by EOS (EOS or PAD after it), or cut at the 6-token limit ('bbbbbb').
        assert (
            path[-1] == EOS and set(row[int(length) :]) <= {EOS, PAD}
        ) or length == 6
        expected = sum(
            np.log(TABLE[a, b]) for a, b in zip(path[:-1], path[1:], strict=True)
        )
        assert score == pytest.approx(expected, abs=1e-4)
    replies = {
        tuple(r[: int(n) - 1])
        for r, n in zip(sequences.reshape(-1, 6), lengths.reshape(-1), strict=True)
    }
    assert len(replies) >= 3  # samples differ, unlike a beam's near-copies
    # Reranked by mutual information as the beam is: the generic 'ac' loses.
    rows = sampler.rerank(sequences, scores, lengths)
    assert ["".join(LETTERS.get(int(t), "") for t in r if t != EOS) for r in rows] == [
        "bd",
        "bd",
    ]


def test_candidates_must_be_beam_or_sample():
    with pytest.raises(ValueError, match="candidates must be beam or sample"):
        samplers.get("mmi", language_model=FakeReplyModel(), candidates="top")


class DoublingModel(FakeReplyModel):
    """Finds 'bb' likely (a word), 'dd' unlikely."""

    def probability(self, context, token):
        return {4: 0.5, 6: 0.001}.get(token, 0.1)


def test_unlikely_doubled_characters_are_dropped_likely_ones_kept():
    sampler = samplers.get(
        "mmi",
        language_model=DoublingModel(),
        num_beams=2,
        no_repeat_ngram=0,
        mmi_weight=0.0,
        doubled_min_probability=0.01,
    )
    scores, lengths = np.array([[-0.1, -1.0]]), np.array([[3, 3]])
    # 'dd' is the more likely candidate, but its doubling is not a word: 'ad' wins.
    unlikely = np.array([[[6, 6, EOS], [3, 6, EOS]]])
    assert sampler.rerank(unlikely, scores, lengths).tolist() == [[3, 6, EOS]]
    # 'bb' is a likely doubling: it stays and wins on its score.
    likely = np.array([[[4, 4, EOS], [3, 6, EOS]]])
    assert sampler.rerank(likely, scores, lengths).tolist() == [[4, 4, EOS]]
    with pytest.raises(ValueError, match="doubled_min_probability must be in"):
        samplers.get("mmi", language_model=DoublingModel(), doubled_min_probability=1)


class PairModel(FakeReplyModel):
    """Saw 'a' followed by 'd' (3 then 6), never 'd' after 'd' or 'c' after 'd'."""

    def seen_pair(self, first, second):
        return (first, second) == (3, 6)


def test_candidates_with_a_pair_the_replies_never_had_are_dropped_when_asked():
    options = {
        "language_model": PairModel(),
        "num_beams": 2,
        "no_repeat_ngram": 0,
        "mmi_weight": 0.0,
    }
    scores, lengths = np.array([[-0.1, -1.0]]), np.array([[3, 3]])
    candidates = np.array([[[6, 5, EOS], [3, 6, EOS]]])  # 'dc' likelier, unseen
    plain = samplers.get("mmi", **options)
    assert plain.rerank(candidates, scores, lengths).tolist() == [[6, 5, EOS]]
    strict = samplers.get("mmi", drop_unseen_pairs=True, **options)
    assert strict.rerank(candidates, scores, lengths).tolist() == [[3, 6, EOS]]
    # When every candidate has an unseen pair, the row keeps its best one.
    both_unseen = np.array([[[6, 5, EOS], [6, 4, EOS]]])
    assert strict.rerank(both_unseen, scores, lengths).tolist() == [[6, 5, EOS]]
    assert strict.get_config()["drop_unseen_pairs"] is True


class UnigramModel(FakeReplyModel):
    """'a' is common (p 0.6), 'c' and 'd' rare (p 0.01)."""

    def unigram_probabilities(self):
        return np.array([0.01, 0.01, 0.01, 0.6, 0.3, 0.01, 0.01])


def test_overlap_weight_prefers_the_candidate_sharing_the_prompts_rare_character():
    scores, lengths = np.array([[-0.1, -0.6]]), np.array([[3, 3]])
    candidates = np.array([[[3, 5, EOS], [4, 6, EOS]]])  # 'ac' is likelier
    prompt = np.array([[6, 3, PAD]])  # 'da': shares rare 'd' with 'bd', 'a' with 'ac'
    options = {"language_model": UnigramModel(), "num_beams": 2, "mmi_weight": 0.0}
    plain = samplers.get("mmi", **options)
    assert plain.rerank(candidates, scores, lengths, sources=prompt).tolist() == [
        [3, 5, EOS]
    ]
    shared = samplers.get("mmi", overlap_weight=1.0, **options)
    assert shared.rerank(candidates, scores, lengths, sources=prompt).tolist() == [
        [4, 6, EOS]
    ]
    with pytest.raises(ValueError, match="needs the prompts"):
        shared.rerank(candidates, scores, lengths)
    with pytest.raises(ValueError, match="overlap_weight must be"):
        samplers.get("mmi", overlap_weight=-1, **options)


def test_matching_weight_adds_the_matchers_scores():
    scores, lengths = np.array([[-0.1, -0.6]]), np.array([[3, 3]])
    candidates = np.array([[[3, 5, EOS], [4, 6, EOS]]])  # 'ac' is likelier
    options = {"language_model": UnigramModel(), "num_beams": 2, "mmi_weight": 0.0}
    fits = np.array([[0.1, 0.9]])  # but the matcher finds 'bd' fits the prompt
    matched = samplers.get("mmi", matching_weight=1.0, **options)
    assert matched.rerank(candidates, scores, lengths, matching=fits).tolist() == [
        [4, 6, EOS]
    ]
    assert samplers.get("mmi", **options).rerank(
        candidates, scores, lengths, matching=fits
    ).tolist() == [[3, 5, EOS]]
    with pytest.raises(ValueError, match="reply matcher's scores"):
        matched.rerank(candidates, scores, lengths)
    with pytest.raises(ValueError, match="matching_weight must be"):
        samplers.get("mmi", matching_weight=-1, **options)
