"""Reproducible train/test splits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnn_pipeline.text.errors import CorpusError


def split_frame(
    frame: pd.DataFrame, test_fraction: float, seed: int, group: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle rows with ``seed`` and split off ``test_fraction`` of them.

    With ``group`` (a column), whole groups are shuffled and go to one side: the
    test part takes groups until it holds ``test_fraction`` of the rows (at least
    one group), so no group has rows on both sides.

    The same frame, fraction and seed always give the same split. Both parts keep at
    least one row.

    Raises:
        ValueError: If ``test_fraction`` is not strictly between 0 and 1.
        CorpusError: If there are fewer than two rows (or groups) to split, or
            ``group`` is not a column.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    if len(frame) < 2:
        raise CorpusError(f"need at least 2 rows to split, got {len(frame)}")
    rng = np.random.default_rng(seed)
    if group is None:
        order = rng.permutation(len(frame))
        n_test = min(max(1, round(len(frame) * test_fraction)), len(frame) - 1)
        test_rows, train_rows = order[:n_test], order[n_test:]
    else:
        test_rows, train_rows = _grouped_rows(frame, test_fraction, rng, group)
    test = frame.iloc[np.sort(test_rows) if group else test_rows]
    train = frame.iloc[np.sort(train_rows) if group else train_rows]
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _grouped_rows(
    frame: pd.DataFrame, test_fraction: float, rng: np.random.Generator, group: str
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the test and train parts, whole groups on each side."""
    if group not in frame.columns:
        raise CorpusError(
            f"expected a {group!r} column to split by, "
            f"got columns {list(frame.columns)}"
        )
    codes, _ = pd.factorize(frame[group])
    groups = codes.max() + 1
    if groups < 2:
        raise CorpusError(f"need at least 2 {group}s to split by, got {groups}")
    sizes = np.bincount(codes, minlength=groups)
    order = rng.permutation(groups)
    wanted = len(frame) * test_fraction
    taken = np.cumsum(sizes[order])
    n_groups = min(max(1, int(np.searchsorted(taken, wanted)) + 1), groups - 1)
    in_test = np.zeros(groups, dtype=bool)
    in_test[order[:n_groups]] = True
    return np.flatnonzero(in_test[codes]), np.flatnonzero(~in_test[codes])
