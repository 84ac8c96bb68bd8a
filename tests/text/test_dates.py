import datetime as dt

import pytest

from rnn_pipeline.text.dates import date_pairs


def test_pairs_are_reproducible_and_targets_are_iso_dates():
    pairs = date_pairs(300, seed=5)
    assert pairs == date_pairs(300, seed=5)
    assert pairs != date_pairs(300, seed=6)
    for _, iso in pairs:
        assert 1950 <= dt.date.fromisoformat(iso).year <= 2049


def test_many_formats_are_used():
    sources = [source for source, _ in date_pairs(500, seed=0)]
    assert any("/" in s for s in sources) and any("." in s for s in sources)
    assert any("," in s for s in sources) and any(s.isupper() for s in sources)


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="size must be >= 1, got 0"):
        date_pairs(0)
