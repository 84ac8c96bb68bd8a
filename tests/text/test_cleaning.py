import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text.cleaning import (
    CleaningRules,
    clean_pairs,
    is_chinese_only,
    make_pairs,
    normalize_utterance,
    pair_turns,
)
from rnn_pipeline.text.errors import CorpusError

CONVERSATIONS = [["一", "二", "三"], ["四", "五"], ["六"]]


def test_consecutive_pairs_every_turn_with_the_next():
    pairs = make_pairs(CONVERSATIONS, "consecutive")
    assert list(zip(pairs.source, pairs.target, strict=True)) == [
        ("一", "二"),
        ("二", "三"),
        ("四", "五"),
    ]


def test_two_turn_keeps_only_two_turn_conversations():
    pairs = make_pairs(CONVERSATIONS, "two_turn")
    assert list(zip(pairs.source, pairs.target, strict=True)) == [("四", "五")]


def test_unknown_pairing_is_rejected_with_what_came_in():
    with pytest.raises(ValueError, match="got 'triples'"):
        make_pairs(CONVERSATIONS, "triples")


def test_normalisation_maps_ascii_punctuation_and_subtitle_spaces():
    rules = CleaningRules()
    assert (
        normalize_utterance("  你好?  我是  小明!! ", rules) == "你好？我是，小明！！"
    )
    assert normalize_utterance("等等...", rules) == "等等…"


def test_chinese_only_filter():
    assert is_chinese_only("你好，世界！")
    assert not is_chinese_only("你好 Sawyer")
    assert not is_chinese_only("123")


def test_latin_words_keep_subtitle_names_but_not_other_scripts():
    assert is_chinese_only("你好 Sawyer", latin_words=True)
    assert is_chinese_only('他曾用过"Anthony Cooper"这个名字', latin_words=True)
    assert is_chinese_only("坐标3", latin_words=True)
    assert not is_chinese_only("é\x83˝äź", latin_words=True)  # mojibake
    assert not is_chinese_only("안녕하세요", latin_words=True)
    pairs = frame([("放松点 Phil", "我是Jack"), ("你好", "Привет")])
    kept, dropped = clean_pairs(pairs, CleaningRules(latin_words=True))
    assert kept["target"].tolist() == ["我是Jack"]
    assert dropped == {"not_chinese": 1}
    # Without the option, the pair with names is dropped as before.
    named = frame([("放松点 Phil", "我是Jack"), ("你好", "再见")])
    kept, dropped = clean_pairs(named, CleaningRules())
    assert kept["target"].tolist() == ["再见"] and dropped == {"not_chinese": 1}


def frame(rows):
    return pd.DataFrame(rows, columns=["source", "target"], dtype="string")


def test_cleaning_counts_every_drop_reason():
    pairs = frame(
        [
            ("你好", "你好啊"),
            ("你好", "你好啊"),  # duplicate
            ("好", "你好"),  # too short
            ("hello", "你好"),  # not Chinese
            ("你好你好你好" * 30, "好的"),  # long: bucketing's business, kept here
            ("再见", "再见了"),
        ]
    )
    kept, dropped = clean_pairs(pairs, CleaningRules())
    assert list(zip(kept.source, kept.target, strict=True)) == [
        ("你好", "你好啊"),
        ("你好你好你好" * 30, "好的"),
        ("再见", "再见了"),
    ]
    assert dropped == {"duplicate": 1, "too_short": 1, "not_chinese": 1}


def test_chinese_filter_can_be_switched_off():
    kept, dropped = clean_pairs(
        frame([("hello", "world")]), CleaningRules(chinese_only=False)
    )
    assert len(kept) == 1 and dropped == {}


def test_a_corpus_that_cleans_to_nothing_is_an_error():
    with pytest.raises(CorpusError, match="no pair is left after cleaning 1 pairs"):
        clean_pairs(frame([("hello", "world")]), CleaningRules())


def test_missing_columns_are_named():
    with pytest.raises(CorpusError, match="expected columns 'source' and 'target'"):
        clean_pairs(pd.DataFrame({"ask": ["你好"]}), CleaningRules())


def test_dedupe_is_linear_on_a_large_corpus():
    # 200k pairs with many repeats: a quadratic dedupe would not finish in time.
    n = 200_000
    pairs = frame([(f"你{i % 1000}", "好的") for i in range(n)])
    kept, dropped = clean_pairs(pairs, CleaningRules(chinese_only=False))
    assert len(kept) == 1000
    assert dropped["duplicate"] == n - 1000


@given(st.text(max_size=200), st.text(max_size=200))
def test_cleaning_any_text_never_crashes(source, target):
    try:
        kept, dropped = clean_pairs(frame([(source, target)]), CleaningRules())
    except CorpusError:
        return
    assert len(kept) == 1 and sum(dropped.values()) == 0


@given(
    st.lists(
        st.lists(st.sampled_from(["一", "二", "三"]), min_size=1, max_size=4),
        max_size=6,
    ),
    st.sampled_from(["consecutive", "two_turn"]),
)
def test_pairing_flat_turns_matches_pairing_conversations(conversations, pairing):
    ids = [i for i, turns in enumerate(conversations) for _ in turns]
    texts = [text for turns in conversations for text in turns]
    flat = pair_turns(ids, texts, pairing)
    nested = make_pairs(conversations, pairing)
    assert list(zip(flat.source, flat.target, strict=True)) == list(
        zip(nested.source, nested.target, strict=True)
    )


def test_pairs_remember_their_conversation_through_cleaning():
    ids = [0, 0, 0, 1, 1, 2, 2]
    texts = ["你好吗", "我很好", "再见了", "早上好", "早上好", "吃饭了吗", "吃了"]
    pairs = pair_turns(ids, texts, "consecutive")
    assert list(pairs["conversation"]) == [0, 0, 1, 2]
    pairs.loc[1, "source"] = "xyz"  # dropped: not Chinese
    kept, dropped = clean_pairs(pairs, CleaningRules())
    assert dropped == {"not_chinese": 1}
    assert list(kept["conversation"]) == [0, 1, 2]
    assert list(kept["target"]) == ["我很好", "早上好", "吃了"]
