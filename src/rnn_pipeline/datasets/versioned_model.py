"""The versioned Keras model dataset (its own module: it imports TensorFlow)."""

from __future__ import annotations

from kedro_datasets.tensorflow import TensorFlowModelDataset

from rnn_pipeline.datasets.versioned import CompleteVersionsMixin


class VersionedTensorFlowModelDataset(CompleteVersionsMixin, TensorFlowModelDataset):
    """``tensorflow.TensorFlowModelDataset`` that loads its run's model or the newest
    complete one."""
