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
