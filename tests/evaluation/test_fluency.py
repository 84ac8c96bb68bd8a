"""Fluency figures of decoded replies."""

import pytest

from rnn_pipeline.evaluation.fluency import (
    has_doubled_character,
    surface_figures,
    unseen_pair_share,
)
from rnn_pipeline.text.ngram import NgramLanguageModel


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


def test_unseen_pair_share_counts_replies_with_a_pair_the_corpus_never_has():
    model = NgramLanguageModel(3, 10).fit([[4, 5, 6], [6, 7]])
    # 4 5 6 7 only joins seen pairs (5-6 and 6-7 from different lines); 5 4 does
    # not; a single character has no pair.
    replies = [[4, 5, 6, 7], [5, 4], [8], [6, 7, 4]]
    assert unseen_pair_share(replies, model) == 0.5
    with pytest.raises(ValueError, match="at least one reply"):
        unseen_pair_share([], model)
