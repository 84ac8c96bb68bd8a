from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.prompts import prepare_prompt
from rnn_pipeline.text.vocab import build_vocab

VOCAB = build_vocab(["你好吗我很好，？"])
RULES = CleaningRules()


def test_a_known_prompt_is_normalised_and_encoded():
    prepared = prepare_prompt(" 你好吗? ", VOCAB, RULES, 10)
    assert prepared.text == "你好吗？"
    assert prepared.ids == VOCAB.encode("你好吗？")
    assert prepared.message is None


def test_empty_too_long_and_non_chinese_prompts_get_a_message_and_no_ids():
    for text, expected in (
        ("   ", "Please type a message"),
        ("你" * 11, "at most 10"),
        ("hello", "Chinese only"),
        ("猫狗", "None of these characters"),
    ):
        prepared = prepare_prompt(text, VOCAB, RULES, 10)
        assert prepared.ids is None
        assert expected in prepared.message


def test_unknown_characters_are_read_as_unk_with_a_notice():
    prepared = prepare_prompt("你好猫", VOCAB, RULES, 10)
    assert prepared.ids is not None and prepared.ids[-1] == 3
    assert "猫" in prepared.message


@given(st.text())
def test_any_string_gets_ids_or_a_message(text):
    prepared = prepare_prompt(text, VOCAB, RULES, 20)
    assert (prepared.ids is not None) or prepared.message


def test_only_spaces_and_punctuation_known_is_refused_like_nothing_known():
    """The translator's case: a date vocabulary knows the space and the comma."""
    dates = build_vocab(["Monday, 7 June 2021"])
    rules = CleaningRules(chinese_only=False)
    for text in ("你好 世界", "猫, 狗", "  ,  "):
        prepared = prepare_prompt(text, dates, rules, 30)
        assert prepared.ids is None, text
    assert prepare_prompt("Monday 猫", dates, rules, 30).ids is not None
