"""The versioned figure dataset (its own module: it imports matplotlib)."""

from __future__ import annotations

from kedro_datasets.matplotlib import MatplotlibDataset

from rnn_pipeline.datasets.versioned import CompleteVersionsMixin


class VersionedMatplotlibDataset(CompleteVersionsMixin, MatplotlibDataset):
    """``matplotlib.MatplotlibDataset`` whose saved figures are marked complete."""
