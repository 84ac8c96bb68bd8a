"""scikit-learn's bundled 8 x 8 digits as a read-only raw dataset."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from rnn_pipeline.digits import load_digits_frame

logger = logging.getLogger(__name__)


class DigitsDataset(AbstractDataset[None, pd.DataFrame]):
    """Loads the 1,797 digits (``pixel_0 ... pixel_63``, ``label``); never writes.

    Args:
        metadata: Free-form metadata (kedro-viz layers).
    """

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        frame = load_digits_frame()
        logger.info("Digits: %d images from scikit-learn's bundled data", len(frame))
        return frame

    def save(self, data: None) -> None:
        raise DatasetError("the bundled digits are raw input and are never written")

    def _describe(self) -> dict[str, Any]:
        return {"source": "sklearn.datasets.load_digits"}
