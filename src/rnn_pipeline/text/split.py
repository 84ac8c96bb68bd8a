"""Reproducible train/test splits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnn_pipeline.text.errors import CorpusError


def split_frame(
    frame: pd.DataFrame, test_fraction: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle rows with ``seed`` and split off ``test_fraction`` of them.

    The same frame, fraction and seed always give the same split. Both parts keep at
    least one row.

    Raises:
        ValueError: If ``test_fraction`` is not strictly between 0 and 1.
        CorpusError: If there are fewer than two rows to split.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    if len(frame) < 2:
        raise CorpusError(f"need at least 2 rows to split, got {len(frame)}")
    order = np.random.default_rng(seed).permutation(len(frame))
    n_test = min(max(1, round(len(frame) * test_fraction)), len(frame) - 1)
    test = frame.iloc[order[:n_test]].reset_index(drop=True)
    train = frame.iloc[order[n_test:]].reset_index(drop=True)
    return train, test
