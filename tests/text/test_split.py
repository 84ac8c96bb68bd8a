import numpy as np
import pandas as pd
import pytest

from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.split import split_frame


def test_split_is_80_20_disjoint_and_reproducible():
    frame = pd.DataFrame({"x": range(100)})
    train, test = split_frame(frame, 0.2, seed=1)
    assert (len(train), len(test)) == (80, 20)
    assert set(train.x).isdisjoint(test.x) and set(train.x) | set(test.x) == set(
        range(100)
    )
    again, _ = split_frame(frame, 0.2, seed=1)
    assert train.x.tolist() == again.x.tolist()
    other, _ = split_frame(frame, 0.2, seed=2)
    assert train.x.tolist() != other.x.tolist()


def test_tiny_frames_keep_a_row_on_each_side():
    train, test = split_frame(pd.DataFrame({"x": [1, 2]}), 0.2, seed=0)
    assert len(train) == 1 and len(test) == 1


def test_bad_fraction_and_too_few_rows_are_errors():
    with pytest.raises(ValueError, match="got 1.5"):
        split_frame(pd.DataFrame({"x": [1, 2]}), 1.5, 0)
    with pytest.raises(CorpusError, match="at least 2 rows"):
        split_frame(pd.DataFrame({"x": [1]}), 0.2, 0)


def test_a_split_by_group_keeps_each_group_on_one_side():
    frame = pd.DataFrame(
        {"row": range(100), "conversation": np.repeat(np.arange(20), 5)}
    )
    train, test = split_frame(frame, 0.2, seed=3, group="conversation")
    assert len(train) + len(test) == 100
    assert not set(train["conversation"]) & set(test["conversation"])
    assert 15 <= len(test) <= 25  # whole groups of 5 around the 20 asked for
    again = split_frame(frame, 0.2, seed=3, group="conversation")[1]
    assert again.equals(test)


def test_a_split_by_group_needs_the_column_and_two_groups():
    frame = pd.DataFrame({"row": range(4), "conversation": [1, 1, 1, 1]})
    with pytest.raises(CorpusError, match="at least 2 conversations"):
        split_frame(frame, 0.5, seed=0, group="conversation")
    with pytest.raises(CorpusError, match="expected a 'topic' column"):
        split_frame(frame, 0.5, seed=0, group="topic")
