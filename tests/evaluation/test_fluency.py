"""Fluency figures of decoded replies."""

import pytest

from rnn_pipeline.evaluation.fluency import has_doubled_character, surface_figures


def test_doubled_characters_are_found_anywhere_in_a_reply():
    assert has_doubled_character("就过我们们俩")
    assert has_doubled_character("谢谢")
    assert not has_doubled_character("我们俩")
    assert not has_doubled_character("")


def test_shares_and_mean_length():
    figures = surface_figures(["我们们", "", "好的", "谢谢你"])
    assert figures == {
        "doubled_share": 0.5,
        "mean_length": pytest.approx(2.0),
        "empty_share": 0.25,
    }


def test_no_reply_is_a_clear_error():
    with pytest.raises(ValueError, match="at least one reply"):
        surface_figures([])
