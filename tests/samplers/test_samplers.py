"""Samplers are tested without a model: a fake ``next`` with known preferences."""

import numpy as np
import pytest
from keras import ops

from rnn_pipeline import samplers

VOCAB = list("_GEabcd")  # 0 PAD, 1 GO, 2 EOS, then letters
EOS = 2


def scripted_next(script: str, vocab_size: int = len(VOCAB)):
    """A fake model that prefers the script's characters, then EOS."""
    preferred = [VOCAB.index(c) for c in script] + [EOS]

    def next_fn(tokens, state):
        step = state
        index = ops.take(
            ops.convert_to_tensor(preferred), ops.minimum(step, len(preferred) - 1)
        )
        logits = ops.one_hot(index, vocab_size) * 10.0
        logits = ops.repeat(ops.expand_dims(logits, 0), ops.shape(tokens)[0], axis=0)
        return logits, step + 1

    return next_fn


def decode(tokens):
    out = []
    for t in tokens:
        if t == EOS:
            break
        out.append(VOCAB[t])
    return "".join(out)


def run(sampler, script="abca", batch=2, max_length=8):
    tokens, _ = sampler(
        scripted_next(script),
        np.ones(batch, "int32"),
        ops.convert_to_tensor(0),
        max_length,
        end_token=EOS,
    )
    return [decode(row) for row in np.asarray(tokens)]


@pytest.mark.parametrize("name", ["greedy", "top_k", "top_p", "temperature"])
def test_a_confident_model_gives_its_string_with_any_sampler(name):
    options = {"seed": 1}
    if name == "top_p":
        options["p"] = 0.5
    assert run(samplers.get(name, **options)) == ["abca", "abca"]


def test_generation_stops_at_the_limit_without_eos():
    assert (
        run(samplers.get("greedy"), script="abcdabcdabcd", max_length=5)
        == ["abcda"] * 2
    )


def flat_next(tokens, state):
    # Uniform over the 4 letters a-d; PAD/GO/EOS impossible.
    logits = np.full((1, len(VOCAB)), -1e9, "float32")
    logits[0, 3:] = 0.0
    return ops.repeat(
        ops.convert_to_tensor(logits), ops.shape(tokens)[0], axis=0
    ), state


def sample_letters(sampler, n=400):
    tokens, _ = sampler(flat_next, np.ones(n, "int32"), ops.convert_to_tensor(0), 1)
    return np.asarray(tokens)[:, 0]


# Letters a-d (3-6) with probabilities 0.5, 0.3, 0.15 and 0.05.
SKEWED = np.log(np.array([1e-9, 1e-9, 1e-9, 0.5, 0.3, 0.15, 0.05], "float32"))


def skewed_next(tokens, state):
    return ops.repeat(
        ops.convert_to_tensor(SKEWED[None]), ops.shape(tokens)[0], 0
    ), state


def test_top_k_draws_only_among_the_k_best():
    tokens, _ = samplers.get("top_k", k=2, seed=0)(
        skewed_next, np.ones(500, "int32"), ops.convert_to_tensor(0), 1
    )
    assert set(np.asarray(tokens)[:, 0].tolist()) == {3, 4}


def test_top_p_keeps_the_smallest_set_reaching_p():
    tokens, _ = samplers.get("top_p", p=0.75, seed=0)(
        skewed_next, np.ones(500, "int32"), ops.convert_to_tensor(0), 1
    )
    assert set(np.asarray(tokens)[:, 0].tolist()) == {3, 4}


def test_top_p_with_top_k_draws_among_at_most_k_tokens():
    def drawn(**options):
        tokens, _ = samplers.get("top_p", seed=0, **options)(
            skewed_next, np.ones(500, "int32"), ops.convert_to_tensor(0), 1
        )
        return set(np.asarray(tokens)[:, 0].tolist())

    assert drawn(p=1.0) == {3, 4, 5, 6}
    assert drawn(p=1.0, top_k=2) == {3, 4}  # the cap binds
    assert drawn(p=0.75, top_k=3) == {3, 4}  # the nucleus is smaller than the cap
    assert drawn(p=1.0, top_k=50) == {3, 4, 5, 6}  # a cap above the vocabulary


