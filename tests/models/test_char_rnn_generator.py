import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_pipeline import samplers
from rnn_pipeline.models import CharRNN
from rnn_pipeline.models.char_rnn_generator import CharRNNGenerator, generate_texts
from rnn_pipeline.text.vocab import build_vocab

VOCABULARY = build_vocab(["abcdefgh"])


def model(seed=0):
    import keras

    keras.utils.set_random_seed(seed)
    return CharRNN(len(VOCABULARY), embedding_dim=8, units=16, dropout=0.0)


def refeed_greedy(model, start_ids, length):
    # The slow reference: run the whole prefix again for every new character.
    ids = list(start_ids)
    for _ in range(length):
        logits = np.array(model(np.asarray([ids], "int32")))[0, -1]
        logits[:4] = -np.inf  # specials are never generated
        ids.append(int(np.argmax(logits)))
    return ids[len(start_ids) :]


@pytest.mark.parametrize("start", ["a", "abc"])
def test_the_compiled_loop_carries_the_state_like_re_feeding_the_prefix(start):
    rnn = model()
    start_ids = VOCABULARY.encode(start)
    generated = CharRNNGenerator(rnn, samplers.get("greedy"), 12)(
        np.asarray([start_ids])
    )
    assert generated.tolist()[0] == refeed_greedy(rnn, start_ids, 12)


def test_special_tokens_are_never_generated():
    generated = CharRNNGenerator(model(1), samplers.get("temperature", seed=0), 50)(
        np.asarray([VOCABULARY.encode("ab")] * 4)
    )
    assert generated.shape == (4, 50) and generated.min() >= 4


def test_unknown_start_characters_map_to_unk_and_are_reported():
    generator = CharRNNGenerator(model(), samplers.get("top_k", k=3, seed=0), 5)
    (sample,) = generate_texts(generator, VOCABULARY, ["aλz"])
    assert sample.unknown == ["λ", "z"]
    assert sample.text.startswith("aλz") and len(sample.text) == 3 + 5
    assert set(sample.text[3:]) <= set("abcdefgh")


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="length must be >= 1, got 0"):
        CharRNNGenerator(model(), samplers.get("greedy"), 0)
    generator = CharRNNGenerator(model(), samplers.get("greedy"), 3)
    with pytest.raises(ValueError, match=r"got \(1, 0\)"):
        generator(np.zeros((1, 0), "int32"))
    with pytest.raises(ValueError, match="at least one character"):
        generate_texts(generator, VOCABULARY, [""])


GENERATOR = None


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=12))
def test_any_start_string_is_continued_or_refused_with_a_message(start):
    global GENERATOR
    if GENERATOR is None:  # one compiled generator for all examples
        GENERATOR = CharRNNGenerator(model(), samplers.get("greedy"), 5)
    if not start:
        with pytest.raises(ValueError, match="at least one character"):
            generate_texts(GENERATOR, VOCABULARY, [start])
        return
    (result,) = generate_texts(GENERATOR, VOCABULARY, [start])
    assert result.text.startswith(start) and len(result.text) == len(start) + 5
    assert set(result.unknown) == {c for c in start if c not in VOCABULARY}
