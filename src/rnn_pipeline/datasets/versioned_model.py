"""The versioned Keras model dataset (its own module: it imports TensorFlow)."""

from __future__ import annotations

from kedro_datasets.tensorflow import TensorFlowModelDataset

# The project's registered layers and models: a saved model names them, and loading
# one must not depend on whether a node module happened to import them first.
import rnn_pipeline.models  # noqa: F401
from rnn_pipeline.datasets.versioned import CompleteVersionsMixin


class VersionedTensorFlowModelDataset(CompleteVersionsMixin, TensorFlowModelDataset):
    """``tensorflow.TensorFlowModelDataset`` that loads its run's model or the newest
    complete one (the project's custom layers registered first)."""