def test_sample_sums_each_rows_log_probability_up_to_its_end():
    # 'abca' then EOS with probability e^10 / (e^10 + 6) at every step.
    output, scores, lengths, _ = samplers.get("greedy").sample(
        scripted_next("abca"), np.ones(2, "int32"), ops.convert_to_tensor(0), 8, EOS
    )
    step = 10.0 - np.log(np.exp(10.0) + len(VOCAB) - 1)
    assert [decode(row) for row in np.asarray(output)] == ["abca", "abca"]
    assert np.asarray(lengths).tolist() == [5, 5]  # four letters and EOS
    np.testing.assert_allclose(np.asarray(scores), [5 * step] * 2, atol=1e-6)


def test_random_sampling_covers_a_flat_distribution():
    drawn = sample_letters(samplers.get("temperature", seed=0))
    assert set(drawn.tolist()) == {3, 4, 5, 6}


def test_unknown_sampler_and_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="got 'beam9'"):
        samplers.get("beam9")
    with pytest.raises(ValueError, match="temperature must be > 0"):
        samplers.get("greedy", temperature=0)
    with pytest.raises(ValueError, match="k must be >= 1"):
        samplers.get("top_k", k=0)
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\]"):
        samplers.get("top_p", p=0)
    with pytest.raises(ValueError, match="top_k must be >= 0"):
        samplers.get("top_p", top_k=-1)


# A Markov fake model: the next-token distribution depends on the previous token.
# Letters: 3 'a', 4 'b', 5 'c', 6 'd'.  From GO: a 0.6, b 0.4.  From a: c 0.4,
# d 0.3, b 0.3.  From b: c 0.99.  After c or d: EOS.
TABLE = np.full((7, 7), 1e-6, "float32")
TABLE[1, 3], TABLE[1, 4] = 0.6, 0.4
TABLE[3, 5], TABLE[3, 6], TABLE[3, 4] = 0.4, 0.3, 0.3
TABLE[4, 5] = 0.99
TABLE[5, EOS] = TABLE[6, EOS] = 1.0
TABLE /= TABLE.sum(1, keepdims=True)


def markov_next(table):
    log_table = ops.convert_to_tensor(np.log(table))

    def next_fn(tokens, state):
        return ops.take(log_table, tokens, axis=0), state + 1

    return next_fn


def decode_with(sampler, table=TABLE, max_length=6):
    tokens, _ = sampler(
        markov_next(table), np.ones(2, "int32"), ops.zeros((2,)), max_length, EOS
    )
    return [decode(row) for row in np.asarray(tokens)]


def test_greedy_and_beam_search_find_different_known_answers():
    # Greedy takes a (0.6) then c (0.4): p = 0.24.  Beam search finds b c: p = 0.396.
    assert decode_with(samplers.get("greedy")) == ["ac", "ac"]
    assert decode_with(samplers.get("beam", num_beams=2, length_penalty=0.0)) == [
        "bc",
        "bc",
    ]
    assert decode_with(samplers.get("beam", num_beams=1)) == ["ac", "ac"]


def test_length_penalty_trades_probability_for_length():
    # From GO: EOS 0.5 (empty reply) or a 0.5; from a: b 0.9 then EOS.
    table = np.full((7, 7), 1e-6, "float32")
    table[1, EOS], table[1, 3] = 0.5, 0.5
    table[3, 4], table[3, 5] = 0.9, 0.1
    table[4, EOS] = table[5, EOS] = 1.0
    table /= table.sum(1, keepdims=True)
    no_penalty = samplers.get("beam", num_beams=3, length_penalty=0.0)
    assert decode_with(no_penalty, table) == ["", ""]  # 0.5 > 0.45
    strong_penalty = samplers.get("beam", num_beams=3, length_penalty=1.0)
    assert decode_with(strong_penalty, table) == ["ab", "ab"]


def test_beam_search_reorders_the_model_state_with_its_beams():
    # The state counts steps per row; after reordering it must still be consistent.
    sampler = samplers.get("beam", num_beams=3)
    _, state = sampler(markov_next(TABLE), np.ones(2, "int32"), ops.zeros((2,)), 4, EOS)
    assert np.asarray(state).shape == (6,)


def test_beam_arguments_are_checked():
    with pytest.raises(ValueError, match="num_beams must be >= 1, got 0"):
        samplers.get("beam", num_beams=0)
    with pytest.raises(ValueError, match="length_penalty must be >= 0"):
        samplers.get("beam", length_penalty=-1)
