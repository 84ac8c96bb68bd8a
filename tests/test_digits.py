import pytest

from rnn_pipeline.digits import frame_to_sequences, load_digits_frame


def test_digits_become_sequences_of_rows_in_unit_range():
    frame = load_digits_frame()
    x, y = frame_to_sequences(frame)
    assert x.shape == (1797, 8, 8) and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 1
    assert set(y) == set(range(10))
    # Row r of the sequence is pixels 8r..8r+7 of the image.
    assert x[0, 2, 3] == frame.loc[0, "pixel_19"] / 16


def test_a_frame_without_labels_is_refused():
    frame = load_digits_frame().drop(columns="label")
    with pytest.raises(ValueError, match="expected 'label'"):
        frame_to_sequences(frame)
