"""Images read row by row: scikit-learn's bundled 8 x 8 handwritten digits."""

from __future__ import annotations

import numpy as np
import pandas as pd

PIXEL_PREFIX = "pixel_"
MAX_PIXEL = 16.0  # the digits' grey levels run from 0 to 16


def load_digits_frame() -> pd.DataFrame:
    """The 1,797 digits as one row per image: ``pixel_0 ... pixel_63`` and ``label``.

    The data ships inside scikit-learn: nothing is downloaded.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    frame = pd.DataFrame(
        digits.data.astype(np.float32),
        columns=[f"{PIXEL_PREFIX}{i}" for i in range(digits.data.shape[1])],
    )
    frame["label"] = digits.target.astype(np.int64)
    return frame


def frame_to_sequences(
    frame: pd.DataFrame, rows: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """Images as sequences of rows scaled to [0, 1], and their labels.

    Args:
        frame: ``pixel_*`` columns (row-major) and ``label``.
        rows: Image height: each image becomes ``rows`` steps of
            ``pixels / rows`` values.

    Returns:
        ``(n, rows, columns)`` float32 sequences and ``(n,)`` int labels.

    Raises:
        ValueError: If the frame has no label column or its pixels do not split
            into ``rows`` equal rows.
    """
    pixels = [c for c in frame.columns if c.startswith(PIXEL_PREFIX)]
    if "label" not in frame.columns or not pixels or len(pixels) % rows:
        raise ValueError(
            f"expected 'label' and a multiple of {rows} '{PIXEL_PREFIX}*' columns, "
            f"got columns {list(frame.columns)[:5]}... ({len(frame.columns)} in all)"
        )
    images = frame[pixels].to_numpy(np.float32) / MAX_PIXEL
    labels = frame["label"].to_numpy(np.int64)
    return images.reshape(len(frame), rows, len(pixels) // rows), labels
