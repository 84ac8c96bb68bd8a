from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.plain import TextCleaningRules, clean_text, split_contiguous


def test_line_endings_are_normalised_and_trailing_spaces_stripped():
    text, report = clean_text("a \r\nb\t\rc", TextCleaningRules())
    assert text == "a\nb\nc\n"
    assert report["lines_in"] == report["lines_kept"] == 3


def test_filters_are_counted_by_reason():
    rules = TextCleaningRules(
        drop_blank_lines=True, min_line_chars=2, max_line_chars=4, max_chars=9
    )
    text, report = clean_text("ab\n\nx\nabcdef\ncdef\nxyz\nlast\n", rules)
    assert text == "ab\ncdef\n"
    assert report["dropped_blank"] == 1
    assert report["dropped_too_short"] == 1
    assert report["dropped_too_long"] == 1
    # max_chars keeps a contiguous prefix: nothing after the first line that overflows.
    assert report["dropped_over_max_chars"] == 2


def test_split_uses_contiguous_blocks_spread_over_the_text():
    text = "".join(chr(ord("a") + i) * 10 for i in range(10))
    train, validation = split_contiguous(text, 0.2, 10)
    assert validation in {"c" * 10 + "h" * 10, "b" * 10 + "g" * 10}
    assert len(train) == 80 and validation[:10] not in train


def test_split_rejects_bad_arguments_and_tiny_text():
    with pytest.raises(ValueError, match="validation_fraction must be in"):
        split_contiguous("abc", 1.0, 10)
    with pytest.raises(ValueError, match="block_chars must be >= 1"):
        split_contiguous("abc", 0.5, 0)
    with pytest.raises(CorpusError, match="got 1"):
        split_contiguous("a", 0.5, 10)


@given(st.text(min_size=2), st.floats(0.01, 0.99), st.integers(1, 50))
def test_split_keeps_every_character_and_both_parts(text, fraction, block_chars):
    train, validation = split_contiguous(text, fraction, block_chars)
    assert train and validation
    assert Counter(train) + Counter(validation) == Counter(text)


@given(st.text())
def test_cleaning_never_crashes_and_leaves_only_lf(text):
    cleaned, report = clean_text(text, TextCleaningRules(drop_blank_lines=True))
    assert "\r" not in cleaned
    assert report["chars_kept"] == len(cleaned)
