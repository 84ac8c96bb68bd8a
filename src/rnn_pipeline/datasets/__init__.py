"""Kedro datasets of this project (the only code here besides pipelines that knows
Kedro)."""

from rnn_pipeline.datasets.conv_corpus_dataset import ConvCorpusDataset
from rnn_pipeline.datasets.digits_dataset import DigitsDataset
from rnn_pipeline.datasets.json_objects import (
    BucketChoiceDataset,
    NgramModelDataset,
    NgramModelsDataset,
    ResponderConfigDataset,
    VocabularyDataset,
)
from rnn_pipeline.datasets.mlflow_pyfunc_dataset import Seq2SeqPyfuncDataset
from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset
from rnn_pipeline.datasets.sentence_pairs_dataset import SentencePairsDataset
from rnn_pipeline.datasets.text_corpus_dataset import TextCorpusDataset
from rnn_pipeline.datasets.versioned import (
    VersionedJSONDataset,
    VersionedParquetDataset,
)

# Imported on first use: they import TensorFlow and matplotlib, which data stages
# must not pay for.
_LAZY = {
    "VersionedTensorFlowModelDataset": "rnn_pipeline.datasets.versioned_model",
    "VersionedMatplotlibDataset": "rnn_pipeline.datasets.versioned_figure",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BucketChoiceDataset",
    "ConvCorpusDataset",
    "DigitsDataset",
    "NgramModelDataset",
    "NgramModelsDataset",
    "RawTextDataset",
    "ResponderConfigDataset",
    "SentencePairsDataset",
    "Seq2SeqPyfuncDataset",
    "TextCorpusDataset",
    "VersionedJSONDataset",
    "VersionedMatplotlibDataset",
    "VersionedParquetDataset",
    "VersionedTensorFlowModelDataset",
    "VocabularyDataset",
]
