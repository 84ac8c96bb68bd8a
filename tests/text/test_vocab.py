import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text import specials
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.vocab import PairVocabulary, Vocabulary, build_vocab


def test_special_ids_are_reserved_and_characters_start_at_four():
    vocab = build_vocab(["你好你", "好吗"])
    assert vocab.tokens[:4] == ["<pad>", "<go>", "<eos>", "<unk>"]
    assert vocab.encode("你") == [4] or vocab.encode("好") == [4]
    assert min(vocab.encode("你好吗")) >= 4


def test_frequency_order_min_count_and_max_size():
    vocab = build_vocab(["aaabbc"], min_count=2)
    assert vocab.tokens[4:] == ["a", "b"]
    assert build_vocab(["aaabbc"], max_size=5).tokens[4:] == ["a"]


def test_unknown_characters_map_to_unk_and_decode_stops_at_eos():
    vocab = build_vocab(["ab"])
    ids = vocab.encode("abz")
    assert ids[-1] == specials.UNK
    assert vocab.decode([*vocab.encode("ab"), specials.EOS, *vocab.encode("b")]) == "ab"
    assert vocab.decode([specials.GO, *vocab.encode("ba"), specials.PAD]) == "ba"


def test_saved_form_names_the_special_ids_and_round_trips():
    vocab = build_vocab(["你好"])
    data = vocab.to_dict()
    assert data["special_tokens"] == {"<pad>": 0, "<go>": 1, "<eos>": 2, "<unk>": 3}
    assert Vocabulary.from_dict(data) == vocab


def test_a_vocabulary_with_real_characters_at_ids_0_to_3_is_rejected():
    data = {**build_vocab(["ab"]).to_dict(), "tokens": ["a", "b", "c", "d"]}
    with pytest.raises(CorpusError, match="must start with"):
        Vocabulary.from_dict(data)


def test_a_file_that_is_not_a_vocabulary_says_what_came_in():
    with pytest.raises(CorpusError, match="expected a vocabulary of format"):
        Vocabulary.from_dict({"tokens": ["a"]})


def test_pair_vocabulary_shared_and_separate_round_trip():
    source, target = build_vocab(["ab"]), build_vocab(["xyz"])
    shared = PairVocabulary(source)
    assert shared.shared and "target" not in shared.to_dict()
    assert PairVocabulary.from_dict(shared.to_dict()).target == source
    separate = PairVocabulary.from_dict(PairVocabulary(source, target).to_dict())
    assert not separate.shared and separate.target == target


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=10))
def test_decode_encode_round_trips_in_vocabulary_text(texts):
    vocab = build_vocab(texts)
    for text in texts:
        if not any(token in text for token in specials.SPECIAL_TOKENS):
            assert vocab.decode(vocab.encode(text)) == text
